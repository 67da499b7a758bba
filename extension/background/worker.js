// The only place that holds the API key and talks to the API; pages and content scripts send messages.
if (typeof importScripts === "function") {
  importScripts("../shared/namespace.js", "../shared/messages.js", "../shared/settings.js", "api.js", "pending.js", "sites.js",
    "approvals.js");
}

(() => {
  const { ext, MSG, api, pending, approvals, settings: config, registerGeneric } = preflight;
  const inflight = new Map();
  const DRAFT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
  const BADGE_COLOURS = { pass: "#188038", warn: "#e37400", block: "#d93025", offline: "#80868b" };

  // Approval requests being polled; the list is kept in storage so a worker the browser stopped picks it up again.
  const watcher = approvals.watcher({
    fetchOne: async (id) => api.call(await loadSettings(), "GET", `/v1/approvals/${encodeURIComponent(id)}`),
    notify: ({ tabId, frameId }, approval) => ext.tabs.sendMessage(tabId, { type: MSG.APPROVAL_CHANGED, approval }, { frameId })
      .then(() => true, () => false),
    save: (list) => ext.storage.local.set({ approvalWatches: list }),
  });

  async function loadSettings() {
    const stored = await ext.storage.local.get("settings");
    return config.normalise(stored.settings);
  }

  function fromExtensionPage(sender) {
    return typeof sender.url === "string" && sender.url.startsWith(ext.runtime.getURL(""));
  }

  function requireExtensionPage(sender) {
    if (!fromExtensionPage(sender)) throw new Error("this message is only accepted from the extension's own pages");
  }

  async function showOnAction(tabId, state, count) {
    if (tabId === undefined) return;
    const text = { offline: "off", refused: "key", "rate-limited": "wait" }[state] ?? (state === "pass" ? "" : String(count));
    await ext.action.setBadgeText({ tabId, text });
    await ext.action.setBadgeBackgroundColor({ tabId, color: BADGE_COLOURS[state] || BADGE_COLOURS.offline });
  }

  async function check(msg, sender) {
    const settings = await loadSettings();
    const tabId = sender.tab ? sender.tab.id : undefined;
    const slot = `${tabId}:${msg.composer}`;
    if (inflight.has(slot)) inflight.get(slot).abort();
    const controller = new AbortController();
    inflight.set(slot, controller);
    const body = api.checkBody(msg, settings);
    if (typeof msg.draft === "string" && DRAFT_ID.test(msg.draft)) body.draft_id = msg.draft;
    let answer = await api.call(settings, "POST", "/v1/check", { body, signal: controller.signal });
    // a request the API no longer knows (purged, or asked with another key) must not stop the post being checked
    const forgotten = !answer.ok && answer.status === 404 && "approval_id" in body && (answer.error || {}).code === "approval_not_found";
    if (forgotten) {
      delete body.approval_id;
      answer = await api.call(settings, "POST", "/v1/check", { body, signal: controller.signal });
    }
    if (inflight.get(slot) === controller) inflight.delete(slot);
    if (answer.cancelled) return { ok: false, cancelled: true };
    const site = sender.tab && sender.tab.url ? new URL(sender.tab.url).hostname : "";
    const problem = answer.ok ? null : api.problem(answer);
    const verdict = answer.ok ? answer.body.verdict : "offline";
    const count = answer.ok ? answer.body.findings.length : 0;
    await ext.storage.local.set({ lastCheck: { site, verdict, count, at: Date.now(), reason: answer.reason || null, problem } });
    await showOnAction(tabId, problem || verdict, count).catch(() => {});
    const policy = { warnConfirm: settings.warnConfirm, whenUnchecked: settings.whenUnchecked };
    if (answer.ok) {
      flushUnchecked(settings);
      const approval = answer.body.approval;
      // a request still pending is polled again, also after the browser stopped a worker that was polling it
      if (approval && approval.state === "pending" && tabId !== undefined && !watcher.watching(approval.id)) {
        await watcher.watch({ id: approval.id, tabId, frameId: sender.frameId, state: "pending" });
      }
      return { ok: true, report: answer.body, approvalGone: forgotten, ...policy };
    }
    return { ok: false, offline: Boolean(answer.offline), reason: answer.reason || null, error: answer.error || null, problem, ...policy };
  }

  /** Keeps a post published unchecked, with the editor's reason, until the API can record it. */
  async function unchecked(msg) {
    const item = {
      id: crypto.randomUUID(), at: Date.now(), text: String(msg.text || ""), platform: msg.platform || null,
      draft: typeof msg.draft === "string" && DRAFT_ID.test(msg.draft) ? msg.draft : null,
      problem: String(msg.problem || "offline"), reason: String(msg.reason || ""),
    };
    const stored = await ext.storage.local.get("unchecked");
    await ext.storage.local.set({ unchecked: pending.add(stored.unchecked || [], item) });
    return { ok: true, queued: true };
  }

  let flushing = false;

  async function flushUnchecked(settings) {
    if (flushing) return;
    flushing = true;
    try {
      const queue = (await ext.storage.local.get("unchecked")).unchecked || [];
      if (!queue.length) return;
      const handled = new Set(await pending.flush(queue, (item) => recordUnchecked(settings, item)));
      // posts queued while these were sent stay queued
      const now = (await ext.storage.local.get("unchecked")).unchecked || [];
      await ext.storage.local.set({ unchecked: now.filter((item) => !handled.has(item.id)) });
    } finally {
      flushing = false;
    }
  }

  async function recordUnchecked(settings, item) {
    const body = { text: item.text, language: settings.language, platform: item.platform, profile: settings.profile || null, context: "post" };
    if (item.draft) body.draft_id = item.draft;
    const checked = await api.call(settings, "POST", "/v1/check", { body });
    if (!checked.ok) return api.problem(checked) === "refused" ? "drop" : "retry";
    const rules = [...new Set(checked.body.findings.map((f) => f.rule))];
    if (!rules.length) return "done";
    const recorded = await api.call(settings, "POST", "/v1/overrides", {
      body: { check_id: checked.body.check_id, rules, reason: pending.reasonFor(item) },
    });
    if (recorded.ok) return "done";
    return api.problem(recorded) === "refused" ? "drop" : "retry";
  }

  /** Sends the post as the editor sees it now, with their note, for an approver to decide; then polls the request. */
  async function requestApproval(msg, sender) {
    const settings = await loadSettings();
    const answer = await api.call(settings, "POST", "/v1/approvals", { body: api.approvalBody(msg, settings) });
    if (!answer.ok) {
      return { ok: false, offline: Boolean(answer.offline), reason: answer.reason || null, error: answer.error || null,
        problem: api.problem(answer) };
    }
    const approval = answer.body;
    // a new request for edited text replaces the composer's earlier one: nobody waits for that answer any more
    if (api.isApprovalId(msg.replaces) && msg.replaces !== approval.id) await watcher.stop(msg.replaces);
    if (sender.tab) await watcher.watch({ id: approval.id, tabId: sender.tab.id, frameId: sender.frameId, state: approval.state });
    return { ok: true, approval };
  }

  async function override(msg) {
    const settings = await loadSettings();
    const rules = Array.isArray(msg.rules) ? msg.rules.map(String) : [];
    const body = { check_id: String(msg.check_id || ""), rules, reason: String(msg.reason || "") };
    const answer = await api.call(settings, "POST", "/v1/overrides", { body });
    if (answer.ok) return { ok: true, override: answer.body && answer.body.override };
    return { ok: false, offline: Boolean(answer.offline), reason: answer.reason || null, error: answer.error || null };
  }

  async function status(msg, sender) {
    const settings = await loadSettings();
    const stored = await ext.storage.local.get("lastCheck");
    const reply = { lastCheck: stored.lastCheck || null, warnConfirm: settings.warnConfirm, whenUnchecked: settings.whenUnchecked,
      configured: Boolean(settings.apiKey) };
    if (msg.site) reply.enabled = msg.site === "generic" || settings.sites[msg.site] !== false;
    if (fromExtensionPage(sender)) {
      reply.apiUrl = settings.apiUrl;
      reply.genericOrigins = settings.genericOrigins;
    }
    return reply;
  }

  async function getSettings(msg, sender) {
    requireExtensionPage(sender);
    return { settings: await loadSettings() };
  }

  async function saveSettings(msg, sender) {
    requireExtensionPage(sender);
    const current = await loadSettings();
    const next = config.normalise({ ...current, ...msg.settings });
    await ext.storage.local.set({ settings: next });
    return { settings: next };
  }

  /** The stored settings with the options form's unsaved URL and key over them. */
  async function withForm(msg) {
    const form = msg.settings || {};
    const stored = await loadSettings();
    return config.normalise({ ...stored, apiUrl: form.apiUrl ?? stored.apiUrl, apiKey: form.apiKey ?? stored.apiKey });
  }

  async function testConnection(msg, sender) {
    requireExtensionPage(sender);
    const settings = await withForm(msg);
    const ready = await api.call(settings, "GET", "/readyz", { auth: false });
    if (ready.offline) return { ok: false, reason: "unreachable" };
    if (!ready.ok) return { ok: false, reason: "not-ready", status: ready.status };
    const keyed = await api.call(settings, "GET", "/v1/profiles");
    if (keyed.reason === "no-key") return { ok: false, reason: "no-key" };
    if (keyed.offline) return { ok: false, reason: keyed.reason, status: keyed.status };
    if (!keyed.ok) return { ok: false, reason: "not-ready", status: keyed.status };
    // an admin key would work here too, and let anyone with this browser switch crisis mode or reload packs
    const admin = await api.call(settings, "GET", "/v1/crisis");
    if (admin.ok) return { ok: false, reason: "admin-key" };
    // an approver's key would let the editor approve posts in the approvers' name: it never belongs in an editor's browser
    const approver = await api.call(settings, "GET", "/v1/approvals?limit=1");
    if (approver.ok) return { ok: false, reason: "approver-key" };
    return { ok: true, packs: (ready.body && ready.body.packs || []).length };
  }

  async function listOptions(msg, sender) {
    requireExtensionPage(sender);
    const settings = await withForm(msg);
    const [profiles, packs] = await Promise.all([
      api.call(settings, "GET", "/v1/profiles"),
      api.call(settings, "GET", "/v1/packs"),
    ]);
    if (!profiles.ok || !packs.ok) return { ok: false, reason: profiles.reason || packs.reason || "error" };
    return { ok: true, profiles: profiles.body.profiles, packs: packs.body.packs };
  }

  async function setGeneric(msg, sender, enable) {
    requireExtensionPage(sender);
    if (!config.isOrigin(msg.origin)) throw new Error(`not an origin: ${msg.origin}`);
    const current = await loadSettings();
    const origins = new Set(current.genericOrigins);
    if (enable) origins.add(msg.origin);
    else origins.delete(msg.origin);
    const next = config.normalise({ ...current, genericOrigins: [...origins] });
    await ext.storage.local.set({ settings: next });
    await registerGeneric(next.genericOrigins);
    if (enable && Number.isInteger(msg.tabId)) await preflight.injectGeneric(msg.tabId);
    return { ok: true, genericOrigins: next.genericOrigins };
  }

  const HANDLERS = {
    [MSG.CHECK]: check,
    [MSG.OVERRIDE]: override,
    [MSG.REQUEST_APPROVAL]: requestApproval,
    [MSG.UNCHECKED]: unchecked,
    [MSG.STATUS]: status,
    [MSG.GET_SETTINGS]: getSettings,
    [MSG.SAVE_SETTINGS]: saveSettings,
    [MSG.TEST_CONNECTION]: testConnection,
    [MSG.LIST_OPTIONS]: listOptions,
    [MSG.ENABLE_SITE]: (msg, sender) => setGeneric(msg, sender, true),
    [MSG.DISABLE_SITE]: (msg, sender) => setGeneric(msg, sender, false),
  };

  ext.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    const handler = HANDLERS[msg && msg.type];
    if (!handler) throw new Error(`unknown message: ${msg && msg.type}`);
    handler(msg, sender).then(sendResponse, (err) => sendResponse({ ok: false, error: { code: "extension", message: String(err.message || err) } }));
    return true;
  });

  ext.tabs.onRemoved.addListener((tabId) => watcher.stopTab(tabId));
  ext.storage.local.get("approvalWatches").then((stored) => watcher.resume(stored.approvalWatches), () => {});

  ext.runtime.onInstalled.addListener(async () => {
    const settings = await loadSettings();
    await registerGeneric(settings.genericOrigins).catch(() => {});
  });
})();
