// Approval requests: what the gate lets out, what the worker sends and how it polls an approver's answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const block = { rule: "misleading-claims/health-claim", pack: "misleading-claims", severity: "block", message: "m" };
const warning = { rule: "misleading-claims/absolute-guarantee", pack: "misleading-claims", severity: "warning", message: "w" };
const crisis = { rule: "crisis/publishing-paused", pack: "crisis", severity: "block", message: "We are responding to an incident." };
// values made in the scripts' own context compare by structure only after a copy into this one
const plain = (value) => JSON.parse(JSON.stringify(value));
const asked = (state, extra = {}) => ({ id: "apr_1", state, matches: false, reason: state, approved_by: [], comment: "", ...extra });

test("a post approved exactly as it is goes out whatever blocks it, crisis mode included", () => {
  const { gate } = load(["content/approval.js", "content/gate.js"]);
  const approved = asked("approved", { matches: true, reason: null });
  assert.equal(gate.decide([{ report: { verdict: "block", findings: [block], approval: approved } }], true), "allow");
  assert.equal(gate.decide([{ report: { verdict: "block", findings: [crisis], approval: approved } }], true), "allow");
  // one composer of a thread approved does not carry the others
  assert.equal(gate.decide([{ report: { verdict: "block", findings: [block], approval: approved } },
    { report: { verdict: "block", findings: [block] } }], true), "block");
});

test("an approval of other text, a pending, rejected or expired request holds the post as before", () => {
  const { gate } = load(["content/approval.js", "content/gate.js"]);
  for (const approval of [asked("approved", { reason: "text_changed" }), asked("pending"), asked("rejected"), asked("expired")]) {
    assert.equal(gate.decide([{ report: { verdict: "block", findings: [block], approval } }], true), "block", approval.reason);
  }
});

test("a warning the profile wants approved is held even for an editor who does not confirm warnings", () => {
  const { gate } = load(["content/approval.js", "content/gate.js"]);
  assert.equal(gate.decide([{ report: { verdict: "warn", findings: [warning], approval_required: false } }], false), "allow");
  assert.equal(gate.decide([{ report: { verdict: "warn", findings: [warning], approval_required: true } }], false), "warn");
});

test("the dialog offers a request where the profile asks for one or the API takes them for a block, and no override when required", () => {
  const { approval } = load(["content/approval.js"]);
  assert.equal(approval.offered("warn", [{ approval_required: true }]), true);
  assert.equal(approval.offered("block", [{ approval_required: false }]), true);
  assert.equal(approval.offered("crisis", [{ approval_required: false }]), true);
  assert.equal(approval.offered("warn", [{ approval_required: false }]), false);
  assert.equal(approval.offered("block", [{}]), false, "an API without approvals reports no approval_required");
  assert.equal(approval.overridable([{ approval_required: true }, {}]), false);
  assert.equal(approval.overridable([{ approval_required: false }]), true);
});

test("where a request stands for the current text: approved, waiting, rejected, expired or asked about other text", () => {
  const { approval } = load(["content/approval.js"]);
  const standing = (a) => approval.standing({ approval: a });
  assert.equal(standing(asked("approved", { matches: true, reason: null })), "approved");
  assert.equal(standing(asked("approved", { reason: "text_changed" })), "changed");
  assert.equal(standing(asked("pending", { reason: "text_changed" })), "changed");
  assert.equal(standing(asked("pending")), "waiting");
  assert.equal(standing(asked("rejected")), "rejected");
  assert.equal(standing(asked("expired")), "expired");
  assert.equal(standing(asked("approved", { reason: "images_changed" })), "changed");
  assert.equal(standing(asked("approved", { reason: "crisis_team_needed" })), "crisisTeam");
  assert.equal(approval.standing({}), null);
});

test("a pending or rejected request is for the text it was asked about: edited since, it no longer stands for the post", () => {
  const { approval } = load(["content/approval.js"]);
  const reported = asked("pending");
  const request = { id: "apr_1", state: "pending", text: "Our insoles cure back pain" };
  assert.equal(approval.standing({ approval: approval.effective(reported, request, "Our insoles cure back pain") }), "waiting");
  assert.equal(approval.standing({ approval: approval.effective(reported, request, "Our insoles cure back pain!") }), "changed");
  // a rejection is of the text asked about too: once edited, the post shows its own verdict and may be asked about again
  assert.equal(approval.standing({ approval: approval.effective(asked("rejected"), request, "Our insoles ease back pain") }), "changed");
  assert.equal(approval.standing({ approval: approval.effective(asked("rejected"), request, request.text) }), "rejected");
  assert.equal(approval.effective(null, request, "x"), null);
});

