// The approvals page: lists requests with the approver's key, shows each post with its findings marked,
// and sends approve/reject decisions. Post text, notes and comments only ever reach the page as text nodes.

import { STRINGS } from "./approvals.i18n.js";
import { createI18n } from "./i18n.js";
import { codePointToUtf16, highlightSegments } from "./playground.js";

const KEY_STORAGE = "preflight.approverKey";
const PAGE_SIZE = 50;
const SEVERITY_RANK = { info: 0, warning: 1, block: 2 };
const STATES = ["pending", "approved", "rejected", "expired"];
// the API's refusals of a decision the approver can act on, each said in the page's language
const DECISION_PROBLEMS = ["own_request", "not_crisis_team", "already_decided", "expired", "edited_text_blocked"];

// the language menu, the stored choice and the browser's languages work as on the other pages
const i18n = createI18n(STRINGS);
const { t } = i18n;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function stored(storage, name) {
  try { return storage.getItem(name) || ""; } catch { return ""; }
}

function store(storage, name, value) {
  try {
    if (value) storage.setItem(name, value); else storage.removeItem(name);
  } catch { /* storage is off: the value lasts for this visit */ }
}

/** Pending requests first, each group newest first (the API's order within a state). */
export function queueOrder(approvals) {
  return approvals.map((a, i) => [a, i]).sort(([a, i], [b, j]) => (a.state !== "pending") - (b.state !== "pending") || i - j)
    .map(([a]) => a);
}

/** The places in the post a finding names: text findings only (image and OCR findings have no place in the text). */
function textPlaces(finding) {
  if (finding.image !== undefined && finding.image !== null) return [];
  if (finding.source && finding.source !== "text") return [];
  return (finding.spans || (finding.span ? [finding.span] : [])).filter((s) => s && Number.isInteger(s.start));
}

function worst(findings) {
  return findings.reduce((w, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w), "info");
}

/** The post with every text finding underlined by its severity, as the playground marks them. */
function postView(text, findings) {
  const places = findings.flatMap((finding) => textPlaces(finding).map((span) => ({
    finding, start: codePointToUtf16(text, span.start), end: codePointToUtf16(text, span.end),
  })));
  const view = el("div", { class: "post-view" });
  for (const piece of highlightSegments(text.length, places)) {
    const part = text.slice(piece.start, piece.end);
    if (!piece.covering.length) {
      view.append(part);
      continue;
    }
    const covering = piece.covering.map((k) => places[k].finding);
    const mark = el("mark", { class: `mark sev-${worst(covering)}${covering.length > 1 ? " overlap" : ""}`,
      "data-rules": [...new Set(covering.map((f) => f.rule))].join(" "),
      title: covering.map((f) => `${t(`severity_${f.severity}`)}: ${f.message}`).join("\n") }, part);
    view.append(mark);
  }
  return view;
}

function findingList(findings) {
  return el("ul", { class: "findings" }, ...findings.map((f) => {
    const severity = f.severity in SEVERITY_RANK ? f.severity : "info";
    const item = el("li", { class: `finding sev-${severity}`, "data-rule": f.rule },
      el("div", { class: "finding-head" }, el("span", { class: `chip sev-${severity}` }, t(`severity_${severity}`)),
        el("code", { class: "rule" }, f.rule)),
      el("p", { class: "message" }, f.message));
    if (f.span && f.span.text) item.append(el("p", { class: "where" }, el("q", {}, f.span.text)));
    return item;
  }));
}

class ApiProblem extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    Object.assign(this, { status, code, details });
  }
}

