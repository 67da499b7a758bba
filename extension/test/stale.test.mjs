import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const { gate } = load(["content/approval.js", "content/gate.js"], { setTimeout });
const block = { rule: "misleading-claims/health-claim", pack: "misleading-claims", severity: "block", message: "m" };
const passed = { verdict: "pass", findings: [] };
const blocked = { verdict: "block", findings: [block] };

/** A window that records the gate's capture listeners, and a click on the publish button through them. */
function page({ session, hold = false }) {
  const listeners = {};
  const doc = { defaultView: { addEventListener: (type, fn) => (listeners[type] = fn) } };
  const button = { isConnected: true, clicks: 0, click() { this.clicks += 1; } };
  const opened = [];
  gate.install(doc, {
    sessionsFor: () => [session], sessionOf: () => session, publishOf: (target) => (target === button ? button : null),
    isOurs: () => false, open: async (dialog) => { opened.push(dialog); return "cancel"; }, record: () => {},
    warnConfirm: () => true, holdUnchecked: () => hold, freshWaitMs: 5,
  });
  const click = async () => {
    let prevented = false;
    listeners.click({ target: button, preventDefault: () => (prevented = true), stopImmediatePropagation: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 30));
    return { prevented, replayed: button.clicks, opened };
  };
  return click;
}

/** A composer whose text was edited (a suggestion applied) and whose re-check has not answered. */
function editedSession(report) {
  return { composer: {}, gateState: () => ({ report, offline: false, problem: null, stale: true }), checkNow: () => new Promise(() => {}) };
}

test("a result for an older text never decides: the post waits for its own check", () => {
  assert.equal(gate.decide([{ report: passed, stale: true }], true, false), "recheck");
  const [state] = gate.settled([{ report: passed, stale: true }]);
  assert.equal(state.report, null);
  assert.equal(gate.decide([state], true, true), "unchecked");
});

test("when the fresh check does not come, the older pass does not let the post out where unchecked posts are held", async () => {
  const outcome = await page({ session: editedSession(passed), hold: true })();
  assert.equal(outcome.prevented, true);
  assert.equal(outcome.replayed, 0);
  assert.deepEqual(outcome.opened.map((d) => d.kind), ["unchecked"]);
});

test("nor does an older block show its findings for a text that no longer has them", async () => {
  const outcome = await page({ session: editedSession(blocked), hold: true })();
  assert.deepEqual(outcome.opened.map((d) => [d.kind, d.findings.length]), [["unchecked", 0]]);
});

test("once the re-check answers for the current text, its verdict decides", async () => {
  let state = { report: passed, offline: false, problem: null, stale: true };
  const session = { composer: {}, gateState: () => state, checkNow: async () => { state = { report: blocked, offline: false, problem: null, stale: false }; } };
  const outcome = await page({ session })();
  assert.deepEqual(outcome.opened.map((d) => d.kind), ["block"]);
});
