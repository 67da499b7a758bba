// The gate before Publish: publish clicks and shortcuts are caught in the capture phase, before the
// site's own handlers, and let through (replayed) only once the editor has decided.
preflight.gate = (() => {
  const FRESH_WAIT_MS = 5000;

  /**
   * What to do with a publish action given the composers' states: "allow" without stopping it,
   * "recheck" first, or show the "block", "crisis" or "warn" dialog.
   */
  function decide(states, warnConfirm) {
    if (states.some((s) => s.stale)) return "recheck";
    const live = states.filter((s) => !s.offline && s.report);
    const findings = live.flatMap((s) => s.report.findings);
    if (findings.some((f) => f.pack === "crisis")) return "crisis";
    if (live.some((s) => s.report.verdict === "block")) return "block";
    if (warnConfirm && live.some((s) => s.report.verdict === "warn")) return "warn";
    return "allow";
  }

  /** The findings the dialog lists for `kind`. */
  function findingsFor(kind, reports) {
    const all = reports.flatMap((r) => r.findings);
    if (kind === "warn") return all.filter((f) => f.severity === "warning");
    return all.filter((f) => f.severity === "block");
  }

  /**
   * Listens on `doc` for publish actions. `sessionsFor(button)` lists the composers a publish button
   * sends; `sessionOf(node)` is the composer session containing a node.
   */
  function install(doc, { sessionsFor, sessionOf, publishOf, isOurs, open, record, warnConfirm }) {
    let replaying = false;

    async function gateAction(event, button) {
      const sessions = sessionsFor(button);
      if (!sessions.length || replaying) return;
      let kind = decide(sessions.map((s) => s.gateState()), warnConfirm());
      if (kind === "allow") return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (kind === "recheck") {
        const timeout = new Promise((resolve) => setTimeout(resolve, FRESH_WAIT_MS));
        await Promise.race([Promise.all(sessions.map((s) => s.checkNow())), timeout]);
        kind = decide(sessions.map((s) => ({ ...s.gateState(), stale: false })), warnConfirm());
      }
      if (kind !== "allow") {
        const reports = sessions.map((s) => s.gateState()).filter((s) => s.report && !s.offline).map((s) => s.report);
        const findings = findingsFor(kind, reports);
        const crisisMessages = [...new Set(reports.flatMap((r) => r.findings).filter((f) => f.pack === "crisis").map((f) => f.message))];
        const choice = await open({
          kind, findings, crisisMessages, returnFocus: sessions[0].composer,
          record: (reason) => record(reports, reason),
        });
        if (choice !== "publish") return;
      }
      replay(button);
    }

    function replay(button) {
      if (!button.isConnected) return;
      replaying = true;
      try {
        button.click();
      } finally {
        replaying = false;
      }
    }

    doc.addEventListener("click", (event) => {
      if (replaying || isOurs(event.target)) return;
      const button = publishOf(event.target);
      if (button) gateAction(event, button);
    }, true);

    doc.addEventListener("keydown", (event) => {
      if (replaying || isOurs(event.target) || event.isComposing) return;
      let button = publishOf(event.target);
      if (button && !(event.key === "Enter" || event.key === " ")) button = null;
      if (!button) {
        const session = sessionOf(event.target);
        if (session && session.adapter.isShortcut(event)) button = session.publishButton();
      }
      if (button) gateAction(event, button);
    }, true);
  }

  return { decide, findingsFor, install };
})();