test("the gate's dialog hears who rejected a request from the decisions the worker fetched for that request", () => {
  const { gate } = load(["content/approval.js", "content/gate.js"]);
  const decisions = [{ by: "legal", decision: "reject", comment: "No cure claims." }];
  const report = { verdict: "block", findings: [block], approval: asked("rejected", { comment: "No cure claims." }) };
  assert.deepEqual(plain(gate.askedOf([{ report, asked: { id: "apr_1", decisions } }]).decisions), decisions);
  assert.deepEqual(plain(gate.askedOf([{ report, asked: { id: "apr_0", decisions } }]).decisions), [], "another request's decisions");
  assert.equal(gate.askedOf([{ report: { verdict: "block", findings: [block] } }]), null);
  // approved with the approver's edit: the dialog shows that text to the editor, who has the other one in the composer
  const edited = { verdict: "block", findings: [block], approval: asked("approved", { reason: "text_changed" }) };
  const fetched = { id: "apr_1", state: "approved", text: "Our insoles ease back pain.", decisions: [] };
  assert.equal(gate.askedOf([{ report: edited, asked: fetched, checkedText: "Our insoles cure back pain." }]).approvedText,
    "Our insoles ease back pain.");
  assert.equal(gate.askedOf([{ report: edited, asked: fetched, checkedText: "Our insoles ease back pain." }]).approvedText, null);
});

test("a check carries a well-formed approval id only; a request sends the post as a submission with the note, cut to 1000", () => {
  const { api } = load(["background/api.js"]);
  const settings = { language: "auto", profile: "example" };
  assert.equal(api.checkBody({ text: "t", approvalId: "apr_1" }, settings).approval_id, "apr_1");
  assert.equal("approval_id" in api.checkBody({ text: "t", approvalId: "../v1/keys" }, settings), false);
  assert.equal("approval_id" in api.checkBody({ text: "t", approvalId: null }, settings), false);
  const body = api.approvalBody({ text: "Our insoles cure", platform: "x", note: ` ${"n".repeat(1200)} `, approvalId: "apr_1" }, settings);
  assert.deepEqual(plain(body.submission), { text: "Our insoles cure", language: "auto", platform: "x", profile: "example",
    context: "post", images: [] });
  assert.equal(body.note.length, 1000);
});

test("polls back off from 2 s, doubling, to at most 20 s", () => {
  const { approvals } = load(["background/api.js", "background/approvals.js"]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 50].map(approvals.nextDelay), [2000, 4000, 8000, 16000, 20000, 20000, 20000]);
});

/** Timers that run only when the test says, each recording its delay. */
function fakeTimers() {
  let next = 1;
  const due = new Map();
  return {
    delays: [],
    setTimeout(fn, ms) { this.delays.push(ms); due.set(next, fn); return next++; },
    clearTimeout(id) { due.delete(id); },
    pending: () => due.size,
    async fire() {
      const [[id, fn]] = due;
      due.delete(id);
      await fn();
    },
  };
}

function watcherWith(answers, { listening = true } = {}) {
  const { approvals } = load(["background/api.js", "background/approvals.js"]);
  const timers = fakeTimers();
  const told = [];
  const saved = [];
  const fetched = [];
  const watcher = approvals.watcher({
    fetchOne: async (id) => { fetched.push(id); return answers.shift(); },
    notify: async (entry, approval) => { told.push([entry.tabId, approval.state]); return listening; },
    save: async (list) => saved.push(plain(list.map((w) => w.id))),
    timers,
  });
  return { watcher, timers, told, saved, fetched };
}

const ok = (state) => ({ ok: true, status: 200, body: { id: "apr_1", state } });

