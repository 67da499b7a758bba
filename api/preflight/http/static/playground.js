// The playground: checks a post through the API and shows where each finding applies.
// Text from the post or the API only ever reaches the page as text nodes or attribute values.
import { LANGUAGES, createI18n } from "./i18n.js";
import { COMMON, PLAYGROUND } from "./strings.js";

const i18n = createI18n(COMMON, PLAYGROUND);
const { t } = i18n;
const KEY_STORAGE = "preflight.apiKey";
const TIMEOUT_MS = 15000;
const SEVERITY_RANK = { info: 0, warning: 1, block: 2 };
const SEVERITIES = ["block", "warning", "info"];
const severityLabel = (severity) => t(`sev_${severity}`);

function spanStart(finding) {
  return finding.image === undefined && finding.span ? finding.span.start : Number.MAX_SAFE_INTEGER;
}

/** The file's bytes as base64, for the JSON body. */
function base64Of(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** Convert an offset in Unicode code points (how the API counts) to a UTF-16 index into `text`. */
export function codePointToUtf16(text, offset) {
  let index = 0;
  for (let seen = 0; seen < offset && index < text.length; seen++) {
    index += text.codePointAt(index) > 0xffff ? 2 : 1;
  }
  return index;
}

/** Cut [0, length) at every range boundary; each piece lists the indexes of the ranges covering it. */
export function highlightSegments(length, ranges) {
  const cuts = new Set([0, length]);
  for (const { start, end } of ranges) {
    cuts.add(Math.min(Math.max(start, 0), length));
    cuts.add(Math.min(Math.max(end, 0), length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i];
    const end = points[i + 1];
    const covering = [];
    ranges.forEach((range, k) => {
      if (range.start <= start && end <= range.end) covering.push(k);
    });
    pieces.push({ start, end, covering });
  }
  return pieces;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}

function worstSeverity(findings) {
  return findings.reduce((worst, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst] ? f.severity : worst), "info");
}

class ApiProblem extends Error {
  constructor(status, message, details = []) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

function describeFailure(response, body) {
  const error = body && body.error ? body.error : {};
  const said = error.message ? `: ${error.message}` : "";
  const status = response.status;
  const details = (error.details || [])
    .filter((d) => d && (d.message || d.problem))
    .map((d) => (d.field ? `${d.field}: ${d.message}` : d.message || d.problem));
  switch (status) {
    case 401:
    case 403:
    case 413:
      return new ApiProblem(status, t(`err${status}`, { said }));
    case 422:
      return new ApiProblem(status, t("err422", { said }), details);
    case 429: {
      const wait = response.headers.get("Retry-After");
      return new ApiProblem(status, `${t("err429", { said })}${wait ? ` ${t("retryIn", { s: wait })}` : ""}`);
    }
    default:
      return new ApiProblem(status, t("errStatus", { status, text: response.statusText, said }), details);
  }
}

// Kept for this tab only: closing it forgets the key, and no other page of the origin can read it later.
function readStoredKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) || "";
  } catch {
    return ""; // storage is off (private mode, policy): the key lives in memory only
  }
}

function writeStoredKey(value) {
  try {
    if (value) sessionStorage.setItem(KEY_STORAGE, value);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // the in-memory key still works for this visit
  }
}

