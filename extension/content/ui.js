// The overlay: one shadow root outside the composer holding underlines, badges, cards and the panel.
// Everything is built with createElement/textContent: post text never goes through an HTML parser.
preflight.ui = (() => {
  const { ext, geometry } = preflight;
  let host = null;
  let layer = null;

  /** A localised UI string, or the id itself when a locale lacks it. */
  function t(id, subs) {
    try {
      return ext.i18n.getMessage(id, subs) || id;
    } catch {
      return id;
    }
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  /** The shadow layer, created on first use. */
  function root() {
    if (layer && host.isConnected) return layer;
    host = document.createElement("preflight-overlay");
    host.setAttribute("data-preflight", "");
    // Closed: a page script cannot reach the findings, the crisis message or reference thumbnails through host.shadowRoot.
    const shadow = host.attachShadow({ mode: "closed" });
    shadow.append(el("style", { text: preflight.UI_CSS }));
    layer = el("div", { class: "layer" });
    shadow.append(layer);
    // keys typed in our dialog must not reach the site's shortcuts
    for (const type of ["keydown", "keyup", "keypress", "input", "beforeinput", "paste"]) {
      host.addEventListener(type, (event) => event.stopPropagation());
    }
    document.documentElement.append(host);
    return layer;
  }

  function isOurs(node) {
    return Boolean(host && node && (node === host || host.contains(node)));
  }

  const RANK = { block: 0, warning: 1, info: 2 };

  /** Most severe first; a stable sort keeps the post's order within a severity. */
  function bySeverity(a, b) {
    return (RANK[a.severity] ?? 3) - (RANK[b.severity] ?? 3);
  }

  function severityLabel(severity) {
    return t(`severity_${severity}`);
  }

  function safeHttpUrl(value) {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch {
      return null;
    }
  }

  /** One finding as a card body: severity, message, the words, rule, reference, thumbnails, replacements, guidance. */
  function findingView(finding, { thumbnail = null, onApply = null } = {}) {
    const severity = ["block", "warning", "info"].includes(finding.severity) ? finding.severity : "info";
    const view = el("article", { class: `finding sev-${severity}`, "data-rule": finding.rule });
    view.append(el("p", { class: "sev", text: severityLabel(severity) }));
    // people read the rule's title; the id stays below in small print, for a policy owner to look up
    view.append(el("h3", { class: "title", text: finding.title || finding.rule }));
    const pictures = [];
    if (thumbnail) pictures.push(el("img", { src: thumbnail, alt: t("imageAttached") }));
    const match = finding.match && typeof finding.match.thumbnail === "string" && finding.match.thumbnail.startsWith("data:image/")
      ? finding.match : null;
    if (match) pictures.push(el("img", { src: match.thumbnail, alt: t("imageMatch", [String(match.label || match.reference_id || "")]) }));
    if (pictures.length) view.append(el("div", { class: "images" }, ...pictures));
    view.append(el("p", { class: "message", text: finding.message }));
    const quoted = (finding.spans || (finding.span ? [finding.span] : [])).filter((span) => span.text);
    if (quoted.length) view.append(el("p", { class: "quote", text: quoted.map((span) => `“${span.text}”`).join(" ") }));
    const rule = el("p", { class: "rule" }, el("code", { text: finding.rule }));
    const reference = finding.reference && safeHttpUrl(finding.reference);
    if (reference) rule.append(" · ", el("a", { href: reference, target: "_blank", rel: "noopener noreferrer", text: t("reference") }));
    else if (finding.reference) rule.append(" · ", document.createTextNode(finding.reference));
    view.append(rule);
    if (onApply && finding.suggestions && finding.suggestions.length) {
      const list = el("div", { class: "suggestions", role: "group", "aria-label": t("suggestions") }, el("span", { text: t("replaceWith") }));
      for (const suggestion of finding.suggestions) {
        list.append(el("button", { type: "button", text: suggestion, onclick: () => onApply(suggestion) }));
      }
      view.append(list);
    }
    // guidance tells the editor what to do; it is text to read, never a button that edits the post
    if (finding.guidance && finding.guidance.length) {
      view.append(el("div", { class: "guidance" }, el("span", { text: t("guidance") }),
        el("ul", {}, ...finding.guidance.map((advice) => el("li", { text: advice })))));
    }
    return view;
  }

  /** Draws a session's underlines: `items` are [{severity, boxes}]. */
  function drawUnderlines(group, items) {
    group.replaceChildren();
    for (const item of items) {
      for (const box of item.boxes) {
        const line = el("div", { class: `underline sev-${item.severity}`, "data-rule": item.rule, "aria-hidden": "true" });
        Object.assign(line.style, { left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px` });
        group.append(line);
      }
    }
  }

  function group() {
    const node = el("div", { class: "session" });
    root().append(node);
    return node;
  }

  /** The badge's label and state class for a session state. */
  const PROBLEMS = { offline: "Offline", refused: "Refused", "rate-limited": "RateLimited" };

  /** The badge names the failure, since each has its own fix: wait, fix the key or URL, or slow down. */
  function badgeState(state, report, problem = "offline") {
    if (state === "offline") {
      const name = PROBLEMS[problem] || PROBLEMS.offline;
      return { cls: "offline", text: t(`badge${name}`), label: t(`badge${name}Label`) };
    }
    if (state === "checking" && !report) return { cls: "checking", text: t("badgeChecking"), label: t("badgeChecking") };
    if (!report) return { cls: "pass", text: "preflight", label: t("badgeIdleLabel") };
    const count = report.findings.length;
    const verdict = report.verdict;
    const text = verdict === "pass" && count === 0 ? `✓ ${t("verdict_pass")}` : `${t(`verdict_${verdict}`)} · ${count}`;
    return { cls: verdict, text, label: t("badgeLabel", [t(`verdict_${verdict}`), String(count)]) };
  }

  /** What the editor can do about a failed check. */
  function problemHint(problem) {
    return t(`${(PROBLEMS[problem] || PROBLEMS.offline).replace(/^./, (c) => c.toLowerCase())}Hint`);
  }

  function positionBadge(badge, composerRect, textRects = []) {
    const drawn = badge.getBoundingClientRect();
    const size = { width: drawn.width || 80, height: drawn.height || 20 };
    const viewport = { width: innerWidth, height: innerHeight };
    // a composer wider or taller than the window: the badge belongs in the part the editor can see
    const visible = { left: Math.max(0, composerRect.left), top: Math.max(0, composerRect.top),
      right: Math.min(viewport.width, composerRect.right), bottom: Math.min(viewport.height, composerRect.bottom) };
    const at = geometry.placeBadge(visible, size, textRects, viewport);
    badge.style.left = `${at.left}px`;
    badge.style.top = `${at.top}px`;
  }

  /** A textarea has no DOM text to measure: a styled copy in the overlay stands in for it. */
  function mirrorFor(textarea, mirror) {
    const node = mirror || el("div", { class: "mirror", "aria-hidden": "true" });
    if (!node.isConnected) root().append(node);
    const style = getComputedStyle(textarea);
    for (const prop of ["font-family", "font-size", "font-weight", "font-style", "letter-spacing", "line-height", "text-transform",
      "word-spacing", "text-indent", "text-align", "direction", "tab-size", "padding-top", "padding-right", "padding-bottom",
      "padding-left", "border-top-width", "border-right-width", "border-bottom-width", "border-left-width"]) {
      node.style.setProperty(prop, style.getPropertyValue(prop));
    }
    // the copy is sized by its border box whatever the textarea's box-sizing, less the textarea's scrollbar,
    // so that its lines break where the textarea's do (a content-box textarea's copy was wider by its padding)
    node.style.borderStyle = "solid";
    node.style.boxSizing = "border-box";
    const rect = textarea.getBoundingClientRect();
    const borders = parseFloat(style.borderLeftWidth) + parseFloat(style.borderRightWidth);
    const scrollbar = Math.max(0, textarea.offsetWidth - textarea.clientWidth - borders);
    Object.assign(node.style, { left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width - scrollbar}px`, height: `${rect.height}px` });
    const text = node.firstChild && node.firstChild.nodeType === 3 ? node.firstChild : node.appendChild(document.createTextNode(""));
    if (text.data !== textarea.value) text.data = textarea.value;
    node.scrollTop = textarea.scrollTop;
    node.scrollLeft = textarea.scrollLeft;
    return node;
  }

  return { t, el, root, isOurs, group, bySeverity, findingView, drawUnderlines, badgeState, problemHint, positionBadge, mirrorFor };
})();
