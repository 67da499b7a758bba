"""The `preflight` command: check posts, scan a back catalogue, lint and test rule packs."""
from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from pathlib import Path

from rich.console import Console

from preflight.config import database_url
from preflight.errors import PackError, PreflightError
from preflight.vocab import CONTEXTS, LANGUAGES, PLATFORMS

EXIT = {"pass": 0, "warn": 1, "block": 2}
EXIT_USAGE = 3
EXIT_PACKS = 4


# Commands that need no database or image tools even to parse their options: only these are built for them.
SELF_CONTAINED = ("check", "scan", "serve", "rules")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command; of `command` alone when it is self-contained (a check starts sooner)."""
    parser = argparse.ArgumentParser(prog="preflight", description="Check social media posts before they are published.")
    parser.add_argument("--rules", type=Path, default=None, help="rules directory (default: PREFLIGHT_RULES_DIR or the bundled rules)")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check one post; exit 0 pass, 1 warn, 2 block")
    check.add_argument("text", help="the post, or - to read it from standard input")
    add_post_options(check)
    check.add_argument("--at", default=None, metavar="WHEN",
                       help="the publication time, ISO 8601: 2026-05-04 or 2026-05-04T09:30+02:00 (default: now)")
    check.add_argument("--in-reply-to", default=None, metavar="TEXT", help="the message this post answers (for replies)")
    check.add_argument("--json", action="store_true", help="print the report as JSON")

    scan = sub.add_parser("scan", help="check a back catalogue (JSON Lines or CSV with a text column)")
    scan.add_argument("file", type=Path)
    scan.add_argument("--out", type=Path, default=None, help="write JSON lines here (default: standard output)")
    add_post_options(scan)
    scan.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per core)")

    serve = sub.add_parser("serve", help="start the HTTP API under gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--threads", type=int, default=4)
    serve.add_argument("--print-keys", "--print-key", dest="print_keys", action="store_true",
                       help="replace the local keys with a new check key (extension, scheduling tools) and a new admin key "
                            "(policy owner) and print both")

    if command not in SELF_CONTAINED:
        from preflight.cli.approvals import add_approvals_parser
        from preflight.cli.governance import add_governance_parsers
        from preflight.cli.images import add_images_parser
        from preflight.cli.keys import add_keys_parser

        add_keys_parser(sub)
        add_governance_parsers(sub)
        add_images_parser(sub)
        add_approvals_parser(sub)

    rules = sub.add_parser("rules", help="lint, test or describe rule packs")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    for name, text in (("lint", "validate packs and run their examples"), ("test", "run every rule's examples")):
        cmd = rules_sub.add_parser(name, help=text)
        cmd.add_argument("directory", nargs="?", type=Path, default=None)
    docs = rules_sub.add_parser("docs", help="rewrite the generated rule tables in rules/README.md")
    docs.add_argument("directory", nargs="?", type=Path, default=None)
    schema = rules_sub.add_parser("schema", help="print the JSON Schema of packs (or profiles)")
    schema.add_argument("--profile", action="store_true", help="the schema of brand profiles instead")
    from preflight.cli.impact import add_impact_parser

    add_impact_parser(rules_sub, add_post_options)
    return parser


def add_post_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", default="auto", help=f"auto, {', '.join(LANGUAGES)}")
    parser.add_argument("--platform", default=None, help=", ".join(PLATFORMS))
    parser.add_argument("--profile", default=None, help="brand profile id")
    parser.add_argument("--context", default="post", choices=CONTEXTS)


def command_of(argv: list[str]) -> str | None:
    """The command named in `argv`: its first word that is neither an option nor the value of --rules."""
    words = iter(argv)
    for word in words:
        if word == "--rules":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from preflight.packs.cache import paused_gc

    with paused_gc():  # the modules a command imports live as long as the process: nothing to collect
        args = build_parser(command_of(argv)).parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        # A lone surrogate stored before the API refused them is printed escaped, not a crash of the listing.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    try:
        if args.command == "rules" and args.rules_command == "schema":
            from preflight.packs.schema import pack_schema, profile_schema

            print(json.dumps(profile_schema() if args.profile else pack_schema(), indent=2, ensure_ascii=False))
            return 0
        if args.command == "keys":
            from preflight.cli.keys import run_keys

            return run_keys(args, database_url())
        if args.command in ("crisis", "events", "audit", "overrides"):
            from preflight.cli.governance import run_governance

            return run_governance(args, database_url())
        if args.command == "approvals":
            from preflight.cli.approvals import run_approvals

            return run_approvals(args, database_url())
        if args.command == "images":
            from preflight.cli.images import run_images

            return run_images(args, database_url())
        if args.command == "serve":
            return run_serve(args, out)
        from preflight.packs.ruleset import default_rules_dir  # imports spaCy: not for the database commands above

        if args.command == "rules" and args.rules_command == "impact":
            from preflight.cli.impact import run_impact

            return run_impact(args, args.rules or default_rules_dir(), out)
        directory = getattr(args, "directory", None) or args.rules or default_rules_dir()
        from preflight.checker import Checker

        # Only packs that compiled without a problem are cached: lint finds the same with or without the cache.
        checker = Checker.from_directory(directory, cache=True)
        if args.command == "check":
            return run_check(checker, args, out)
        if args.command == "scan":
            from preflight.scan import run_scan

            return run_scan(checker, directory, args, err)
        if args.rules_command == "docs":
            from preflight.packs.docs import update_readme

            readme = Path(directory) / "README.md"
            current = readme.read_text(encoding="utf-8") if readme.exists() else ""
            readme.write_text(update_readme(current, checker.ruleset), encoding="utf-8")
            out.print(f"wrote {readme}")
            return 0
        return run_rule_tests(checker, args.rules_command, out)
    except PackError as exc:
        # One problem per line, never wrapped: editors and CI parse file:line:column.
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        err.print(f"{len(exc.problems)} problem(s); nothing was loaded.", style="red")
        return EXIT_PACKS
    except PreflightError as exc:  # the editor's input, or the server's database out of reach
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def run_serve(args, out: Console) -> int:
    from preflight.http.serve import serve
    from preflight.storage import Store, StorageError

    if args.rules:
        os.environ["PREFLIGHT_RULES_DIR"] = str(args.rules)
    if args.print_keys:
        try:
            check_key, admin_key = local_keys(Store(database_url()))
        except StorageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        out.print(local_keys_text(check_key, admin_key), highlight=False, markup=False, soft_wrap=True)
    out.print(f"preflight API on http://{args.host}:{args.port}/  (playground at /, docs at /docs)", highlight=False)
    serve(args.host, args.port, args.workers, args.threads)
    return 0


def local_keys(store) -> tuple[str, str]:
    """A new check key and a new admin key for this machine; the previous local ones are revoked."""
    for old in store.list_keys():
        if old.name.startswith("local-") and old.revoked_at is None:
            store.revoke_key(old.name)
    # Key names are unique: a restart within the same second needs more than the time to tell them apart.
    stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
    return store.create_key(f"local-check-{stamp}", "check"), store.create_key(f"local-admin-{stamp}", "admin")


def local_keys_text(check_key: str, admin_key: str) -> str:
    """Two labelled keys, as shell assignments: pasted into a shell, the README's examples run as written."""
    return ("Check key, for the extension's options page and for scheduling tools (checks and overrides only):\n"
            f"KEY={check_key}\n"
            "Admin key, for the policy owner only (reports, crisis mode, pack reloads); never paste it into an editor's browser:\n"
            f"ADMIN_KEY={admin_key}")