function init() {
  const $ = (id) => document.getElementById(id);
  const ui = {
    keyForm: $("key-form"), keyInput: $("api-key"), keySaved: $("key-saved"), forgetKey: $("forget-key"),
    checkForm: $("check-form"), post: $("post"), count: $("count"), language: $("language"),
    platform: $("platform"), profile: $("profile"), context: $("context"), checkButton: $("check"),
    status: $("status"), packList: $("pack-list"), error: $("error"), summary: $("summary"), results: $("results"),
    images: $("images"), attached: $("attached"),
  };
  // attachments: { file, url (an object URL for previews), alt }
  const state = { key: readStoredKey(), checked: null, sequence: 0, attachments: [] };

  async function callApi(path, options = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(path, {
        ...options,
        headers: { Accept: "application/json", Authorization: `Bearer ${state.key}`, ...options.headers },
        signal: controller.signal,
      });
      const body = await response.json().catch(() => null);
      if (!response.ok) throw describeFailure(response, body);
      if (body === null) throw new ApiProblem(response.status, t("errNotJson"));
      return body;
    } catch (err) {
      if (err instanceof ApiProblem) throw err;
      if (controller.signal.aborted) throw new ApiProblem(0, t("errTimeout", { s: TIMEOUT_MS / 1000 }));
      throw new ApiProblem(0, t("errUnreachable", { why: err.message }));
    } finally {
      clearTimeout(timer);
    }
  }

  function showError(problem) {
    const details = problem.details || []; // a bug of ours arrives as a plain Error
    const children = [el("p", {}, problem.message)];
    if (details.length) children.push(el("ul", {}, ...details.map((d) => el("li", {}, d))));
    ui.error.replaceChildren(...children);
    if (problem.status === 401) forgetKey();
  }

  function clearError() {
    ui.error.replaceChildren();
  }

  function showKeyState() {
    ui.keyForm.hidden = Boolean(state.key);
    ui.keySaved.hidden = !state.key;
  }

  function forgetKey() {
    state.key = "";
    writeStoredKey("");
    ui.keyInput.value = "";
    showKeyState();
  }

  async function loadServerLists() {
    const [profiles, packs] = await Promise.all([callApi("/v1/profiles"), callApi("/v1/packs")]);
    const chosen = ui.profile.value;
    ui.profile.replaceChildren(
      el("option", { value: "", "data-i18n": "noProfile" }, t("noProfile")),
      ...profiles.profiles.map((p) => el("option", { value: p.id, selected: p.id === chosen }, `${p.name} (${p.id})`)),
    );
    ui.packList.replaceChildren(
      ...packs.packs.map((p) =>
        el("li", {}, el("strong", {}, p.title), " ", el("code", {}, `${p.id} ${p.version}`), ` · ${t("rulesCount", { n: p.rules })}`),
      ),
    );
  }

  function refreshLists() {
    loadServerLists().catch(showError);
  }

  function updateCount() {
    const length = [...ui.post.value].length;
    ui.count.textContent = t("characters", { n: length.toLocaleString(i18n.language()) });
  }

  function isStale() {
    return state.checked !== null && ui.post.value !== state.checked.text;
  }

  function markStaleness() {
    const stale = isStale();
    ui.results.classList.toggle("stale", stale);
    const notice = ui.results.querySelector(".stale-notice");
    if (notice) notice.hidden = !stale;
    for (const button of ui.results.querySelectorAll(".suggestions button")) button.disabled = stale;
  }

  function adoptTypedKey() {
    const value = ui.keyInput.value.trim();
    if (!value) return false;
    state.key = value;
    writeStoredKey(value);
    clearError();
    showKeyState();
    refreshLists();
    return true;
  }

  async function runCheck() {
    // a key typed but not saved is what the user means to check with
    if (!state.key && !adoptTypedKey()) {
      showError(new ApiProblem(0, t("needKey")));
      ui.keyInput.focus();
      return;
    }
    const text = ui.post.value;
    const attachments = [...state.attachments];
    const sequence = ++state.sequence;
    clearError();
    ui.checkButton.disabled = true;
    ui.results.setAttribute("aria-busy", "true");
    ui.status.textContent = t("checking");
    try {
      const images = await Promise.all(attachments.map(async (a) => ({
        data: await base64Of(a.file), name: a.file.name, alt: a.alt || null,
      })));
      const report = await callApi("/v1/check", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          text,
          language: ui.language.value,
          platform: ui.platform.value || null,
          profile: ui.profile.value || null,
          context: ui.context.value,
          images,
        }),
      });
      if (sequence !== state.sequence) return; // a newer check owns the results
      state.checked = { text, report, attachments };
      renderReport(text, report, attachments);
      ui.status.textContent = "";
    } catch (problem) {
      if (sequence !== state.sequence) return;
      ui.status.textContent = "";
      showError(problem);
    } finally {
      if (sequence === state.sequence) {
        ui.checkButton.disabled = false;
        ui.results.removeAttribute("aria-busy");
      }
    }
  }

  function applySuggestion(finding, suggestion) {
    if (isStale()) return;
    const text = state.checked.text;
    const start = codePointToUtf16(text, finding.span.start);
    const end = codePointToUtf16(text, finding.span.end);
    ui.post.value = text.slice(0, start) + suggestion + text.slice(end);
    updateCount();
    // the button is about to be re-rendered away; the replaced text is where the user's attention goes
    ui.post.focus();
    ui.post.setSelectionRange(start, start + suggestion.length);
    runCheck();
  }

  function renderPost(text, findings, ids) {
    // a finding may name several places (each exclamation mark it counted): each is highlighted
    const places = findings.flatMap((f, k) => (f.spans || [f.span]).map((span) => ({
      finding: k,
      start: codePointToUtf16(text, span.start),
      end: codePointToUtf16(text, span.end),
    })));
    const view = el("div", { class: "post-view", id: "post-view" });
    for (const piece of highlightSegments(text.length, places)) {
      const part = text.slice(piece.start, piece.end);
      if (!piece.covering.length) {
        view.append(part);
        continue;
      }
      const indexes = [...new Set(piece.covering.map((p) => places[p].finding))];
      const covering = indexes.map((k) => findings[k]);
      const classes = [`mark sev-${worstSeverity(covering)}`];
      if (covering.length > 1) classes.push("overlap");
      view.append(
        el("mark", {
          class: classes.join(" "),
          "data-findings": indexes.map((k) => ids[k]).join(" "),
          title: covering.map((f) => `${severityLabel(f.severity)}: ${f.message}`).join("\n"),
        }, part),
      );
    }
    return view;
  }

  function renderFinding(finding, id) {
    // people read the rule's title; its id stays beside it in small print, for the policy owner
    const head = el("div", { class: "finding-head" },
      el("span", { class: `chip sev-${finding.severity}` }, severityLabel(finding.severity)),
      el("strong", { class: "title" }, finding.title || finding.rule),
      el("code", { class: "rule" }, finding.rule),
    );
    const item = el("li", { class: `finding sev-${finding.severity}`, id, "data-rule": finding.rule },
      head,
      el("p", { class: "message" }, finding.message),
    );
    if (finding.span && finding.span.text) {
      const quoted = (finding.spans || [finding.span]).map((span) => el("q", {}, span.text));
      item.append(el("p", { class: "where" }, `${t(`where_${finding.source || "text"}`)}: `, ...quoted.flatMap((q, k) => (k ? [" ", q] : [q]))));
    }
    if (finding.match) item.append(renderMatch(finding.match));
    if (finding.suggestions.length && finding.image === undefined) {
      const buttons = finding.suggestions.map((suggestion) => {
        const label = suggestion === "" ? t("removeIt") : suggestion;
        const button = el("button", {
          type: "button",
          class: "button suggestion",
          "aria-label": suggestion === "" ? t("removeAria", { text: finding.span.text }) : t("replaceAria", { text: finding.span.text, s: suggestion }),
        }, label);
        button.addEventListener("click", () => applySuggestion(finding, suggestion));
        return button;
      });
      item.append(el("div", { class: "suggestions" }, el("span", { class: "hint" }, t("replaceWith")), ...buttons));
    }
    // guidance is advice for the writer, not a rewrite: text only, with nothing that edits the post
    if (finding.guidance && finding.guidance.length) {
      item.append(el("div", { class: "guidance" }, el("span", { class: "hint" }, t("whatToDo")),
        el("ul", {}, ...finding.guidance.map((advice) => el("li", {}, advice)))));
    }
    if (finding.reference) item.append(el("p", { class: "reference" }, t("reference", { ref: finding.reference })));
    const marks = () => ui.results.querySelectorAll(`mark[data-findings~="${id}"]`);
    const highlight = (on) => () => marks().forEach((m) => m.classList.toggle("active", on));
    for (const [event, on] of [["mouseenter", true], ["mouseleave", false], ["focusin", true], ["focusout", false]]) {
      item.addEventListener(event, highlight(on));
    }
    return item;
  }

  function renderMatch(match) {
    const figure = el("figure", { class: "match" });
    // only an inline JPEG from the API becomes an image source
    if (typeof match.thumbnail === "string" && match.thumbnail.startsWith("data:image/jpeg;base64,")) {
      figure.append(el("img", { src: match.thumbnail, alt: t("refAlt", { label: match.label }), class: "match-thumb" }));
    }
    const similarity = t("similar", { n: Math.round(match.similarity * 100) });
    const licence = match.license_expires ? ` · ${t("licenceUntil", { date: match.license_expires })}` : "";
    figure.append(el("figcaption", {},
      el("strong", {}, match.label), ` (${match.source}) · `, el("span", { class: `status-${match.status}` }, match.status),
      ` · ${t("referenceNo", { id: match.reference_id })} · ${similarity}${licence}`,
    ));
    return figure;
  }

  function renderImage(entry, attachment, found) {
    const name = entry.name || (attachment && attachment.file.name) || t("imageN", { n: entry.index + 1 });
    const frame = el("div", { class: "image-frame" });
    // a file the server could not read as an image is not shown as one either
    if (attachment && !entry.error) frame.append(el("img", { src: attachment.url, alt: t("attachedAlt", { n: entry.index + 1, name }) }));
    for (const [finding, id] of found) {
      if (!finding.box || !entry.width || !entry.height) continue;
      const { x, y, width, height } = finding.box;
      frame.append(el("mark", {
        class: `ocr-box sev-${finding.severity}`, "data-findings": id, title: finding.message,
        style: `left:${(100 * x) / entry.width}%;top:${(100 * y) / entry.height}%;` +
          `width:${(100 * width) / entry.width}%;height:${(100 * height) / entry.height}%`,
      }));
    }
    const section = el("section", { class: "image-result", "data-image": String(entry.index) },
      el("h3", {}, t("imageTitle", { n: entry.index + 1, name })),
    );
    if (!entry.error) section.append(frame);
    if (entry.error) {
      section.append(el("p", { class: "image-error", role: "note" }, t("notChecked", { message: entry.error.message, code: entry.error.code })));
    } else if (!found.length) {
      section.append(el("p", { class: "all-clear" }, t("imageClear")));
    }
    if (found.length) section.append(el("ol", { class: "findings" }, ...found.map(([f, id]) => renderFinding(f, id))));
    return section;
  }

  function renderAttached() {
    ui.attached.replaceChildren(...state.attachments.map((a, k) => {
      const alt = el("input", { type: "text", value: a.alt, "aria-label": t("altOf", { name: a.file.name }), placeholder: t("altPlaceholder") });
      alt.addEventListener("input", () => { a.alt = alt.value; });
      const remove = el("button", { type: "button", class: "link", "aria-label": t("removeFile", { name: a.file.name }) }, t("remove"));
      remove.addEventListener("click", () => {
        URL.revokeObjectURL(a.url);
        state.attachments.splice(k, 1);
        renderAttached();
      });
      return el("li", {}, el("img", { src: a.url, alt: "" }), el("span", { class: "file-name" }, a.file.name), alt, remove);
    }));
  }

  function renderReport(text, report, attachments = []) {
    const verdict = { label: t(`verdict_${report.verdict}`), headline: t(`headline_${report.verdict}`) };
    const all = [...report.findings].sort(
      (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || spanStart(a) - spanStart(b),
    );
    const allIds = all.map((_, k) => `finding-${k + 1}`);
    const findings = all.filter((f) => f.image === undefined);
    const ids = allIds.filter((_, k) => all[k].image === undefined);
    const language = Object.hasOwn(LANGUAGES, report.language) ? t(`lang_${report.language}`) : report.language;
    const counts = SEVERITIES
      .map((s) => [s, findings.filter((f) => f.severity === s).length])
      .filter(([, n]) => n);

    const header = el("div", { class: `verdict verdict-${report.verdict}` },
      el("span", { class: "badge", id: "verdict" }, verdict.label),
      el("div", {},
        el("p", { class: "headline" }, verdict.headline),
        el("p", { class: "meta" }, t("meta", { language, n: all.length, ms: report.elapsed_ms.toFixed(1) })),
      ),
    );
    const parts = [
      header,
      el("p", { class: "stale-notice", hidden: true }, t("stale")),
      el("h3", {}, t("postHeading")),
      text ? renderPost(text, findings, ids) : el("p", { class: "hint" }, t("emptyPost")),
    ];
    if (findings.length) {
      parts.push(
        el("ul", { class: "legend", "aria-label": t("legend") },
          ...counts.map(([s, n]) => el("li", {}, el("span", { class: `swatch sev-${s}`, "aria-hidden": "true" }), `${severityLabel(s)} (${n})`)),
        ),
        el("h3", {}, t("findings")),
        el("ol", { class: "findings" }, ...findings.map((f, k) => renderFinding(f, ids[k]))),
      );
    } else {
      parts.push(el("p", { class: "all-clear" }, t("noFindings")));
    }
    for (const entry of report.images || []) {
      const mine = all.map((f, k) => [f, allIds[k]]).filter(([f]) => f.image === entry.index);
      parts.push(renderImage(entry, attachments[entry.index], mine));
    }
    if (report.skipped.length) {
      parts.push(el("div", { class: "skipped" },
        el("h3", {}, t("notCheckedHeading")),
        el("ul", {}, ...report.skipped.map((s) => el("li", {}, el("code", {}, s.check), `: ${s.reason}`))),
      ));
    }
    parts.push(el("p", { class: "check-id" },
      t("checkId", { id: report.check_id, packs: report.packs.map((p) => `${p.id} ${p.version}`).join(", ") })));
    ui.results.replaceChildren(...parts);
    const tally = counts.map(([s, n]) => `${n} ${severityLabel(s).toLowerCase()}`).join(", ");
    const imageCount = all.length - findings.length;
    ui.summary.textContent = [t("summary", { verdict: verdict.label }),
      findings.length ? t("summaryFindings", { tally }) : t("summaryNone"),
      imageCount ? t("summaryImages", { n: imageCount }) : ""].filter(Boolean).join(" ");
    markStaleness();
    // in the one-column layout the result lands below the fold
    const panel = ui.results.closest(".panel");
    if (panel.getBoundingClientRect().top > window.innerHeight) panel.scrollIntoView({ block: "start" });
  }

  ui.keyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (adoptTypedKey()) ui.post.focus();
    else ui.keyInput.focus();
  });
  ui.forgetKey.addEventListener("click", () => {
    forgetKey();
    ui.keyInput.focus();
  });
  ui.checkForm.addEventListener("submit", (event) => {
    event.preventDefault();
    runCheck();
  });
  ui.post.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runCheck();
    }
  });
  ui.images.addEventListener("change", () => {
    for (const file of ui.images.files) state.attachments.push({ file, url: URL.createObjectURL(file), alt: "" });
    ui.images.value = ""; // choosing the same file again adds it again
    renderAttached();
  });
  ui.post.addEventListener("input", () => {
    updateCount();
    markStaleness();
  });

  i18n.apply();
  // what the page built itself is drawn again in the new language; the result needs no new check
  i18n.mountSwitcher(document.getElementById("ui-language"), () => {
    updateCount();
    renderAttached();
    if (state.checked) renderReport(state.checked.text, state.checked.report, state.checked.attachments);
    if (state.key) refreshLists();
  });
  showKeyState();
  updateCount();
  if (state.key) refreshLists();
}

if (document.getElementById("playground")) init();
