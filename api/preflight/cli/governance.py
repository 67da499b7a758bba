"""`preflight crisis`, `events`, `audit` and `overrides`: what policy owners do from the shell."""
from __future__ import annotations

import getpass
import json
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from preflight.governance.crisis import crisis_team, validate_crisis
from preflight.errors import InputError
from preflight.governance.events import new_event, parse_moment
from preflight.governance.reports import overrides_csv
from preflight.cli.keys import with_store

OVERRIDES_PAGE_MAX = 200


def add_governance_parsers(subparsers) -> None:
    """Add `crisis on|off|status`, `events list|add|remove` and `audit prune|log` to an argparse subparsers object."""
    crisis = subparsers.add_parser("crisis", help="pause publishing: every check is blocked except approved statements")
    actions = crisis.add_subparsers(dest="crisis_command", required=True)
    on = actions.add_parser("on", help="switch crisis mode on (or change its message and statements)")
    on.add_argument("--message", required=True, help="what editors see on every held post")
    on.add_argument("--statement", action="append", default=[], help="an approved statement that may still go out (repeatable)")
    on.add_argument("--statements", type=Path, help="a file of approved statements, separated by blank lines")
    actions.add_parser("off", help="switch crisis mode off")
    actions.add_parser("status", help="show whether crisis mode is on")
    team = actions.add_parser("team", help="the keys whose approval lets a post out during crisis mode")
    team.add_argument("team_command", choices=("add", "remove", "list"))
    team.add_argument("names", nargs="*", metavar="NAME", help="key names (for add and remove)")
    team.add_argument("--by", default=None, help="who makes the change, for the audit trail (default: cli:<user>)")
    for parser in (on, actions.choices["off"]):
        parser.add_argument("--by", default=None, help="who switches it, shown to editors and in the audit trail (default: cli:<login name>)")

    events = subparsers.add_parser("events", help="live sensitive events that posts should not joke about or sell on")
    actions = events.add_subparsers(dest="events_command", required=True)
    actions.add_parser("list", help="list the events, live or not")
    add = actions.add_parser("add", help="add an event")
    add.add_argument("name")
    add.add_argument("--term", action="append", required=True, help="a word, phrase or hashtag naming it (repeatable)")
    add.add_argument("--starts", required=True, help="YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)")
    add.add_argument("--ends", required=True, help="YYYY-MM-DD (to the end of that day) or YYYY-MM-DDTHH:MM")
    add.add_argument("--note", default=None)
    remove = actions.add_parser("remove", help="remove an event by id")
    remove.add_argument("id", type=int)
    for parser in (add, remove):
        parser.add_argument("--by", default=None, help="who makes the change, for the audit trail (default: cli:<user>)")

    audit = subparsers.add_parser("audit", help="the audit trail: checks, overrides, policy changes")
    actions = audit.add_subparsers(dest="audit_command", required=True)
    prune = actions.add_parser("prune", help="delete records older than the retention period")
    prune.add_argument("--days", type=int, default=None, help="keep this many days (default: PREFLIGHT_AUDIT_RETENTION_DAYS)")
    log = actions.add_parser("log", help="list policy changes: crisis switches, events added and removed")
    log.add_argument("--since", default=None, help="YYYY-MM-DD (default: everything kept)")

    overrides = subparsers.add_parser("overrides", help="posts published anyway: which rules, by whom and why")
    actions = overrides.add_subparsers(dest="overrides_command", required=True)
    listing = actions.add_parser("list", help="list overrides with their reasons, newest first")
    listing.add_argument("--rule", default=None, help="only overrides that include this rule id")
    listing.add_argument("--pack", default=None, help="only overrides that include a rule of this pack")
    listing.add_argument("--key", default=None, help="only overrides made with the key of this name")
    listing.add_argument("--since", default=None, help="YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)")
    listing.add_argument("--until", default=None, help="YYYY-MM-DD (to the end of that day) or YYYY-MM-DDTHH:MM")
    listing.add_argument("--limit", type=int, default=50, help=f"how many (1 to {OVERRIDES_PAGE_MAX}, default 50)")
    listing.add_argument("--offset", type=int, default=0, help="skip this many of the newest first")
    shape = listing.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print a JSON object: overrides, total, limit, offset")
    shape.add_argument("--csv", action="store_true", help="print CSV, one row per override")


def run_governance(args, database_url: str) -> int:
    """Run one governance command against the database; 0 on success, 3 with a message on stderr otherwise."""
    from preflight.storage.governance import Governance

    return with_store(database_url, lambda store: governance_command(args, Governance(store)), refusals=(InputError,))


