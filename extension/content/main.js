// Finds the site's composers as they appear, gives each a Session, and runs the card, panel and gate.
(() => {
  const { ext, MSG, sites, ui, gate, dialog, Session } = preflight;
  if (preflight.started) return;
  preflight.started = true;
  const adapter = sites.forHost(location.hostname);
  if (!adapter) return;

  const sessions = new Map();
  let warnConfirm = true;
  let holdUnchecked = true;
  let openPanel = null;
  let card = null;
  let scanQueued = false;

  const hooks = {
    togglePanel: (session) => (openPanel && openPanel.session === session ? closePanel(true) : showPanel(session)),
    rendered: (session) => {
      if (openPanel && openPanel.session === session) fillPanel(session);
    },
    setPolicy: (answer) => {
      if (answer && typeof answer.warnConfirm === "boolean") warnConfirm = answer.warnConfirm;
      if (answer && typeof answer.whenUnchecked === "string") holdUnchecked = answer.whenUnchecked !== "allow";
    },
  };

  function scan() {
    scanQueued = false;
    const found = new Set(adapter.findComposers(document));
    for (const [composer, session] of sessions) {
      if (!found.has(composer) || !composer.isConnected) {
        if (openPanel && openPanel.session === session) closePanel(false);
        session.destroy();
        sessions.delete(composer);
      } else {
        session.watchImages();
      }
    }
    for (const composer of found) if (!sessions.has(composer)) sessions.set(composer, new Session(composer, adapter, hooks));
  }

  function queueScan() {
    if (scanQueued) return;
    scanQueued = true;
    setTimeout(scan, 200);
  }

  function redraw() {
    for (const session of sessions.values()) session.draw();
    if (openPanel) placePanel(openPanel);
  }

  // ---- the card shown over an underlined word
  function hideCard() {
    if (card) card.node.remove();
    card = null;
  }

  function applyFrom(session, finding) {
    return (suggestion) => {
      hideCard();
      session.apply(finding, suggestion);
    };
  }

  function showCard(session, item) {
    if (card && card.item.finding === item.finding) return;
    hideCard();
    const node = ui.el("div", { class: "card", role: "dialog", "aria-label": ui.t("cardLabel") },
      ui.findingView(item.finding, { onApply: applyFrom(session, item.finding) }));
    node.addEventListener("mouseleave", () => {
      if (card && card.node === node) card.hovered = false;
      setTimeout(() => card && card.node === node && !card.hovered && hideCard(), 200);
    });
    node.addEventListener("mouseenter", () => card && (card.hovered = true));
    ui.root().append(node);
    const anchor = item.rects[0];
    const at = preflight.geometry.placeCard(anchor, { width: node.offsetWidth, height: node.offsetHeight },
      { width: innerWidth, height: innerHeight });
    Object.assign(node.style, { left: `${at.left}px`, top: `${at.top}px` });
    card = { node, item, hovered: false };
  }

  function pointerAt(event) {
    if (ui.isOurs(event.target)) return;
    for (const session of sessions.values()) {
      const item = session.findingAt(event.clientX, event.clientY);
      if (item) return showCard(session, item);
    }
    if (card && !card.hovered) hideCard();
  }

  // ---- the panel listing every finding of one composer
  function showPanel(session) {
    closePanel(false);
    hideCard();
    const node = ui.el("section", { class: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "preflight-panel-title", id: "preflight-panel" });
    node.addEventListener("keydown", (event) => event.key === "Escape" && closePanel(true));
    ui.root().append(node);
    openPanel = { session, node };
    session.badge.setAttribute("aria-expanded", "true");
    session.badge.setAttribute("aria-controls", "preflight-panel");
    fillPanel(session);
    node.querySelector("button").focus();
  }

  function closePanel(returnFocus) {
    if (!openPanel) return;
    const { session, node } = openPanel;
    node.remove();
    session.badge.setAttribute("aria-expanded", "false");
    openPanel = null;
    if (returnFocus) session.badge.focus();
  }

  function fillPanel(session) {
    const { node } = openPanel;
    const { report, state } = session;
    const count = report ? report.findings.length : 0;
    const title = state === "offline" ? ui.badgeState(state, null, session.problem).text : report ? ui.t("panelTitle", [ui.t(`verdict_${report.verdict}`), String(count)]) : "preflight";
    const header = ui.el("header", {}, ui.el("h2", { id: "preflight-panel-title", text: title }),
      ui.el("button", { type: "button", class: "close", "aria-label": ui.t("close"), text: "×", onclick: () => closePanel(true) }));
    const body = [header];
    if (state === "offline") body.push(ui.el("p", { class: "note", text: ui.problemHint(session.problem) }));
    else if (report && !count) body.push(ui.el("p", { class: "note", text: ui.t("panelEmpty") }));
    if (report && count) {
      const list = ui.el("ul");
      const current = session.readText() === session.checkedText;
      for (const finding of [...report.findings].sort(ui.bySeverity)) {
        const textual = finding.span && (!finding.source || finding.source === "text");
        list.append(ui.el("li", {}, ui.findingView(finding, {
          thumbnail: session.thumbnailFor(finding),
          onApply: textual && current ? applyFrom(session, finding) : null,
        })));
      }
      body.push(list);
    }
    for (const skipped of (report && report.skipped) || []) body.push(ui.el("p", { class: "note", text: `${skipped.check}: ${skipped.reason}` }));
    node.replaceChildren(...body);
    placePanel(openPanel);
  }

  function placePanel({ session, node }) {
    const badge = session.badge.getBoundingClientRect();
    const at = preflight.geometry.placeCard({ left: badge.right - node.offsetWidth, top: badge.top, bottom: badge.bottom },
      { width: node.offsetWidth, height: node.offsetHeight }, { width: innerWidth, height: innerHeight });
    Object.assign(node.style, { left: `${at.left}px`, top: `${at.top}px` });
  }

  // ---- the gate
  // What policy owners read for a warning the editor confirmed without being asked why.
  const CONFIRMED_WARNING = "confirmed the warning and published";

  /** Posts published without a check wait in the worker, with the reason, until the API can record them. */
  async function recordUnchecked(sessions, reason) {
    for (const session of sessions) {
      const state = session.gateState();
      if (!state.offline) continue;
      const message = { type: MSG.UNCHECKED, text: session.readText(), platform: session.adapter.platform,
        draft: session.draftId, problem: state.problem, reason };
      const answer = await ext.runtime.sendMessage(message).catch(() => null);
      if (!answer || !answer.ok) return { ok: false, message: ui.t("overrideRefused", [ui.t("overrideFailed")]) };
    }
    return { ok: true };
  }

  async function record(reports, reason, kind, sessions) {
    if (kind === "unchecked") return recordUnchecked(sessions, reason);
    for (const report of reports) {
      const rules = gate.overriddenRules(kind, report);
      if (!rules.length) continue;
      let answer;
      try {
        answer = await ext.runtime.sendMessage({ type: MSG.OVERRIDE, check_id: report.check_id, rules, reason: reason || CONFIRMED_WARNING });
      } catch {
        answer = { ok: false, offline: true };
      }
      // unreachable API: nothing is blocked while preflight is offline
      if (answer && answer.ok) continue;
      if (answer && answer.offline && answer.reason !== "key") continue;
      const message = answer && answer.error ? answer.error.message : ui.t("overrideFailed");
      return { ok: false, message: ui.t("overrideRefused", [message]) };
    }
    return { ok: true };
  }

  const sessionOf = (node) => {
    for (const [composer, session] of sessions) if (composer === node || composer.contains(node)) return session;
    return null;
  };

  gate.install(document, {
    sessionsFor: (button) => [...sessions.values()].filter((s) => s.publishButton() === button),
    sessionOf,
    publishOf: (target) => (ui.isOurs(target) ? null : adapter.publishFrom(target)),
    isOurs: ui.isOurs,
    open: dialog.open,
    record,
    warnConfirm: () => warnConfirm,
    holdUnchecked: () => holdUnchecked,
  });

  async function start() {
    let status;
    try {
      status = await ext.runtime.sendMessage({ type: MSG.STATUS, site: adapter.id });
    } catch {
      status = null;
    }
    if (status && status.enabled === false) return;
    hooks.setPolicy(status);
    new MutationObserver((records) => {
      if (records.every((r) => ui.isOurs(r.target))) return;
      queueScan();
    }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["contenteditable", "src", "alt"] });
    addEventListener("scroll", () => requestAnimationFrame(redraw), { capture: true, passive: true });
    addEventListener("resize", () => requestAnimationFrame(redraw), { passive: true });
    document.addEventListener("mousemove", pointerAt, { passive: true });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || ui.isOurs(event.target)) return;
      hideCard();
      closePanel(false);
    }, true);
    // the panel and cards are popovers: pressing anywhere else puts them away
    document.addEventListener("pointerdown", (event) => {
      if (ui.isOurs(event.target)) return;
      if (card && !card.hovered) hideCard();
      closePanel(false);
    }, true);
    scan();
  }

  start();
})();
