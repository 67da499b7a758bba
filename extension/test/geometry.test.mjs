import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const { geometry } = load(["content/geometry.js"]);
const rect = (left, top, width, height) => ({ left, top, width, height, right: left + width, bottom: top + height });
const plain = (o) => JSON.parse(JSON.stringify(o));

test("a word's rect becomes an underline along its bottom edge", () => {
  const boxes = geometry.underlineBoxes([rect(40, 100, 30, 18)], rect(0, 0, 500, 500));
  assert.deepEqual(plain(boxes), [{ left: 40, top: 115, width: 30, height: 3 }]);
});

test("rects of one line merge; a wrapped span keeps one underline per line", () => {
  const boxes = geometry.underlineBoxes([rect(40, 100, 30, 18), rect(70, 100, 20, 18), rect(0, 120, 25, 18)], rect(0, 0, 500, 500));
  assert.deepEqual(plain(boxes), [{ left: 40, top: 115, width: 50, height: 3 }, { left: 0, top: 135, width: 25, height: 3 }]);
});

test("words scrolled out of the composer are not underlined; those cut at the edge are clipped", () => {
  const clip = rect(10, 50, 200, 100);
  assert.deepEqual(plain(geometry.underlineBoxes([rect(20, 10, 30, 18), rect(20, 160, 30, 18), rect(0, 0, 0, 0)], clip)), []);
  assert.deepEqual(plain(geometry.underlineBoxes([rect(190, 60, 60, 18)], clip)), [{ left: 190, top: 75, width: 20, height: 3 }]);
});

test("a point on the word or just under it hits; a point beside it does not", () => {
  const rects = [rect(40, 100, 30, 18)];
  assert.equal(geometry.hits(rects, 50, 110), true);
  assert.equal(geometry.hits(rects, 50, 119), true);
  assert.equal(geometry.hits(rects, 90, 110), false);
});

test("a card goes below the word, above it near the bottom, and stays inside the viewport", () => {
  const viewport = { width: 800, height: 600 };
  assert.deepEqual(plain(geometry.placeCard(rect(100, 100, 40, 18), { width: 300, height: 120 }, viewport)), { left: 100, top: 124 });
  assert.deepEqual(plain(geometry.placeCard(rect(100, 550, 40, 18), { width: 300, height: 120 }, viewport)), { left: 100, top: 424 });
  assert.deepEqual(plain(geometry.placeCard(rect(700, 100, 40, 18), { width: 300, height: 120 }, viewport)), { left: 500, top: 124 });
});

test("the badge sits in the composer's bottom-right corner", () => {
  assert.deepEqual(plain(geometry.placeBadge(rect(100, 200, 400, 120), { width: 80, height: 20 })), { left: 414, top: 294 });
});

test("the badge leaves a corner the text reaches for one it does not", () => {
  const composer = rect(100, 200, 400, 120);
  const size = { width: 80, height: 20 };
  // a last line running to the right edge: the bottom-right corner is taken, the top-right is free
  const lines = [rect(100, 200, 300, 20), rect(100, 290, 400, 20)];
  assert.deepEqual(plain(geometry.placeBadge(composer, size, lines)), { left: 414, top: 206 });
});

test("a composer full of text puts the badge outside it, never over the words", () => {
  const composer = rect(100, 200, 400, 120);
  const size = { width: 80, height: 20 };
  const full = [0, 1, 2, 3, 4, 5].map((n) => rect(100, 200 + n * 20, 400, 20));
  const beside = geometry.placeBadge(composer, size, full, { width: 1000, height: 800 });
  assert.deepEqual(plain(beside), { left: 506, top: 300 });
  // no room beside it on a phone: below it
  const below = geometry.placeBadge(rect(10, 200, 370, 120), size, full.map((r) => rect(10, r.top, 370, 20)), { width: 390, height: 800 });
  assert.deepEqual(plain(below), { left: 300, top: 326 });
  for (const at of [beside, below]) assert.equal(geometry.overlaps({ ...at, ...size }, full), false);
});
