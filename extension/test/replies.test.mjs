// Reply and comment boxes: which composers answer a message, which message, and what the worker sends.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import test from "node:test";
import { ROOT, load } from "./load.mjs";

const SITES = readdirSync(ROOT + "content/sites").filter((f) => f !== "generic.js").map((f) => "content/sites/" + f);
const FOLLOWING = 4;

/** Just enough of an element for replyContext: ancestors by selector, descendants, document order. */
function el(name, { text = "", order = 0, within = {} } = {}) {
  return {
    name, textContent: text, order, inside: [],
    closest: (selector) => within[selector] || null,
    contains(other) { return other === this || this.inside.includes(other); },
    querySelectorAll() { return this.inside; },
    compareDocumentPosition(other) { return other.order > this.order ? FOLLOWING : 2; },
  };
}

const REPLY = { box: ".box", within: ".thread", parent: ".message" };

test("a composer in a reply box answers the last message of its own thread before it", () => {
  const { sites } = load(["content/adapters.js"]);
  const thread = el("thread");
  const nested = el("nested thread");
  const post = el("post", { text: "  My order\n never arrived. ", order: 1, within: { ".thread": thread } });
  const inNested = el("a reply's message", { text: "Other thread", order: 2, within: { ".thread": nested } });
  const composer = el("composer", { order: 3, within: { ".box": el("box"), ".thread": thread } });
  const later = el("later", { text: "After the composer", order: 4, within: { ".thread": thread } });
  thread.inside = [post, inNested, composer, later];
  assert.deepEqual({ ...sites.replyContext(REPLY, composer) }, { context: "reply", inReplyTo: "My order never arrived." });
});

test("a reply box whose message the page does not show is still a reply; a composer outside one is a post", () => {
  const { sites } = load(["content/adapters.js"]);
  const alone = el("composer", { order: 1, within: { ".box": el("box") } });
  assert.deepEqual({ ...sites.replyContext(REPLY, alone) }, { context: "reply", inReplyTo: null });
  const outside = el("composer", { order: 1, within: { ".thread": el("thread") } });
  assert.deepEqual({ ...sites.replyContext(REPLY, outside) }, { context: "post", inReplyTo: null });
  assert.deepEqual({ ...sites.replyContext(undefined, outside) }, { context: "post", inReplyTo: null });
});

test("without a reply box, a composer is a reply only when a message comes before it", () => {
  const { sites } = load(["content/adapters.js"]);
  const reply = { within: ".thread", parent: ".message" };
  const thread = el("thread");
  const composer = el("composer", { order: 1, within: { ".thread": thread } });
  const below = el("timeline", { text: "Further down", order: 2, within: { ".thread": thread } });
  thread.inside = [composer, below];
  assert.equal(sites.replyContext(reply, composer).context, "post");
  const above = el("post", { text: "Answered", order: 0, within: { ".thread": thread } });
  thread.inside = [above, composer, below];
  assert.deepEqual({ ...sites.replyContext(reply, composer) }, { context: "reply", inReplyTo: "Answered" });
});

test("the message answered is cut to what the API accepts", () => {
  const { sites } = load(["content/adapters.js"]);
  const thread = el("thread");
  const post = el("post", { text: "x".repeat(20000), order: 0, within: { ".thread": thread } });
  const composer = el("composer", { order: 1, within: { ".box": el("box"), ".thread": thread } });
  thread.inside = [post, composer];
  assert.equal(sites.replyContext(REPLY, composer).inReplyTo.length, 10000);
});

test("each of the five sites says where its reply boxes and the messages they answer are", () => {
  const { sites } = load(["content/adapters.js", ...SITES]);
  assert.deepEqual([...sites.all].map((a) => a.id).sort(), ["facebook", "instagram", "linkedin", "threads", "x"]);
  for (const adapter of sites.all) {
    const reply = adapter.selectors.reply;
    assert.ok(reply && typeof reply.within === "string" && typeof reply.parent === "string", adapter.id);
    assert.equal(typeof adapter.replyTo, "function");
  }
});

test("the worker sends a reply's context and the message it answers, and nothing of it for a post", () => {
  const { api } = load(["background/api.js"]);
  const settings = { language: "auto", profile: "example" };
  const reply = api.checkBody({ text: "Calm down", platform: "x", context: "reply", inReplyTo: "Where is my order?" }, settings);
  assert.equal(reply.context, "reply");
  assert.equal(reply.in_reply_to, "Where is my order?");
  assert.equal(reply.profile, "example");
  const post = api.checkBody({ text: "Hello", context: "post", inReplyTo: "ignored" }, settings);
  assert.equal(post.context, "post");
  assert.equal("in_reply_to" in post, false);
  assert.equal(api.checkBody({ text: "Hi", context: "anything" }, settings).context, "post");
  assert.equal("in_reply_to" in api.checkBody({ text: "Hi", context: "reply", inReplyTo: "  " }, settings), false);
});