function init() {
  const $ = (id) => document.getElementById(id);
  const state = { key: stored(sessionStorage, KEY_STORAGE), shown: [], cursor: null, sequence: 0 };
  const formatters = {};

  const when = (iso) => {
    const language = i18n.language();
    formatters[language] ||= new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" });
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? String(iso) : formatters[language].format(date);
  };

  async function callApi(path, options = {}) {
    if (!state.key) throw new ApiProblem(0, "no_key", t("needKey"));
    let response;
    try {
      response = await fetch(path, { ...options, headers: { Accept: "application/json", Authorization: `Bearer ${state.key}`,
        ...(options.body ? { "Content-Type": "application/json" } : {}) } });
    } catch {
      throw new ApiProblem(0, "unreachable", t("unreachable"));
    }
    const body = await response.json().catch(() => null);
    if (response.ok) return body;
    const error = (body && body.error) || {};
    if (response.status === 401) throw new ApiProblem(401, "key", t("refusedKey"));
    const known = DECISION_PROBLEMS.includes(error.code);
    if (response.status === 403 && !known) throw new ApiProblem(403, "scope", t("notApprover"));
    throw new ApiProblem(response.status, error.code || "", known ? t(error.code)
      : t("apiError", { status: response.status, message: error.message || response.statusText }), error.details || []);
  }

  function showError(problem) {
    $("error").replaceChildren(el("p", {}, problem.message));
    if (problem.status === 401) forgetKey();
  }

  function showKeyState() {
    $("key-form").hidden = Boolean(state.key);
    $("key-saved").hidden = !state.key;
  }

  function forgetKey() {
    state.key = "";
    store(sessionStorage, KEY_STORAGE, "");
    $("api-key").value = "";
    $("queue").hidden = true;
    showKeyState();
  }

  function decisionForm(approval) {
    const id = approval.id;
    const comment = el("textarea", { id: `comment-${id}`, name: "comment", rows: "2", maxlength: "2000",
      "aria-describedby": `comment-hint-${id}` });
    const edited = el("textarea", { id: `text-${id}`, name: "text", rows: "4", "aria-describedby": `text-hint-${id}` });
    edited.value = approval.text;
    const editBox = el("div", { class: "field", hidden: true },
      el("label", { for: `text-${id}` }, t("editedText")), edited, el("p", { class: "hint", id: `text-hint-${id}` }, t("editHint")));
    const toggle = el("input", { type: "checkbox", id: `edit-${id}` });
    toggle.addEventListener("change", () => {
      editBox.hidden = !toggle.checked;
      if (toggle.checked) edited.focus();
    });
    const statements = approval.crisis ? el("input", { type: "checkbox", id: `statements-${id}`, name: "add_to_statements" }) : null;
    const problem = el("div", { class: "error", role: "alert" });
    const approve = el("button", { type: "submit", class: "button primary", value: "approve" }, t("approve"));
    const reject = el("button", { type: "submit", class: "button danger", value: "reject" }, t("reject"));
    const form = el("form", { class: "decision", "aria-label": t("decision") },
      el("div", { class: "field" }, el("label", { for: `comment-${id}` }, t("comment")), comment,
        el("p", { class: "hint", id: `comment-hint-${id}` }, t("commentHint"))),
      el("div", { class: "check" }, toggle, el("label", { for: `edit-${id}` }, t("editToggle"))),
      editBox,
      statements && el("div", { class: "check" }, statements, el("label", { for: `statements-${id}` }, t("addToStatements"))),
      problem,
      el("div", { class: "actions" }, approve, reject));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const decision = event.submitter && event.submitter.value === "reject" ? "reject" : "approve";
      const body = { decision, comment: comment.value.trim(), add_to_statements: Boolean(statements && statements.checked) };
      if (decision === "reject" && !body.comment) {
        problem.replaceChildren(el("p", {}, t("rejectNeedsComment")));
        comment.focus();
        return;
      }
      if (decision === "approve" && toggle.checked && edited.value !== approval.text) body.text = edited.value;
      for (const button of [approve, reject]) button.disabled = true;
      problem.replaceChildren(el("p", { class: "pending" }, t("deciding")));
      try {
        const decided = await callApi(`/v1/approvals/${encodeURIComponent(id)}/decision`, { method: "POST", body: JSON.stringify(body) });
        // with a profile that needs two approvers, the first approval leaves the request pending
        replaceCard(decided, t(decided.state === "pending" ? "decided_partial" : `decided_${decision}`));
      } catch (err) {
        // an edited text that is blocked comes back with its findings, for the approver to fix
        const findings = (err.details || []).flatMap((d) => (d && Array.isArray(d.findings) ? d.findings : []));
        problem.replaceChildren(el("p", {}, err.message), findings.length ? findingList(findings) : "");
        if (err.status === 401) showError(err);
        if (err.code === "already_decided" || err.code === "expired") refreshOne(id);
      } finally {
        for (const button of [approve, reject]) button.disabled = false;
      }
    });
    return form;
  }

  function card(approval, notice = "") {
    const stateName = STATES.includes(approval.state) ? approval.state : "pending";
    const titleId = `request-${approval.id}`;
    const meta = [t("requestedAt", { when: when(approval.requested_at) })];
    if (stateName === "pending") meta.push(t("deadline", { when: when(approval.expires_at) }));
    if (approval.platform) meta.push(t("platform", { platform: approval.platform }));
    if (approval.language) meta.push(t("postLanguage", { language: approval.language }));
    if (approval.profile) meta.push(t("profile", { profile: approval.profile }));
    if ((approval.image_hashes || []).length) meta.push(t("images", { count: approval.image_hashes.length }));
    const findings = approval.findings || [];
    const head = el("header", { class: "request-head" },
      el("span", { class: `chip state-${stateName}` }, t(`state_${stateName}`)),
      approval.verdict ? el("span", { class: `chip verdict-chip verdict-${approval.verdict}` }, t(`verdict_${approval.verdict}`)) : null,
      approval.crisis ? el("span", { class: "chip crisis-chip" }, t("crisis")) : null,
      el("h2", { id: titleId }, t("requestedBy", { name: approval.requested_by })));
    const body = [head, el("ul", { class: "meta" }, ...meta.map((m) => el("li", {}, m)))];
    if (approval.note) body.push(el("div", { class: "note" }, el("h3", {}, t("note")), el("p", {}, approval.note)));
    body.push(el("h3", {}, t("post")), postView(approval.text || "", findings));
    if (findings.length) body.push(el("h3", {}, t("findings")), findingList(findings));
    const decisions = approval.decisions || [];
    if (decisions.length || (approval.approvers_needed || 1) > 1) {
      body.push(el("h3", {}, t("decisions")));
      if ((approval.approvers_needed || 1) > 1) {
        const given = decisions.filter((d) => d.decision === "approve").length;
        body.push(el("p", { class: "hint" }, t("approvers", { needed: approval.approvers_needed, given })));
      }
      body.push(el("ul", { class: "decisions" }, ...decisions.map((d) => el("li", { class: `decided-${d.decision}` },
        el("strong", {}, t(d.decision === "reject" ? "decision_reject" : "decision_approve", { name: d.by })),
        ` · ${when(d.at)}`, d.comment ? el("q", {}, d.comment) : null))));
    }
    if (notice) body.push(el("p", { class: "notice", role: "status", tabindex: "-1" }, notice));
    if (stateName === "pending") body.push(decisionForm(approval));
    return el("li", { class: `request state-${stateName}`, id: `approval-${approval.id}`, "data-id": approval.id,
      "aria-labelledby": titleId }, el("article", {}, ...body));
  }

  function draw() {
    const list = $("requests");
    if (!state.shown.length) {
      list.replaceChildren(el("li", { class: "empty" }, t("empty")));
    } else {
      list.replaceChildren(...queueOrder(state.shown).map((a) => card(a)));
    }
    $("more").hidden = !state.cursor;
    $("queue").hidden = false;
    $("status").textContent = t("shown", { count: state.shown.length });
  }

  function replaceCard(approval, notice) {
    state.shown = state.shown.map((a) => (a.id === approval.id ? approval : a));
    const old = document.getElementById(`approval-${approval.id}`);
    const fresh = card(approval, notice);
    if (old) old.replaceWith(fresh);
    // the form that had focus is gone: the outcome takes it, so keyboard users stay in this request
    const said = fresh.querySelector(".notice");
    if (said) said.focus();
  }

  async function refreshOne(id) {
    try {
      replaceCard(await callApi(`/v1/approvals/${encodeURIComponent(id)}`));
    } catch { /* the form already says what happened */ }
  }

  async function load(more = false) {
    $("error").replaceChildren();
    const sequence = ++state.sequence;
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if ($("state").value) params.set("state", $("state").value);
    if (more && state.cursor) params.set("cursor", state.cursor);
    $("status").textContent = t("loading");
    try {
      const page = await callApi(`/v1/approvals?${params}`);
      if (sequence !== state.sequence) return;
      state.shown = more ? [...state.shown, ...page.approvals] : page.approvals;
      state.cursor = page.next_cursor || null;
      draw();
    } catch (err) {
      if (sequence !== state.sequence) return;
      $("status").textContent = "";
      showError(err);
    }
  }

  function applyLanguage() {
    i18n.apply();
    for (const node of document.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
    // the shared key form is written in English for every page
    document.querySelector('label[for="api-key"]').textContent = t("keyLabel");
    $("key-help").textContent = t("keyHelp");
    $("key-form").querySelector('button[type="submit"]').textContent = t("saveKey");
    $("key-saved").querySelector("span").textContent = t("keySaved");
    $("forget-key").textContent = t("forgetKey");
    document.title = `${t("title")} · preflight`;
    if (!$("queue").hidden) draw();
  }

  i18n.mountSwitcher($("ui-language"), applyLanguage);
  applyLanguage();

  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.key = $("api-key").value.trim();
    store(sessionStorage, KEY_STORAGE, state.key);
    showKeyState();
    load();
  });
  $("forget-key").addEventListener("click", forgetKey);
  $("filter-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  $("state").addEventListener("change", () => load());
  $("more").addEventListener("click", () => load(true));
  showKeyState();
  if (state.key) load();
}

if (document.getElementById("requests")) init();
