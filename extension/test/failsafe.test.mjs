import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const { gate } = load(["content/approval.js", "content/gate.js"]);
const block = { rule: "misleading-claims/health-claim", pack: "misleading-claims", severity: "block", message: "m" };
const warning = { rule: "misleading-claims/absolute-guarantee", pack: "misleading-claims", severity: "warning", message: "w" };
const unchecked = { report: null, offline: true, problem: "offline" };

test("a post preflight could not check is held when the deployment says hold, and let through when it says allow", () => {
  assert.equal(gate.decide([unchecked], true, true), "unchecked");
  assert.equal(gate.decide([unchecked], true, false), "allow");
  // a composer that was checked and blocks still shows what blocks it; an unchecked one outranks a warning
  assert.equal(gate.decide([unchecked, { report: { verdict: "block", findings: [block] } }], true, true), "block");
  assert.equal(gate.decide([unchecked, { report: { verdict: "warn", findings: [warning] } }], true, true), "unchecked");
});

/** api.js over a fake fetch answering `status` (or throwing, for an unreachable server). */
function apiAnswering(status) {
  const fetch = async () => {
    if (status === null) throw new TypeError("Failed to fetch");
    return { ok: status < 300, status, statusText: "x", json: async () => ({ error: { code: "c", message: "m", details: [] } }) };
  };
  return load(["background/api.js"], { fetch, AbortSignal }).api;
}

const settings = { apiUrl: "http://127.0.0.1:1", apiKey: "pf_x" };

for (const [status, problem] of [[null, "offline"], [503, "offline"], [500, "offline"], [429, "rate-limited"],
  [401, "refused"], [403, "refused"], [413, "refused"], [422, "refused"]]) {
  test(`a ${status ?? "network failure"} reads as ${problem}, each with its own fix`, async () => {
    const api = apiAnswering(status);
    const answer = await api.call(settings, "POST", "/v1/check", { body: { text: "x" } });
    assert.equal(answer.ok, false);
    assert.equal(api.problem(answer), problem);
  });
}

test("no key at all is refused, not offline: the fix is in the options", async () => {
  const api = apiAnswering(200);
  assert.equal(api.problem(await api.call({ ...settings, apiKey: "" }, "GET", "/v1/profiles")), "refused");
});

const { pending } = load(["background/pending.js"]);
const item = (id) => ({ id, text: "t", problem: "offline", reason: "the launch could not wait" });

test("queued unchecked posts are sent in order until one still cannot reach the API; refused ones are dropped", async () => {
  const sent = [];
  const outcomes = { a: "done", b: "drop", c: "retry", d: "done" };
  const handled = await pending.flush([item("a"), item("b"), item("c"), item("d")], async (i) => {
    sent.push(i.id);
    return outcomes[i.id];
  });
  assert.deepEqual([...handled], ["a", "b"]);
  assert.deepEqual(sent, ["a", "b", "c"]);
  assert.deepEqual([...(await pending.flush([item("e")], async () => { throw new Error("worker restarted"); }))], []);
});

test("the queue keeps the newest posts, and the recorded reason says the post went out unchecked", () => {
  let queue = [];
  for (let n = 0; n < pending.MAX_ITEMS + 5; n++) queue = pending.add(queue, item(String(n)));
  assert.equal(queue.length, pending.MAX_ITEMS);
  assert.equal(queue[0].id, "5");
  const reason = pending.reasonFor({ ...item("x"), problem: "rate-limited", reason: "r".repeat(3000) });
  assert.ok(reason.startsWith("published while preflight could not check it (rate-limited): rrr"));
  assert.equal(reason.length, 2000);
});

test("holding is the default; only the two known choices are kept", () => {
  const { settings: config } = load(["shared/settings.js"]);
  assert.equal(config.normalise({}).whenUnchecked, "hold");
  assert.equal(config.normalise({ whenUnchecked: "allow" }).whenUnchecked, "allow");
  assert.equal(config.normalise({ whenUnchecked: "maybe" }).whenUnchecked, "hold");
});
