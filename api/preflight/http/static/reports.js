// The rule report: fetched with the policy owner's admin key, drawn as bars and a table.
// Everything from the API reaches the page as text nodes.

const ADMIN_KEY = "preflight.adminKey";
const TOP = 10;
const DAY_MS = 86_400_000;
const VERDICT_ORDER = ["pass", "warn", "block"];

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
  return top.map((r) => ({ rule: r.rule, value: r[field], rate: r.override_rate, width: most ? (100 * r[field]) / most : 0 }));
}

function drawBars(list, items, field) {
  if (!items.length) {
    list.replaceChildren(node("li", "empty", field === "overridden" ? "No overrides in this period." : "No rule fired in this period."));
    return;
  }
  list.replaceChildren(...items.map((item) => {
    const fill = node("div", field === "overridden" ? "bar-fill overridden" : "bar-fill");
    fill.style.width = `${item.width}%`;
    const value = field === "overridden" ? `${item.value} (${percent(item.rate)})` : String(item.value);
    const row = node("li", "", node("div", "bar-label", node("code", "", item.rule), node("span", "bar-value", value)),
      node("div", "bar-track", fill));
    row.setAttribute("aria-label", `${item.rule}: ${value}`);
    return row;
  }));
}

function drawDays(chart, axis, days) {
  const most = Math.max(1, ...days.map((d) => d.pass + d.warn + d.block));
  chart.replaceChildren(...days.map((d) => {
    const column = node("div", "day");
    column.title = `${d.day}: ${d.pass} pass, ${d.warn} warn, ${d.block} block`;
    for (const verdict of VERDICT_ORDER) {
      const segment = node("span", `seg-${verdict}`);
      segment.style.height = `${(100 * d[verdict]) / most}%`;
      column.append(segment);
    }
    return column;
  }));
  const total = days.reduce((sum, d) => sum + d.pass + d.warn + d.block, 0);
  chart.setAttribute("aria-label", `Verdicts on ${days.length} days, ${total} checks`);
  axis.replaceChildren(...(days.length ? [node("span", "", days[0].day), node("span", "", days[days.length - 1].day)] : []));
}

function drawTable(body, rules) {
  if (!rules.length) {
    const cell = node("td", "empty", "No rule fired in this period.");
    cell.colSpan = 6;
    body.replaceChildren(node("tr", "", cell));
    return;
  }
  body.replaceChildren(...rules.map((r) => {
    const languages = Object.entries(r.languages).map(([lang, c]) => `${lang} ${c.fired}/${c.overridden}`).join(", ");
    const rateCell = node("td", r.override_rate >= 0.25 ? "num high" : "num", percent(r.override_rate));
    return node("tr", "", node("td", "", node("code", "", r.rule)), node("td", "", r.pack),
      node("td", "num", String(r.fired)), node("td", "num", String(r.overridden)), rateCell, node("td", "", languages));
  }));
}

function drawReasons(box, rules) {
  const given = rules.filter((r) => r.reasons && r.reasons.length);
  if (!given.length) {
    box.replaceChildren(node("p", "empty", "No overrides in this period."));
    return;
  }
  box.replaceChildren(...given.map((r) => {
    const items = r.reasons.map((o) => node("li", "", node("q", "", o.reason),
      node("span", "reason-by", ` ${o.key_name}, ${o.created_at.slice(0, 16).replace("T", " ")} UTC`)));
    return node("section", "reason-group", node("h3", "", node("code", "", r.rule),
      node("span", "reason-count", ` ${r.overridden} of ${r.fired} (${percent(r.override_rate)})`)), node("ul", "", ...items));
  }));
}

function init() {
  const $ = (id) => document.getElementById(id);
  let key = keyStore.get();

  function showKeyState() {
    $("key-form").hidden = Boolean(key);
    $("key-saved").hidden = !key;
  }

  function query(format) {
    const params = new URLSearchParams();
    if ($("since").value) params.set("since", $("since").value);
    if ($("until").value) params.set("until", $("until").value);
    if (format) params.set("format", format);
    return `/v1/reports/rules?${params}`;
  }

  async function fetchReport(format) {
    $("error").replaceChildren();
    if (!key) throw new Error("Save an admin key first.");
    const response = await fetch(query(format), { headers: { Authorization: `Bearer ${key}` } });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      const said = body?.error?.message ? `: ${body.error.message}` : "";
      throw new Error(`The API answered ${response.status}${said}.`);
    }
    return response;
  }

  async function show() {
    $("status").textContent = "Loading…";
    try {
      const report = await (await fetchReport()).json();
      const totals = [["Checks", report.checks], ...VERDICT_ORDER.map((v) => [v[0].toUpperCase() + v.slice(1), report.verdicts[v]]),
        ["Rules that fired", report.rules.length]];
      $("totals").replaceChildren(...totals.flatMap(([label, value]) => [node("dt", "", label), node("dd", "", String(value))]));
      drawBars($("fired-chart"), barItems(report.rules, "fired"), "fired");
      drawBars($("overridden-chart"), barItems(report.rules, "overridden"), "overridden");
      drawDays($("days-chart"), $("days-axis"), report.days);
      drawReasons($("reasons"), report.rules);
      drawTable($("rules-table").tBodies[0], report.rules);
      $("report").hidden = false;
      $("status").textContent = `${report.checks} checks from ${$("since").value || "30 days ago"} to ${$("until").value || "now"}`;
    } catch (err) {
      $("status").textContent = "";
      $("error").replaceChildren(node("p", "", err.message));
    }
  }

  async function download() {
    try {
      const blob = await (await fetchReport("csv")).blob();
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
  showKeyState();
  if (key) show();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
