// Approval requests the editor sent: the worker polls each one until an approver decides it, backing off
// between polls, and tells the composer's tab when its state changes.
preflight.approvals = (() => {
  const FIRST_MS = 2000;
  // Below the 30 s a browser lets an idle extension worker live: each poll (and its storage write) keeps it running.
  const MAX_MS = 20000;
  const SETTLED = new Set(["approved", "rejected", "expired"]);

  /** The wait before poll number `attempt` (0 for the first): 2 s, doubling, at most 20 s. */
  function nextDelay(attempt) {
    return Math.min(MAX_MS, FIRST_MS * 2 ** Math.min(Math.max(attempt, 0), 16));
  }

  /**
   * Keeps one polling loop per watched request. `fetchOne(id)` resolves to an api.call answer;
   * `notify(watch, approval)` tells the tab and resolves to false when nothing there listens any more;
   * `save(list)` keeps the list so a restarted worker can `resume` it.
   */
  function watcher({ fetchOne, notify, save, timers = globalThis }) {
    const watches = new Map();

    function persist() {
      return save([...watches.values()].map(({ id, tabId, frameId, state }) => ({ id, tabId, frameId, state })));
    }

    function schedule(entry) {
      entry.timer = timers.setTimeout(() => poll(entry), nextDelay(entry.attempt));
    }

    /** Starts (or restarts, from the first short wait) polling `id` for the composer in `tabId`/`frameId`. */
    function watch({ id, tabId, frameId = 0, state = "pending" }) {
      if (!preflight.api.isApprovalId(id) || !Number.isInteger(tabId)) return Promise.resolve(false);
      const old = watches.get(id);
      if (old) timers.clearTimeout(old.timer);
      const entry = { id, tabId, frameId: Number.isInteger(frameId) ? frameId : 0, state, attempt: 0, timer: null };
      watches.set(id, entry);
      schedule(entry);
      return persist().then(() => true);
    }

    async function poll(entry) {
      if (watches.get(entry.id) !== entry) return;
      entry.attempt += 1;
      let answer;
      try {
        answer = await fetchOne(entry.id);
      } catch {
        answer = { ok: false, offline: true };
      }
      if (watches.get(entry.id) !== entry) return;
      if (answer.ok && answer.body && typeof answer.body.state === "string") {
        const approval = answer.body;
        if (approval.state !== entry.state) {
          entry.state = approval.state;
          const listening = await Promise.resolve(notify(entry, approval)).catch(() => false);
          if (!listening) return stop(entry.id);
        }
        if (SETTLED.has(approval.state)) return stop(entry.id);
      } else if (answer.status === 404 || answer.reason === "key" || answer.reason === "no-key") {
        // gone, someone else's, or a key that can no longer ask: polling again cannot help
        return stop(entry.id);
      }
      schedule(entry);
      await persist();
    }

    function stop(id) {
      const entry = watches.get(id);
      if (!entry) return Promise.resolve();
      timers.clearTimeout(entry.timer);
      watches.delete(id);
      return persist();
    }

    /** The tab closed: nothing is left to tell. */
    function stopTab(tabId) {
      const ids = [...watches.values()].filter((w) => w.tabId === tabId).map((w) => w.id);
      return Promise.all(ids.map(stop));
    }

    /** Picks up the list a stopped worker saved. */
    function resume(list) {
      return Promise.all((Array.isArray(list) ? list : []).filter((w) => w && !SETTLED.has(w.state)).map(watch));
    }

    return { watch, stop, stopTab, resume, watching: (id) => watches.has(id), size: () => watches.size };
  }

  return { FIRST_MS, MAX_MS, SETTLED, nextDelay, watcher };
})();
