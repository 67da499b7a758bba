// The rule and approval reports: fetched with the policy owner's admin key, drawn as bars and tables.
// Everything from the API reaches the page as text nodes.
import { createI18n } from "./i18n.js";
import { COMMON, REPORTS } from "./strings.js";

const i18n = createI18n(COMMON, REPORTS);
const { t } = i18n;
const ADMIN_KEY = "preflight.adminKey";
const TOP = 10;
const DAY_MS = 86_400_000;
const VERDICT_ORDER = ["pass", "warn", "block"];
const RULES = "/v1/reports/rules";
const APPROVALS = "/v1/reports/approvals";

const $ = (id) => document.getElementById(id);

function node(tag, className, ...children) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  made.append(...children);
  return made;
}

const percent = (share) => `${(share * 100).toFixed(1)} %`;

const keyStore = {
  get() {
    try { return sessionStorage.getItem(ADMIN_KEY) || ""; } catch { return ""; }
  },
  set(value) {
    try {
      if (value) sessionStorage.setItem(ADMIN_KEY, value); else sessionStorage.removeItem(ADMIN_KEY);
    } catch { /* private mode: the key lasts for this visit */ }
  },
};

/** Bars for the top rules by `field`, scaled to the largest. */
export function barItems(rules, field) {
  const top = rules.filter((r) => r[field] > 0).sort((a, b) => b[field] - a[field] || a.rule.localeCompare(b.rule)).slice(0, TOP);
  const most = top.length ? top[0][field] : 0;
  return top.map((r) => ({ rule: r.rule, titles: r.titles, value: r[field], rate: r.override_rate, width: most ? (100 * r[field]) / most : 0 }));
}

/** The rule's title in the page's language, the id beneath it in small print: people read titles, owners look up ids. */
function ruleName(rule, titles) {
  const title = (titles && (titles[i18n.language()] || titles.en)) || rule;
  return node("span", "rule-name", node("span", "rule-title", title), node("code", "", rule));
}

function drawBars(list, items, field) {
  if (!items.length) {
    list.replaceChildren(node("li", "empty", field === "overridden" ? t("noOverrides") : t("noneFired")));
    return;
  }
  list.replaceChildren(...items.map((item) => {
    const fill = node("div", field === "overridden" ? "bar-fill overridden" : "bar-fill");
    fill.style.width = `${item.width}%`;
    const value = field === "overridden" ? `${item.value} (${percent(item.rate)})` : String(item.value);
    const row = node("li", "", node("div", "bar-label", ruleName(item.rule, item.titles), node("span", "bar-value", value)),
      node("div", "bar-track", fill));
    row.setAttribute("aria-label", `${(item.titles && item.titles[i18n.language()]) || item.rule}: ${value}`);
    return row;
  }));
}

function drawDays(chart, axis, days) {
  const most = Math.max(1, ...days.map((d) => d.pass + d.warn + d.block));
  chart.replaceChildren(...days.map((d) => {
    const column = node("div", "day");
    column.title = t("dayTitle", d);
    for (const verdict of VERDICT_ORDER) {
      const segment = node("span", `seg-${verdict}`);
      segment.style.height = `${(100 * d[verdict]) / most}%`;
      column.append(segment);
    }
    return column;
  }));
  const total = days.reduce((sum, d) => sum + d.pass + d.warn + d.block, 0);
  chart.setAttribute("aria-label", t("chartLabel", { days: days.length, total }));
  axis.replaceChildren(...(days.length ? [node("span", "", days[0].day), node("span", "", days[days.length - 1].day)] : []));
}

function drawTable(body, rules) {
  if (!rules.length) {
    const cell = node("td", "empty", t("noneFired"));
    cell.colSpan = 6;
    body.replaceChildren(node("tr", "", cell));
    return;
  }
  body.replaceChildren(...rules.map((r) => {
    const languages = Object.entries(r.languages).map(([lang, c]) => `${lang} ${c.fired}/${c.overridden}`).join(", ");
    const rateCell = node("td", r.override_rate >= 0.25 ? "num high" : "num", percent(r.override_rate));
    return node("tr", "", node("td", "", ruleName(r.rule, r.titles)), node("td", "", r.pack),
      node("td", "num", String(r.fired)), node("td", "num", String(r.overridden)), rateCell, node("td", "", languages));
  }));
}

function drawReasons(box, rules) {
  const given = rules.filter((r) => r.reasons && r.reasons.length);
  if (!given.length) {
    box.replaceChildren(node("p", "empty", t("noOverrides")));
    return;
  }
  box.replaceChildren(...given.map((r) => {
    const items = r.reasons.map((o) => node("li", "", node("q", "", o.reason),
      node("span", "reason-by", ` ${t("reasonBy", { name: o.key_name, when: o.created_at.slice(0, 16).replace("T", " ") })}`)));
    const share = t("overrideShare", { o: r.overridden, f: r.fired, rate: percent(r.override_rate) });
    return node("section", "reason-group", node("h3", "", ruleName(r.rule, r.titles), node("span", "reason-count", share)),
      node("ul", "", ...items));
  }));
}

