"""Rule reports for policy owners: how often each rule fired and was overridden, by pack, language and day;
how approval requests were decided."""
from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

VERDICTS = ("pass", "warn", "block")
CSV_COLUMNS = ("rule", "pack", "language", "fired", "overridden", "override_rate")
OVERRIDE_CSV_COLUMNS = ("created_at", "key_name", "rules", "reason", "check_id", "draft_id", "language", "verdict")


def rate(overridden: int, fired: int) -> float:
    """The share of firings editors overrode: the false-positive signal."""
    return round(overridden / fired, 4) if fired else 0.0


MAX_DAYS = 366


def rule_report(checks: Iterable[tuple[str, datetime, str, str, list, str | None]], overridden: dict[str, set[str]],
                since: datetime, until: datetime, reasons: dict[str, list[dict]] | None = None) -> dict:
    """Aggregate (check id, time, language, verdict, rules, draft id) rows of [since, until), oldest first, and the
    rules overridden per check id; `reasons` (rule -> newest overrides) go beside each rule.

    A rule counts once per draft, however often the draft was re-checked while it was typed, and as
    overridden when any check of the draft was; its language is that of the draft's last check.
    """
    verdicts: Counter = Counter()
    days: dict[str, Counter] = defaultdict(Counter)
    drafts: dict[tuple[str, str], list] = {}  # (draft or check id, rule) -> [language, overridden]
    total = 0
    for check_id, created_at, language, verdict, rules, draft_id in checks:
        total += 1
        verdicts[verdict] += 1
        days[created_at.date().isoformat()][verdict] += 1
        undone = overridden.get(check_id, ())
        for rule in set(rules):
            firing = drafts.setdefault((draft_id or check_id, rule), [language, False])
            firing[0] = language
            firing[1] = firing[1] or rule in undone
    fired: Counter = Counter()
    over: Counter = Counter()
    for (_, rule), (language, undone) in drafts.items():
        fired[rule, language] += 1
        over[rule, language] += undone
    by_rule: dict[str, dict] = {}
    for (rule, language), count in fired.items():
        entry = by_rule.setdefault(rule, {"rule": rule, "pack": rule.split("/")[0], "fired": 0, "overridden": 0, "languages": {}})
        entry["fired"] += count
        entry["overridden"] += over[rule, language]
        entry["languages"][language] = {"fired": count, "overridden": over[rule, language],
                                        "override_rate": rate(over[rule, language], count)}
    rules = sorted(by_rule.values(), key=lambda e: (-e["fired"], e["rule"]))
    packs: dict[str, dict] = {}
    for entry in rules:
        entry["override_rate"] = rate(entry["overridden"], entry["fired"])
        entry["languages"] = dict(sorted(entry["languages"].items()))
        pack = packs.setdefault(entry["pack"], {"pack": entry["pack"], "fired": 0, "overridden": 0})
        pack["fired"] += entry["fired"]
        pack["overridden"] += entry["overridden"]
    for pack in packs.values():
        pack["override_rate"] = rate(pack["overridden"], pack["fired"])
    return {
        "checks": total,
        "verdicts": {v: verdicts[v] for v in VERDICTS},
        "rules": [{**{k: e[k] for k in ("rule", "pack", "fired", "overridden", "override_rate", "languages")},
                   "reasons": (reasons or {}).get(e["rule"], [])} for e in rules],
        "packs": sorted(packs.values(), key=lambda p: (-p["fired"], p["pack"])),
        "days": [{"day": day, **{v: days[day][v] for v in VERDICTS}} for day in day_range(since, until, days)],
    }


def approval_report(requests: Iterable[dict]) -> dict:
    """Approval requests (state, rules, requested_at, decided_at): how many per state, and per rule how many were
    approved or rejected of those decided; the median hours from request to decision."""
    states: Counter = Counter()
    per_rule: dict[str, Counter] = defaultdict(Counter)
    hours = []
    for entry in requests:
        states[entry["state"]] += 1
        decided = entry["state"] in ("approved", "rejected") or entry["decided_at"] is not None
        if entry["decided_at"] is not None:
            hours.append((entry["decided_at"] - entry["requested_at"]).total_seconds() / 3600)
        for rule in entry["rules"]:
            per_rule[rule]["requested"] += 1
            if decided:
                outcome = "rejected" if entry["state"] == "rejected" else "approved"
                per_rule[rule][outcome] += 1
    rules = []
    for rule, counts in sorted(per_rule.items(), key=lambda item: (-item[1]["requested"], item[0])):
        done = counts["approved"] + counts["rejected"]
        rules.append({"rule": rule, "requested": counts["requested"], "approved": counts["approved"],
                      "rejected": counts["rejected"], "approval_rate": rate(counts["approved"], done),
                      "rejection_rate": rate(counts["rejected"], done)})
    return {"requests": sum(states.values()),
            "states": {state: states[state] for state in ("pending", "approved", "rejected", "expired")},
            "median_hours_to_decision": round(statistics.median(hours), 3) if hours else None,
            "rules": rules}


def report_csv(report: dict) -> str:
    """One row per rule and language, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in report["rules"]:
        for language, counts in entry["languages"].items():
            writer.writerow((entry["rule"], entry["pack"], language, counts["fired"], counts["overridden"],
                             f"{counts['override_rate']:.4f}"))
    return out.getvalue()


def overrides_csv(overrides: Iterable[dict]) -> str:
    """One row per override, its rules joined with spaces, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OVERRIDE_CSV_COLUMNS)
    for override in overrides:
        writer.writerow([" ".join(override[c]) if c == "rules" else cell(override[c]) for c in OVERRIDE_CSV_COLUMNS])
    return out.getvalue()


def cell(value) -> str:
    """A value as a spreadsheet shows it, never as a formula: an editor wrote the reason."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def day_range(since: datetime, until: datetime, seen: dict) -> list[str]:
    """Every day of the window, quiet ones included, so a chart shows the gaps; only the busy ones for long windows."""
    first, last = since.date(), (until - timedelta(microseconds=1)).date()
    if (last - first).days >= MAX_DAYS:
        return sorted(seen)
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
