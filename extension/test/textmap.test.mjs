import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";
import { h } from "./fakedom.mjs";

const { textmap } = load(["content/textmap.js"]);

// X's Draft.js editor: contents > block > inner div > span[data-offset-key] > span[data-text]
function draftBlock(...runs) {
  return h("div", { "data-block": "true" }, h("div", {}, ...runs.map((run) => (typeof run === "string"
    ? h("span", { "data-offset-key": "k" }, h("span", { "data-text": "true" }, run))
    : run))));
}

test("Draft.js blocks become lines, styled runs join, an empty block is an empty line", () => {
  const root = h("div", { contenteditable: "true" }, h("div", { "data-contents": "true" },
    draftBlock("🎉 Our shoes ", "cure"),
    h("div", { "data-block": "true" }, h("div", {}, h("span", {}, h("br", { "data-text": "true" })))),
    draftBlock("back pain")));
  const map = textmap.extract(root);
  assert.equal(map.text, "🎉 Our shoes cure\n\nback pain");
  assert.deepEqual(map.segments.map((s) => `${s.start}-${s.end}`).join(" "), "0-13 13-17 19-28");
});

test("Lexical paragraphs with a placeholder <br> in an empty one", () => {
  const root = h("div", { contenteditable: "true", "data-lexical-editor": "true" },
    h("p", {}, h("span", { "data-lexical-text": "true" }, "One")),
    h("p", {}, h("br")),
    h("p", {}, h("span", {}, "Two "), h("strong", {}, "three")));
  assert.equal(textmap.extract(root).text, "One\n\nTwo three");
});

test("a plain contenteditable's <br> between lines is a newline; the trailing one is not", () => {
  const root = h("div", { contenteditable: "true" }, "first", h("br"), "second", h("br"));
  assert.equal(textmap.extract(root).text, "first\nsecond");
});

test("scripts, styles and non-editable empty widgets add no text", () => {
  const root = h("div", {}, h("p", {}, "a", h("style", {}, ".x{}"), h("span", { contenteditable: "false" }), "b"));
  assert.equal(textmap.extract(root).text, "ab");
});

test("locate finds the text node and offset for a position, preferring the next node at a boundary", () => {
  const root = h("div", {}, h("p", {}, "ab"), h("p", {}, "cd"));
  const map = textmap.extract(root);
  assert.equal(map.text, "ab\ncd");
  const [first, second] = map.segments.map((s) => s.node);
  const at = (offset, preferNext) => {
    const found = textmap.locate(map, offset, preferNext);
    return [found.node === first ? "first" : found.node === second ? "second" : "?", found.offset];
  };
  assert.deepEqual(at(1), ["first", 1]);
  assert.deepEqual(at(2), ["first", 2]);
  assert.deepEqual(at(3, true), ["second", 0]);
  assert.deepEqual(at(5), ["second", 2]);
});