/** Minutes under an hour, else hours: a decision in 20 minutes reads better than "0.3 h". */
function duration(hours) {
  if (hours === null) return t("noDecisionYet");
  return hours < 1 ? t("minutesValue", { m: Math.round(hours * 60) }) : t("hoursValue", { h: hours.toFixed(1) });
}

function drawApprovals(report) {
  $("approvals-empty").hidden = report.requests > 0;
  $("approvals-body").hidden = report.requests === 0;
  const states = [[t("approvalRequests"), report.requests], [t("statePending"), report.states.pending],
    [t("stateApproved"), report.states.approved], [t("stateRejected"), report.states.rejected],
    [t("stateExpired"), report.states.expired], [t("medianToDecision"), duration(report.median_hours_to_decision)]];
  $("approval-totals").replaceChildren(...states.flatMap(([label, value]) => [node("dt", "", label), node("dd", "", String(value))]));
  $("approvals-table").tBodies[0].replaceChildren(...report.rules.map((r) => {
    // a rate of nothing decided yet is no rate: the API gives 0.0, the page shows only the counts
    const decided = r.approved + r.rejected > 0;
    const share = (n, rate) => (decided ? `${n} (${percent(rate)})` : String(n));
    return node("tr", "", node("td", "", ruleName(r.rule, r.titles)), node("td", "num", String(r.requested)),
      node("td", "num", share(r.approved, r.approval_rate)),
      node("td", "num", share(r.rejected, r.rejection_rate)));
  }));
}

function init() {
  let key = keyStore.get();

  function showKeyState() {
    $("key-form").hidden = Boolean(key);
    $("key-saved").hidden = !key;
  }

  function query(path, format) {
    const params = new URLSearchParams();
    if ($("since").value) params.set("since", $("since").value);
    if ($("until").value) params.set("until", $("until").value);
    if (format) params.set("format", format);
    return `${path}?${params}`;
  }

  async function fetchReport(path, format) {
    $("error").replaceChildren();
    if (!key) throw new Error(t("needAdminKey"));
    const response = await fetch(query(path, format), { headers: { Authorization: `Bearer ${key}` } });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      const said = body?.error?.message ? `: ${body.error.message}` : "";
      throw new Error(t("apiAnswered", { status: response.status, said }));
    }
    return response;
  }

  let shown = null;

  function draw({ report, approvals }) {
    const totals = [[t("checks"), report.checks], ...VERDICT_ORDER.map((v) => [t(`verdict_${v}`), report.verdicts[v]]),
      [t("rulesFired"), report.rules.length]];
    $("totals").replaceChildren(...totals.flatMap(([label, value]) => [node("dt", "", label), node("dd", "", String(value))]));
    drawBars($("fired-chart"), barItems(report.rules, "fired"), "fired");
    drawBars($("overridden-chart"), barItems(report.rules, "overridden"), "overridden");
    drawDays($("days-chart"), $("days-axis"), report.days);
    drawReasons($("reasons"), report.rules);
    drawTable($("rules-table").tBodies[0], report.rules);
    drawApprovals(approvals);
    $("status").textContent = t("statusLine", { n: report.checks, since: $("since").value || t("defaultSince"), until: $("until").value || t("now") });
  }

  async function show() {
    $("status").textContent = t("loading");
    try {
      // the same key and window for both; either failing is shown like the other
      const [report, approvals] = await Promise.all([RULES, APPROVALS].map(async (path) => (await fetchReport(path)).json()));
      shown = { report, approvals };
      draw(shown);
      $("report").hidden = false;
    } catch (err) {
      $("status").textContent = "";
      $("error").replaceChildren(node("p", "", err.message));
    }
  }

  async function download() {
    try {
      const blob = await (await fetchReport(RULES, "csv")).blob();
      const link = node("a", "");
      link.href = URL.createObjectURL(blob);
      link.download = "preflight-rules.csv";
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    } catch (err) {
      $("error").replaceChildren(node("p", "", err.message));
    }
  }

  const today = new Date();
  $("until").value = today.toISOString().slice(0, 10);
  $("since").value = new Date(today.getTime() - 29 * DAY_MS).toISOString().slice(0, 10);
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    key = $("api-key").value.trim();
    keyStore.set(key);
    showKeyState();
    show();
  });
  $("forget-key").addEventListener("click", () => {
    key = "";
    keyStore.set("");
    $("report").hidden = true;
    showKeyState();
  });
  $("range-form").addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  $("download").addEventListener("click", download);
  i18n.apply();
  i18n.mountSwitcher($("ui-language"), () => shown && draw(shown));
  showKeyState();
  if (key) show();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