def governance_command(args, governance) -> int:
    if args.command == "crisis":
        return run_crisis(args, governance)
    if args.command == "events":
        return run_events(args, governance)
    if args.command == "overrides":
        return run_overrides(args, governance)
    if args.audit_command == "log":
        since = parse_moment(args.since, "--since", end=False) if args.since else None
        for change in governance.audit_trail(since):
            print(f"{change['at']:%Y-%m-%d %H:%M:%S} UTC\t{change['by']}\t{change['action']}\t"
                  + json.dumps(change["details"], ensure_ascii=False))
        return 0
    before = prune_before(args.days)
    counts = governance.prune(before)
    print(f"deleted records from before {before:%Y-%m-%d %H:%M} UTC: "
          + ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items()))
    return 0


def run_crisis(args, governance) -> int:
    if args.crisis_command == "team":
        return run_crisis_team(args, governance)
    if args.crisis_command == "status":
        crisis = governance.crisis()
        if not crisis.active:
            print("crisis mode is off")
        else:
            print(f"crisis mode is ON since {crisis.since:%Y-%m-%d %H:%M} UTC, by {crisis.key_name}: {crisis.message}")
            for statement in crisis.approved_statements:
                print(f"  approved: {statement}")
        return 0
    active = args.crisis_command == "on"
    statements = list(args.statement) if active else []
    if active and args.statements:
        text = args.statements.read_text(encoding="utf-8")
        statements += [block.strip() for block in text.split("\n\n") if block.strip()]
    message, cleaned = validate_crisis(active, args.message if active else "", statements)
    crisis = governance.set_crisis(active, message, cleaned, who(args.by))
    print(f"crisis mode is on: {len(crisis.approved_statements)} approved statement(s)" if crisis.active else "crisis mode is off")
    return 0


def run_crisis_team(args, governance) -> int:
    team = governance.crisis().team
    if args.team_command != "list":
        if not args.names:
            raise InputError(f"name the keys to {args.team_command}")
        names = crisis_team(args.names)
        team = (*team, *names) if args.team_command == "add" else tuple(n for n in team if n not in names)
        team = governance.set_crisis_team(crisis_team(list(team)), who(args.by)).team
    print("\n".join(team) if team else "the crisis team is empty: no post but the approved statements goes out during a crisis")
    return 0


def run_events(args, governance) -> int:
    if args.events_command == "list":
        now = datetime.now(timezone.utc)
        for event in governance.events():
            state = "live" if event.live(now) else ("ended" if event.ends <= now else "upcoming")
            print(f"{event.id}\t{state}\t{event.starts:%Y-%m-%d %H:%M}\t{event.ends:%Y-%m-%d %H:%M}\t{event.name}\t"
                  + ", ".join(event.terms))
        return 0
    if args.events_command == "add":
        event = governance.add_event(new_event(args.name, args.term, args.starts, args.ends, args.note), who(args.by))
        print(f"added event {event.id}: {event.name}")
        return 0
    event = governance.remove_event(args.id, who(args.by))
    print(f"removed event {event.id}: {event.name}")
    return 0


def run_overrides(args, governance) -> int:
    if not 1 <= args.limit <= OVERRIDES_PAGE_MAX:
        raise InputError(f"--limit must be from 1 to {OVERRIDES_PAGE_MAX}")
    if args.offset < 0:
        raise InputError("--offset cannot be negative")
    since = parse_moment(args.since, "--since", end=False) if args.since else None
    until = parse_moment(args.until, "--until", end=True) if args.until else None
    total, overrides = governance.list_overrides(rule=args.rule, pack=args.pack, key_name=args.key, since=since,
                                                 until=until, limit=args.limit, offset=args.offset)
    if args.json:
        print(json.dumps({"overrides": overrides, "total": total, "limit": args.limit, "offset": args.offset},
                         ensure_ascii=False, indent=2))
        return 0
    if args.csv:
        sys.stdout.write(overrides_csv(overrides))
        return 0
    for override in overrides:
        reason = " ".join(override["reason"].split())
        print(f"{override['created_at'][:16].replace('T', ' ')} UTC\t{override['key_name']}\t"
              f"{', '.join(override['rules'])}\t{reason}")
    shown = f"{args.offset + 1}-{args.offset + len(overrides)}" if overrides else "none"
    print(f"{shown} of {total} override(s)", file=sys.stderr)
    return 0


def prune_before(days: int | None) -> datetime:
    if days is None:
        configured = os.environ.get("PREFLIGHT_AUDIT_RETENTION_DAYS")
        if not configured:
            raise InputError("how long to keep records? set PREFLIGHT_AUDIT_RETENTION_DAYS or pass --days N")
        try:
            days = int(configured)
        except ValueError:
            raise InputError(f"PREFLIGHT_AUDIT_RETENTION_DAYS={configured!r} is not a whole number of days") from None
    if days < 1:
        raise InputError("keep at least 1 day of records")
    return datetime.now(timezone.utc) - timedelta(days=days)


def who(by: str | None) -> str:
    """Who makes a change: editors read it in the crisis message, so never an anonymous placeholder."""
    if by and by.strip():
        return by.strip()[:64]
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (OSError, KeyError):  # no login name in the environment and no entry in the password database
        raise InputError("say who makes this change with --by NAME: editors see it beside the crisis message") from None
