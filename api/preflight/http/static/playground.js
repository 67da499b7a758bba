// The playground: checks a post through the API and shows where each finding applies.
// Text from the post or the API only ever reaches the page as text nodes or attribute values.

const KEY_STORAGE = "preflight.apiKey";
const TIMEOUT_MS = 15000;
const SEVERITY_RANK = { info: 0, warning: 1, block: 2 };
const SEVERITY_LABEL = { info: "Info", warning: "Warning", block: "Block" };
const VERDICTS = {
  pass: { label: "Pass", headline: "No blocking problems found" },
  warn: { label: "Warn", headline: "Review the findings before publishing" },
  block: { label: "Block", headline: "Do not publish this post as it is" },
};
const LANGUAGES = { en: "English", nl: "Dutch", da: "Danish", sv: "Swedish", de: "German" };
const WHERE = { text: "In the post", alt: "In the alt text", ocr: "In the text read from the image" };

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
      return new ApiProblem(status, `The key was refused (401)${said}. Enter a valid key.`);
    case 403:
      return new ApiProblem(status, `This key may not do that (403)${said}.`);
    case 413:
      return new ApiProblem(status, `Too large to check (413)${said}.`);
    case 422:
      return new ApiProblem(status, `The post could not be checked (422)${said}.`, details);
    case 429: {
      const wait = response.headers.get("Retry-After");
      return new ApiProblem(status, `Too many checks (429)${said}.${wait ? ` Try again in ${wait} s.` : ""}`);
    }
    default:
      return new ApiProblem(status, `The API answered ${status} ${response.statusText}${said}.`, details);
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
      if (body === null) throw new ApiProblem(response.status, "The API answered with something other than JSON.");
      return body;
    } catch (err) {
      if (err instanceof ApiProblem) throw err;
      if (controller.signal.aborted) throw new ApiProblem(0, `The API did not answer within ${TIMEOUT_MS / 1000} seconds.`);
      throw new ApiProblem(0, `The API could not be reached (${err.message}).`);
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
      el("option", { value: "" }, "No profile"),
      ...profiles.profiles.map((p) => el("option", { value: p.id, selected: p.id === chosen }, `${p.name} (${p.id})`)),
    );
    ui.packList.replaceChildren(
      ...packs.packs.map((p) =>
        el("li", {}, el("strong", {}, p.title), " ", el("code", {}, `${p.id} ${p.version}`), ` · ${p.rules} rules`),
      ),
    );
  }

  function refreshLists() {
    loadServerLists().catch(showError);
  }

  function updateCount() {
    const length = [...ui.post.value].length;
    ui.count.textContent = `${length.toLocaleString()} character${length === 1 ? "" : "s"}`;
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
      showError(new ApiProblem(0, "Enter an API key first."));
      ui.keyInput.focus();
      return;
    }
    const text = ui.post.value;
    const attachments = [...state.attachments];
    const sequence = ++state.sequence;
    clearError();
    ui.checkButton.disabled = true;
    ui.results.setAttribute("aria-busy", "true");
    ui.status.textContent = "Checking…";
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
    const ranges = findings.map((f) => ({
      start: codePointToUtf16(text, f.span.start),
      end: codePointToUtf16(text, f.span.end),
    }));
    const view = el("div", { class: "post-view", id: "post-view" });
    for (const piece of highlightSegments(text.length, ranges)) {
      const part = text.slice(piece.start, piece.end);
      if (!piece.covering.length) {
        view.append(part);
        continue;
      }
      const covering = piece.covering.map((k) => findings[k]);
      const classes = [`mark sev-${worstSeverity(covering)}`];
      if (covering.length > 1) classes.push("overlap");
      view.append(
        el("mark", {
          class: classes.join(" "),
          "data-findings": piece.covering.map((k) => ids[k]).join(" "),
          title: covering.map((f) => `${SEVERITY_LABEL[f.severity]}: ${f.message}`).join("\n"),
        }, part),
      );
    }
    return view;
  }

  function renderFinding(finding, id) {
    const head = el("div", { class: "finding-head" },
      el("span", { class: `chip sev-${finding.severity}` }, SEVERITY_LABEL[finding.severity]),
      el("code", { class: "rule" }, finding.rule),
    );
    const item = el("li", { class: `finding sev-${finding.severity}`, id, "data-rule": finding.rule },
      head,
      el("p", { class: "message" }, finding.message),
    );
    if (finding.span && finding.span.text) {
      item.append(el("p", { class: "where" }, `${WHERE[finding.source || "text"]}: `, el("q", {}, finding.span.text)));
    }
    if (finding.match) item.append(renderMatch(finding.match));
    if (finding.suggestions.length && finding.image === undefined) {
      const buttons = finding.suggestions.map((suggestion) => {
        const label = suggestion === "" ? "Remove it" : suggestion;
        const button = el("button", {
          type: "button",
          class: "button suggestion",
          "aria-label": suggestion === "" ? `Remove “${finding.span.text}”` : `Replace “${finding.span.text}” with “${suggestion}”`,
        }, label);
        button.addEventListener("click", () => applySuggestion(finding, suggestion));
        return button;
      });
      item.append(el("div", { class: "suggestions" }, el("span", { class: "hint" }, "Replace with"), ...buttons));
    }
    // guidance is advice for the writer, not a rewrite: text only, with nothing that edits the post
    if (finding.guidance && finding.guidance.length) {
      item.append(el("div", { class: "guidance" }, el("span", { class: "hint" }, "What to do"),
        el("ul", {}, ...finding.guidance.map((advice) => el("li", {}, advice)))));
    }
    if (finding.reference) item.append(el("p", { class: "reference" }, "Reference: ", finding.reference));
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
      figure.append(el("img", { src: match.thumbnail, alt: `Registered reference: ${match.label}`, class: "match-thumb" }));
    }
    const similarity = `${Math.round(match.similarity * 100)} % similar`;
    const licence = match.license_expires ? ` · licence until ${match.license_expires}` : "";
    figure.append(el("figcaption", {},
      el("strong", {}, match.label), ` (${match.source}) · `, el("span", { class: `status-${match.status}` }, match.status),
      ` · reference #${match.reference_id} · ${similarity}${licence}`,
    ));
    return figure;
  }

  function renderImage(entry, attachment, found) {
    const name = entry.name || (attachment && attachment.file.name) || `image ${entry.index + 1}`;
    const frame = el("div", { class: "image-frame" });
    // a file the server could not read as an image is not shown as one either
    if (attachment && !entry.error) frame.append(el("img", { src: attachment.url, alt: `Attached image ${entry.index + 1}: ${name}` }));
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
      el("h3", {}, `Image ${entry.index + 1}: ${name}`),
    );
    if (!entry.error) section.append(frame);
    if (entry.error) {
      section.append(el("p", { class: "image-error", role: "note" }, `Not checked: ${entry.error.message} (${entry.error.code})`));
    } else if (!found.length) {
      section.append(el("p", { class: "all-clear" }, "No findings for this image."));
    }
    if (found.length) section.append(el("ol", { class: "findings" }, ...found.map(([f, id]) => renderFinding(f, id))));
    return section;
  }

  function renderAttached() {
    ui.attached.replaceChildren(...state.attachments.map((a, k) => {
      const alt = el("input", { type: "text", value: a.alt, "aria-label": `Alt text of ${a.file.name}`, placeholder: "Alt text (optional)" });
      alt.addEventListener("input", () => { a.alt = alt.value; });
      const remove = el("button", { type: "button", class: "link", "aria-label": `Remove ${a.file.name}` }, "Remove");
      remove.addEventListener("click", () => {
        URL.revokeObjectURL(a.url);
        state.attachments.splice(k, 1);
        renderAttached();
      });
      return el("li", {}, el("img", { src: a.url, alt: "" }), el("span", { class: "file-name" }, a.file.name), alt, remove);
    }));
  }

  function renderReport(text, report, attachments = []) {
    const verdict = VERDICTS[report.verdict] || { label: report.verdict, headline: "" };
    const all = [...report.findings].sort(
      (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || spanStart(a) - spanStart(b),
    );
    const allIds = all.map((_, k) => `finding-${k + 1}`);
    const findings = all.filter((f) => f.image === undefined);
    const ids = allIds.filter((_, k) => all[k].image === undefined);
    const language = LANGUAGES[report.language] || report.language;
    const counts = Object.keys(SEVERITY_LABEL)
      .reverse()
      .map((s) => [s, findings.filter((f) => f.severity === s).length])
      .filter(([, n]) => n);

    const header = el("div", { class: `verdict verdict-${report.verdict}` },
      el("span", { class: "badge", id: "verdict" }, verdict.label),
      el("div", {},
        el("p", { class: "headline" }, verdict.headline),
        el("p", { class: "meta" }, `Language: ${language} · ${all.length} finding${all.length === 1 ? "" : "s"} · ${report.elapsed_ms.toFixed(1)} ms`),
      ),
    );
    const parts = [
      header,
      el("p", { class: "stale-notice", hidden: true }, "The post has changed since this check. Check again to update the result."),
      el("h3", {}, "Post"),
      text ? renderPost(text, findings, ids) : el("p", { class: "hint" }, "The post was empty."),
    ];
    if (findings.length) {
      parts.push(
        el("ul", { class: "legend", "aria-label": "Highlight colours" },
          ...counts.map(([s, n]) => el("li", {}, el("span", { class: `swatch sev-${s}`, "aria-hidden": "true" }), `${SEVERITY_LABEL[s]} (${n})`)),
        ),
        el("h3", {}, "Findings"),
        el("ol", { class: "findings" }, ...findings.map((f, k) => renderFinding(f, ids[k]))),
      );
    } else {
      parts.push(el("p", { class: "all-clear" }, "No findings: none of the rules matched this post."));
    }
    for (const entry of report.images || []) {
      const mine = all.map((f, k) => [f, allIds[k]]).filter(([f]) => f.image === entry.index);
      parts.push(renderImage(entry, attachments[entry.index], mine));
    }
    if (report.skipped.length) {
      parts.push(el("div", { class: "skipped" },
        el("h3", {}, "Not checked"),
        el("ul", {}, ...report.skipped.map((s) => el("li", {}, el("code", {}, s.check), `: ${s.reason}`))),
      ));
    }
    parts.push(el("p", { class: "check-id" },
      "Check ", el("code", {}, report.check_id), " · packs ",
      report.packs.map((p) => `${p.id} ${p.version}`).join(", "),
    ));
    ui.results.replaceChildren(...parts);
    const tally = counts.map(([s, n]) => `${n} ${SEVERITY_LABEL[s].toLowerCase()}`).join(", ");
    const imageCount = all.length - findings.length;
    const imageTally = imageCount ? ` Image findings: ${imageCount}.` : "";
    ui.summary.textContent = `Verdict: ${verdict.label}. ${findings.length ? `Findings: ${tally}.` : "No findings."}${imageTally}`;
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

  showKeyState();
  updateCount();
  if (state.key) refreshLists();
}

if (document.getElementById("playground")) init();
