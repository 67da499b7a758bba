import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const { scheduling } = load(["content/debounce.js"]);

test("calls within the pause collapse into one call with the last arguments", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const calls = [];
    const debounced = scheduling.debounce((v) => calls.push(v), 500, globalThis);
    debounced("a");
    mock.timers.tick(300);
    debounced("ab");
    mock.timers.tick(300);
    debounced("abc");
    assert.deepEqual(calls, []);
    assert.equal(debounced.pending(), true);
    mock.timers.tick(500);
    assert.deepEqual(calls, ["abc"]);
    assert.equal(debounced.pending(), false);
  } finally {
    mock.timers.reset();
  }
});

test("flush runs the pending call now and cancel drops it", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const calls = [];
    const debounced = scheduling.debounce((v) => calls.push(v), 500, globalThis);
    debounced(1);
    debounced.flush();
    assert.deepEqual(calls, [1]);
    debounced(2);
    debounced.cancel();
    mock.timers.tick(1000);
    assert.deepEqual(calls, [1]);
    assert.equal(debounced.flush(), undefined);
  } finally {
    mock.timers.reset();
  }
});

test("an answer that arrives after a newer request is reported stale", async () => {
  const resolvers = [];
  const superseded = [];
  const call = scheduling.latestOnly((payload) => new Promise((resolve) => resolvers.push(() => resolve(payload))), (seq) => superseded.push(seq));
  const first = call("old");
  const second = call("new");
  resolvers[1]();
  resolvers[0]();
  assert.deepEqual(await second, "new");
  assert.deepEqual({ ...(await first) }, { stale: true });
  assert.deepEqual(superseded, [1]);
});

test("supersede makes the answer on its way stale without a new request", async () => {
  let release;
  const call = scheduling.latestOnly(() => new Promise((resolve) => (release = resolve)));
  const pending = call("text");
  call.supersede();
  release({ verdict: "block" });
  assert.equal((await pending).stale, true);
});

test("the pause is short after a word or sentence ends and longer mid-word", () => {
  const { pauseAfter, PAUSE_AFTER_WORD_MS: soon, PAUSE_MID_WORD_MS: later } = scheduling;
  assert.ok(soon < later);
  for (const ended of [" ", ".", "!", ",", "?", "\n", "”", ""]) assert.equal(pauseAfter(ended), soon, JSON.stringify(ended));
  for (const inWord of ["e", "ü", "7", "ø"]) assert.equal(pauseAfter(inWord), later, inWord);
});

test("an adaptive wait is asked at each call: a space ends the pause sooner than a letter", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const calls = [];
    let typed = "Our cream never fails";
    const debounced = scheduling.debounce(() => calls.push(typed), () => scheduling.pauseAfter(typed.slice(-1)), globalThis);
    debounced();
    mock.timers.tick(scheduling.PAUSE_AFTER_WORD_MS);
    assert.deepEqual(calls, [], "mid-word: still waiting");
    typed += ".";
    debounced();
    mock.timers.tick(scheduling.PAUSE_AFTER_WORD_MS - 1);
    assert.deepEqual(calls, []);
    mock.timers.tick(1);
    assert.deepEqual(calls, ["Our cream never fails."], "a full stop: checked after the short pause");
    typed += " Ne";
    debounced();
    mock.timers.tick(scheduling.PAUSE_MID_WORD_MS - 1);
    assert.equal(calls.length, 1);
    mock.timers.tick(1);
    assert.equal(calls.length, 2, "mid-word: checked after the longer pause");
  } finally {
    mock.timers.reset();
  }
});
