"""`preflight rules impact`: what a proposed rules directory would change on past posts."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from preflight.errors import InputError
from preflight.governance.impact import Impact, replay, take

DEFAULT_LIMIT = 10_000
SHOWN_POSTS = 50


def add_impact_parser(rules_sub, add_post_options) -> None:
    impact = rules_sub.add_parser("impact", help="replay past posts through the current and a proposed rules directory")
    impact.add_argument("proposed", type=Path, help="the proposed rules directory")
    impact.add_argument("--posts", type=Path, required=True, help="JSON Lines or CSV, as for `preflight scan`")
    impact.add_argument("--current", type=Path, default=None, help="the rules in force (default: --rules, PREFLIGHT_RULES_DIR or the bundled rules)")
    impact.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"refuse files with more posts (default {DEFAULT_LIMIT:,})")
    impact.add_argument("--json", action="store_true", help="print the comparison as JSON")
    add_post_options(impact)


def run_impact(args: argparse.Namespace, current_dir: Path, out: Console) -> int:
    from preflight.text.analyzer import Analyzer
    from preflight.checker import Checker
    from preflight.scan import read_posts

    if not args.posts.is_file():
        raise InputError(f"{args.posts}: no such file", field="posts")
    items = take(read_posts(args.posts), args.limit)
    analyzer = Analyzer()
    proposed = Checker.from_directory(args.proposed, analyzer=analyzer, cache=True)
    current = Checker.from_directory(args.current or current_dir, analyzer=analyzer, cache=True)
    defaults = {"language": args.lang, "platform": args.platform, "profile": args.profile, "context": args.context}
    impact = replay(current, proposed, items, defaults)
    if args.json:
        print(json.dumps(impact.to_dict(), ensure_ascii=False))
    else:
        render(impact, out)
    return 0


def render(impact: Impact, out: Console) -> None:
    out.print(f"{impact.posts} posts replayed, {len(impact.changes)} would change, {len(impact.errors)} could not be read or checked.")
    verdicts = Table(title="Verdicts (current → proposed)")
    for column in ("before", "after", "posts"):
        verdicts.add_column(column, justify="right" if column == "posts" else "left")
    for (before, after), posts in sorted(impact.verdicts.items()):
        verdicts.add_row(before, after, str(posts), style=None if before == after else "bold")
    out.print(verdicts)
    rules = Table(title="Findings per rule")
    for column in ("rule", "before", "after", "gained", "lost"):
        rules.add_column(column, justify="left" if column == "rule" else "right")
    for rule, count in sorted(impact.rules.items(), key=lambda item: -(item[1].gained + item[1].lost)):
        rules.add_row(rule, str(count.before), str(count.after), f"+{count.gained}" if count.gained else "",
                      f"-{count.lost}" if count.lost else "")
    out.print(rules)
    for change in impact.changes[:SHOWN_POSTS]:
        verdict = change.before if change.before == change.after else f"{change.before} → {change.after}"
        out.print(f"[bold]{change.id}[/bold] ({verdict})", highlight=False)
        for sign, findings in (("+", change.gained), ("-", change.lost)):
            for f in findings:
                out.print(f"  {sign} {f.rule} ({f.severity}) on “{f.span.text}”", markup=False, highlight=False)
        for old, new in change.reseverity:
            out.print(f"  ~ {new.rule}: {old.severity} → {new.severity} on “{new.span.text}”", markup=False, highlight=False)
    if len(impact.changes) > SHOWN_POSTS:
        out.print(f"… and {len(impact.changes) - SHOWN_POSTS} more posts (--json lists them all)")
    for error in impact.errors:
        out.print(f"{error['id']}: {error['error']}", markup=False, highlight=False, style="yellow")
