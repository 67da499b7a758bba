import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const { offsets } = load(["content/offsets.js"]);

test("an emoji before a span moves its UTF-16 start by two units per emoji", () => {
  const text = "🎉 Our shoes cure back pain";
  const span = offsets.spanToUtf16(text, { start: 12, end: 16 });
  assert.deepEqual({ ...span }, { start: 13, end: 17 });
  assert.equal(text.slice(span.start, span.end), "cure");
});

test("astral characters inside and around the span are counted once each", () => {
  const text = "a𝐁c 👩‍👩‍👧 d𝐄f!";
  const codePoints = [...text];
  for (let start = 0; start < codePoints.length; start++) {
    for (let end = start; end <= codePoints.length; end++) {
      const span = offsets.spanToUtf16(text, { start, end });
      assert.equal(text.slice(span.start, span.end), codePoints.slice(start, end).join(""));
    }
  }
});

test("code points and UTF-16 units convert back and forth", () => {
  const text = "x😀y😀z";
  for (let cp = 0; cp <= [...text].length; cp++) {
    assert.equal(offsets.utf16ToCodePoint(text, offsets.codePointToUtf16(text, cp)), cp);
  }
  assert.equal(offsets.codePointToUtf16(text, 2), 3);
});

test("offsets past the end are clamped and a lone surrogate counts as one", () => {
  assert.equal(offsets.codePointToUtf16("ab", 9), 2);
  assert.equal(offsets.codePointToUtf16("\ud83dx", 1), 1);
});

test("a missing or malformed span converts to null", () => {
  assert.equal(offsets.spanToUtf16("abc", null), null);
  assert.equal(offsets.spanToUtf16("abc", { start: 2, end: 1 }), null);
  assert.equal(offsets.spanToUtf16("abc", { start: "1", end: 2 }), null);
});