test("a request is polled with back-off until decided; the tab hears each change once, then polling stops", async () => {
  const { watcher, timers, told, saved, fetched } = watcherWith([ok("pending"), ok("pending"), { ok: false, offline: true }, ok("approved")]);
  await watcher.watch({ id: "apr_1", tabId: 7, frameId: 0 });
  assert.deepEqual(saved.at(-1), ["apr_1"], "kept for a restarted worker");
  for (let n = 0; n < 4; n++) await timers.fire();
  assert.deepEqual(timers.delays, [2000, 4000, 8000, 16000]);
  assert.deepEqual(fetched, ["apr_1", "apr_1", "apr_1", "apr_1"]);
  assert.deepEqual(told, [[7, "approved"]]);
  assert.equal(timers.pending(), 0);
  assert.equal(watcher.watching("apr_1"), false);
  assert.deepEqual(saved.at(-1), []);
});

test("polling stops for a request the API no longer knows, and when no composer listens for it any more", async () => {
  const gone = watcherWith([{ ok: false, status: 404, error: { code: "approval_not_found" } }]);
  await gone.watcher.watch({ id: "apr_1", tabId: 7 });
  await gone.timers.fire();
  assert.equal(gone.timers.pending(), 0);
  assert.deepEqual(gone.told, []);

  const deaf = watcherWith([ok("rejected")], { listening: false });
  await deaf.watcher.watch({ id: "apr_1", tabId: 7 });
  await deaf.timers.fire();
  assert.equal(deaf.watcher.size(), 0);
});

test("a closed tab's requests stop; a restarted worker resumes only undecided ones; bad ids are not watched", async () => {
  const { watcher, timers } = watcherWith([]);
  await watcher.watch({ id: "apr_1", tabId: 7 });
  await watcher.watch({ id: "apr_2", tabId: 8 });
  await watcher.stopTab(7);
  assert.equal(watcher.watching("apr_1"), false);
  assert.equal(watcher.watching("apr_2"), true);
  assert.equal(timers.pending(), 1);
  await watcher.resume([{ id: "apr_3", tabId: 9, state: "pending" }, { id: "apr_4", tabId: 9, state: "approved" }, null]);
  assert.equal(watcher.watching("apr_3"), true);
  assert.equal(watcher.watching("apr_4"), false);
  assert.equal(await watcher.watch({ id: "../keys", tabId: 9 }), false);
});

/** The worker in a VM with a fake browser and a fake API; `routes` answer "METHOD /path" with [status, body] (or a function giving one). */
function workerWith(routes) {
  const timers = fakeTimers();
  const calls = [];
  const sent = [];
  const storage = { settings: { apiUrl: "http://127.0.0.1:9", apiKey: "pf_editor" } };
  let onMessage = null;
  const listener = () => ({ addListener: () => {} });
  const chrome = {
    runtime: { onMessage: { addListener: (fn) => (onMessage = fn) }, onInstalled: listener(), getURL: (p) => `chrome-extension://id/${p}`,
      getManifest: () => ({ content_scripts: [{ js: ["content/main.js"] }] }) },
    storage: { local: { get: async (key) => ({ [key]: storage[key] }), set: async (values) => Object.assign(storage, values) } },
    action: { setBadgeText: async () => {}, setBadgeBackgroundColor: async () => {} },
    tabs: { onRemoved: listener(), sendMessage: async (tabId, message, options) => { sent.push([tabId, message, options]); } },
    scripting: { getRegisteredContentScripts: async () => [], unregisterContentScripts: async () => {}, registerContentScripts: async () => {} },
  };
  const fetch = async (url, init) => {
    const path = url.replace("http://127.0.0.1:9", "");
    calls.push({ method: init.method, path, auth: init.headers.Authorization, body: init.body ? JSON.parse(init.body) : undefined });
    const route = routes[`${init.method} ${path.split("?")[0]}`] || [404, { error: { code: "not_found", message: "no" } }];
    const [status, body] = typeof route === "function" ? route() : route;
    return { ok: status < 300, status, statusText: "", json: async () => body };
  };
  load(["shared/messages.js", "shared/settings.js", "background/api.js", "background/pending.js", "background/sites.js",
    "background/approvals.js", "background/worker.js"], { chrome, fetch, AbortSignal, AbortController, URL, crypto, setTimeout: timers.setTimeout.bind(timers),
    clearTimeout: timers.clearTimeout.bind(timers) });
  const MSG = { REQUEST_APPROVAL: "preflight/request-approval", CHECK: "preflight/check", APPROVAL_CHANGED: "preflight/approval-changed",
    TEST_CONNECTION: "preflight/test-connection" };
  const ask = (msg, sender = { tab: { id: 4, url: "https://x.com/home" }, frameId: 0 }) =>
    new Promise((resolve) => onMessage(msg, sender, resolve));
  return { ask, calls, sent, timers, MSG, routes };
}

