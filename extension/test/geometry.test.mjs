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
