// The gate before Publish: publish clicks and shortcuts are caught in the capture phase, before the
// site's own handlers, and let through (replayed) only once the editor has decided.
preflight.gate = (() => {
  const FRESH_WAIT_MS = 5000;
  const { approval } = preflight;

  /**
   * What to do with a publish action given the composers' states: "allow" without stopping it,
   * "recheck" first, or show the "block", "crisis", "unchecked" or "warn" dialog. A composer the API
   * could not check is held when `holdUnchecked` (the deployment's choice), and let through otherwise.
   * A composer whose exact post an approver approved counts as clear.
   */
  function decide(states, warnConfirm, holdUnchecked = false) {
    if (states.some((s) => s.stale)) return "recheck";
    const live = states.filter((s) => !s.offline && s.report && !approval.covers(s.report));
    const findings = live.flatMap((s) => s.report.findings);
    if (findings.some((f) => f.pack === "crisis")) return "crisis";
    if (live.some((s) => s.report.verdict === "block")) return "block";
    if (holdUnchecked && states.some((s) => s.offline)) return "unchecked";
    // a warning the profile wants approved is held even for an editor who chose not to confirm warnings
    const warned = live.filter((s) => s.report.verdict === "warn");
    if (warned.length && (warnConfirm || warned.some((s) => s.report.approval_required === true))) return "warn";
    return "allow";
  }

  /**
   * The states after the wait for a fresh check: a composer whose result is still not for its current text
   * (the check timed out, or its answer was superseded) counts as unchecked, never by its older result.
   */
  function settled(states) {
    return states.map((s) => (s.stale ? { report: null, offline: true, problem: "offline", stale: false } : s));
  }

  /**
   * The first held composer's approval request as the last check saw it, with the approvers' decisions the worker
   * last fetched for it (who rejected it) and the text approved when it is not the composer's; null when none was asked for.
   */
  function askedOf(states) {
    const held = states.find((s) => s.report && !s.offline && s.report.approval && !approval.covers(s.report));
    if (!held) return null;
    const fetched = held.asked && held.asked.id === held.report.approval.id ? held.asked : null;
    return { ...approval.effective(held.report.approval, held.asked, held.checkedText), decisions: (fetched && fetched.decisions) || [],
      // an approver may approve an edited text: the editor needs it word for word to publish it
      approvedText: fetched && fetched.state === "approved" && fetched.text !== held.checkedText ? fetched.text : null };
  }

  /** The rules an override records when the editor publishes through the `kind` dialog: a confirmed warning counts too. */
  function overriddenRules(kind, report) {
    return [...new Set(findingsFor(kind, [report]).map((f) => f.rule))];
  }

  /** The findings the dialog lists for `kind`. */
  function findingsFor(kind, reports) {
    const all = reports.flatMap((r) => r.findings);
    if (kind === "warn") return all.filter((f) => f.severity === "warning");
    return all.filter((f) => f.severity === "block");
  }

  /**
   * Listens on the window of `doc` for publish actions. `sessionsFor(button)` lists the composers a publish button
   * sends; `sessionOf(node)` is the composer session containing a node.
   */
  function install(doc, { sessionsFor, sessionOf, publishOf, isOurs, open, record, warnConfirm, holdUnchecked = () => false,
    freshWaitMs = FRESH_WAIT_MS }) {
    let replaying = false;
    let deciding = false;

    async function gateAction(event, button) {
      const sessions = sessionsFor(button);
      if (!sessions.length || replaying) return;
      // a second activation while the dialog is up (Space's click after its keydown, a double click)
      if (deciding) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      let kind = decide(sessions.map((s) => s.gateState()), warnConfirm(), holdUnchecked());
      if (kind === "allow") return;
      event.preventDefault();
      event.stopImmediatePropagation();
      deciding = true;
      try {
        if (await decided(kind, sessions)) replay(button);
      } finally {
        deciding = false;
      }
    }

    /** Resolves to true when the post may go out. */
    async function decided(kind, sessions) {
      if (kind === "recheck") {
        const timeout = new Promise((resolve) => setTimeout(resolve, freshWaitMs));
        await Promise.race([Promise.all(sessions.map((s) => s.checkNow())), timeout]);
        kind = decide(settled(sessions.map((s) => s.gateState())), warnConfirm(), holdUnchecked());
      }
      if (kind !== "allow") {
        const states = settled(sessions.map((s) => s.gateState()));
        const reports = states.filter((s) => s.report && !s.offline && !approval.covers(s.report)).map((s) => s.report);
        const findings = findingsFor(kind, reports);
        const crisisMessages = [...new Set(reports.flatMap((r) => r.findings).filter((f) => f.pack === "crisis").map((f) => f.message))];
        const problem = (states.find((s) => s.offline) || {}).problem || null;
        const crisis = (reports.find((r) => r.crisis) || {}).crisis || null;
        const choice = await open({
          kind, findings, crisisMessages, crisis, problem, returnFocus: sessions[0].composer,
          record: (reason) => record(reports, reason, kind, sessions),
          approval: {
            offered: approval.offered(kind, reports),
            overridable: approval.overridable(reports),
            asked: askedOf(states),
            request: (note) => requestApproval(sessions, note),
          },
        });
        return choice === "publish";
      }
      return true;
    }

    /** Asks for an approval of each held composer's post as it is now; {ok} or {ok: false, message}. */
    async function requestApproval(sessions, note) {
      for (const session of sessions) {
        const state = session.gateState();
        if (state.offline || !state.report || approval.covers(state.report)) continue;
        const answer = await session.requestApproval(note);
        if (!answer.ok) return answer;
      }
      return { ok: true };
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

    // on the window, so the capture phase reaches us before any listener the site put on the document
    const target = doc.defaultView || doc;
    target.addEventListener("click", (event) => {
      if (replaying || isOurs(event.target)) return;
      const button = publishOf(event.target);
      if (button) gateAction(event, button);
    }, true);

    target.addEventListener("keydown", (event) => {
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

  return { decide, settled, findingsFor, overriddenRules, askedOf, install };
})();