const approvalObject = (state, extra = {}) => ({ id: "apr_9", state, text: "Our insoles cure back pain", decisions: [], ...extra });

test("the worker sends a request with the editor's key, polls it, and tells the composer's tab when it is decided", async () => {
  const w = workerWith({ "POST /v1/approvals": [201, approvalObject("pending")], "GET /v1/approvals/apr_9": [200, approvalObject("pending")] });
  const answer = await w.ask({ type: w.MSG.REQUEST_APPROVAL, text: "Our insoles cure back pain", platform: "x", note: "launch at 9" });
  assert.equal(answer.ok, true);
  assert.equal(answer.approval.id, "apr_9");
  const [request] = w.calls;
  assert.deepEqual([request.method, request.path, request.auth], ["POST", "/v1/approvals", "Bearer pf_editor"]);
  assert.equal(request.body.submission.text, "Our insoles cure back pain");
  assert.equal(request.body.note, "launch at 9");

  await w.timers.fire();
  assert.deepEqual(w.sent, [], "nothing changed yet");
  w.routes["GET /v1/approvals/apr_9"] = [200, approvalObject("rejected", { decisions: [{ by: "legal", decision: "reject", comment: "No." }] })];
  await w.timers.fire();
  assert.deepEqual(w.timers.delays, [2000, 4000], "the second poll waited longer");
  const [[tabId, message, options]] = w.sent;
  assert.equal(tabId, 4);
  assert.equal(options.frameId, 0);
  assert.equal(message.type, w.MSG.APPROVAL_CHANGED);
  assert.equal(message.approval.decisions[0].comment, "No.");
  assert.equal(w.timers.pending(), 0, "a decided request is not polled again");
});

test("a refused request says why and starts no polling", async () => {
  const w = workerWith({ "POST /v1/approvals": [422, { error: { code: "nothing_to_approve", message: "the post passes" } }] });
  const answer = await w.ask({ type: w.MSG.REQUEST_APPROVAL, text: "Fine post", note: "" });
  assert.equal(answer.ok, false);
  assert.equal(answer.error.code, "nothing_to_approve");
  assert.equal(w.timers.pending(), 0);
});

test("the next check sends the request's id and, while it is pending, polling starts again after a worker restart", async () => {
  const report = { check_id: "c", verdict: "block", findings: [block], approval: { id: "apr_9", state: "pending", matches: false, reason: "pending" } };
  const w = workerWith({ "POST /v1/check": [200, report] });
  const answer = await w.ask({ type: w.MSG.CHECK, composer: 1, text: "Our insoles cure back pain", approvalId: "apr_9" });
  assert.equal(answer.report.approval.state, "pending");
  assert.equal(w.calls[0].body.approval_id, "apr_9");
  assert.equal(w.timers.pending(), 1, "the pending request is watched");
});

test("a request the API no longer knows does not stop the post being checked: the check is sent again without it", async () => {
  const report = { check_id: "c", verdict: "block", findings: [block] };
  const answers = [[404, { error: { code: "approval_not_found", message: "no approval 'apr_gone'" } }], [200, report]];
  const w = workerWith({ "POST /v1/check": () => answers.shift() });
  const answer = await w.ask({ type: w.MSG.CHECK, composer: 1, text: "Our insoles cure back pain", approvalId: "apr_gone" });
  assert.equal(answer.ok, true);
  assert.equal(answer.approvalGone, true);
  assert.deepEqual(w.calls.map((c) => c.body.approval_id), ["apr_gone", undefined]);
});

test("Test connection refuses an approver's key: it never belongs in an editor's browser", async () => {
  const w = workerWith({ "GET /readyz": [200, { packs: [] }], "GET /v1/profiles": [200, { profiles: [] }],
    "GET /v1/crisis": [403, { error: { code: "forbidden", message: "no" } }], "GET /v1/approvals": [200, { approvals: [] }] });
  const sender = { url: "chrome-extension://id/options/options.html" };
  assert.equal((await w.ask({ type: w.MSG.TEST_CONNECTION, settings: {} }, sender)).reason, "approver-key");
  w.routes["GET /v1/approvals"] = [403, { error: { code: "forbidden", message: "no" } }];
  assert.equal((await w.ask({ type: w.MSG.TEST_CONNECTION, settings: {} }, sender)).ok, true);
});