def run_check(checker, args, out: Console) -> int:
    from preflight.governance.state import from_database
    from preflight.grammar import Grammar
    from preflight.errors import InputError
    from preflight.packs.cache import paused_gc
    from preflight.pipeline import Submission, check_post, publication_time

    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        now, today = publication_time(args.at) if args.at else (None, None)
    except ValueError as exc:
        raise InputError(f"--at: {exc}", field="at") from None
    submission = Submission(text, args.lang, args.platform, args.profile, args.context, now=now, today=today,
                            in_reply_to=args.in_reply_to)
    # The same sources as the server's (but images): during a crisis, an editor's check here is held too.
    sources = (Grammar.from_environment(), from_database(database_url()))
    with paused_gc():  # one post, then the process ends: the language tools it loads are all it allocates
        report = check_post(submission, checker, sources)
    for entry in report.skipped:
        print(f"skipped {entry['check']}: {entry['reason']}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        from preflight.cli.render import render_report

        render_report(report, text, out)
    return EXIT[report.verdict]


def run_rule_tests(checker, command: str, out: Console) -> int:
    from preflight.packs.examples import run_examples

    outcomes = run_examples(checker)
    failures = [o for o in outcomes if o.failed]
    for outcome in failures:
        print(f"{outcome.location}: {outcome.describe()}")
    if command == "test":
        for outcome in outcomes:
            if outcome.kind == "todo":
                print(f"{outcome.location}: {outcome.describe()}")
    rules = len(checker.ruleset.rules)
    summary = f"{len(outcomes) - len(failures)} passed, {len(failures)} failed: examples of {rules} rules in {len(checker.ruleset.packs)} packs"
    out.print(summary, style="red" if failures else "green")
    return 1 if failures else 0
