"""`preflight approvals list|show|approve|reject|expire`: approvers decide from the shell, on the server's database."""
from __future__ import annotations

import json
import os

from preflight.governance.approvals import ApprovalDesk, ApprovalRefused, public
from preflight.config import setting
from preflight.errors import InputError
from preflight.cli.keys import with_store
from preflight.storage.models import APPROVAL_STATES, includes
from preflight.governance.webhooks import Dispatcher, parse_hooks

LIST_MAX = 200
# A decision made here notifies the webhooks before the command returns, for at most this long.
WEBHOOK_WAIT_S = 30.0


def add_approvals_parser(subparsers) -> None:
    approvals = subparsers.add_parser("approvals", help="approval requests: list them, approve or reject one")
    actions = approvals.add_subparsers(dest="approvals_command", required=True)
    listing = actions.add_parser("list", help="list requests, newest first")
    listing.add_argument("--state", choices=APPROVAL_STATES, default=None)
    listing.add_argument("--limit", type=int, default=50, help=f"how many (1 to {LIST_MAX}, default 50)")
    listing.add_argument("--json", action="store_true", help="print a JSON list of requests")
    show = actions.add_parser("show", help="show one request with its text, findings and decisions (JSON)")
    show.add_argument("id")
    for name, text in (("approve", "approve a request"), ("reject", "reject a request")):
        decide = actions.add_parser(name, help=text)
        decide.add_argument("id")
        decide.add_argument("--as", dest="key_name", required=True, metavar="KEYNAME",
                            help="the approver: the name of a key with the approve or admin scope (never the requester's)")
        decide.add_argument("--comment", default="", help="shown to the editor")
        if name == "approve":
            decide.add_argument("--add-to-statements", action="store_true",
                                help="during crisis mode: add the approved text to the approved statements")
    actions.add_parser("expire", help="store every request past its deadline as expired (and notify the webhooks)")


def run_approvals(args, database_url: str) -> int:
    return with_store(database_url, lambda store: approvals_command(args, store), refusals=(InputError, ApprovalRefused))


def approvals_command(args, store) -> int:
    from preflight.storage.approvals import Approvals
    from preflight.storage.governance import Governance

    records = Approvals(store)
    dispatcher = Dispatcher(parse_hooks(setting("WEBHOOKS")), records, int(os.environ.get("PREFLIGHT_WEBHOOK_ATTEMPTS") or 3),
                            float(os.environ.get("PREFLIGHT_WEBHOOK_BACKOFF_SECONDS") or 1.0))
    desk = ApprovalDesk(records, Governance(store), check=None, profile_of=lambda _: None, notify=dispatcher.notify)
    try:
        return act(args, store, desk)
    finally:
        if not dispatcher.flush(WEBHOOK_WAIT_S):
            print("warning: some webhooks were not delivered in time: see `GET /v1/webhooks/deliveries`")


def act(args, store, desk) -> int:
    command = args.approvals_command
    if command == "list":
        if not 1 <= args.limit <= LIST_MAX:
            raise InputError(f"--limit must be from 1 to {LIST_MAX}")
        approvals, _ = desk.listing(args.state, args.limit, None)
        if args.json:
            print(json.dumps([public(a) for a in approvals], ensure_ascii=False, indent=2))
        for approval in [] if args.json else approvals:
            first_line = " ".join(approval["text"].split())[:60]
            print(f"{approval['id']}\t{approval['state']}\t{approval['requested_at']:%Y-%m-%d %H:%M} UTC\t"
                  f"{approval['requested_by']}\t{approval['verdict']}\t{first_line}")
        return 0
    if command == "expire":
        print(f"{desk.expire_due()} request(s) expired")
        return 0
    if command == "show":
        print(json.dumps(public(desk.get(args.id)), ensure_ascii=False, indent=2))
        return 0
    approver = next((key for key in store.list_keys() if key.name == args.key_name and key.revoked_at is None), None)
    if approver is None or not includes(approver.scope, "approve"):
        raise InputError(f"--as {args.key_name!r}: no key of that name with the approve or admin scope")
    decided = desk.decide(args.id, approver.name, command, args.comment, None, getattr(args, "add_to_statements", False))
    print(f"{decided['id']} is {decided['state']}"
          + (f" ({len(decided['decisions'])} of {decided['approvers_needed']} approvals)" if decided["state"] == "pending" else ""))
    return 0
