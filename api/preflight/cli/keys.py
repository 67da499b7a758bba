"""`preflight keys`: create, list and revoke API keys from the shell."""
from __future__ import annotations

import sys
from datetime import datetime

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from preflight.storage.models import SCOPES
from preflight.storage.store import Store, StorageError

EXIT_ERROR = 3


def add_keys_parser(subparsers) -> None:
    """Add `keys create|list|revoke` to an argparse subparsers object."""
    keys = subparsers.add_parser("keys", help="create, list or revoke API keys")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    create = actions.add_parser("create", help="create a key and print it; it is shown this once only")
    create.add_argument("--name", required=True, help="a unique name, e.g. the client that will use the key")
    create.add_argument("--scope", required=True, choices=SCOPES, help="check: run checks; approve: also decide approval requests; admin: everything")
    actions.add_parser("list", help="list the keys (never their secrets)")
    revoke = actions.add_parser("revoke", help="revoke a key by name")
    revoke.add_argument("name")


def with_store(database_url: str, action, refusals: tuple[type[Exception], ...] = ()) -> int:
    """Run action(store) against the database and close it; 3 with a message on stderr for what the user must fix."""
    store = None
    try:
        store = Store(database_url)
        return action(store)
    except (StorageError, *refusals) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if store is not None:
            store.dispose()


def run_keys(args, database_url: str) -> int:
    """Run `keys <command>` against the database; 0 on success, 3 with a message on stderr otherwise."""
    return with_store(database_url, lambda store: keys_command(args, store))


def keys_command(args, store: Store) -> int:
    if args.keys_command == "create":
        print(store.create_key(args.name, args.scope))  # alone on stdout, for scripts to capture
        print("Store this key now: it cannot be shown again.", file=sys.stderr)
    elif args.keys_command == "list":
        print_keys(store.list_keys())
    elif not store.revoke_key(args.name):
        raise StorageError(f"no key named {args.name!r}")
    return 0


def print_keys(keys) -> None:
    # Piped output keeps each key on one line for scripts; a terminal gets a table that fits it.
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 1000)
    if not keys:
        out.print("No keys yet: create one with `preflight keys create --name NAME --scope check`.")
        return
    table = Table(box=box.SIMPLE_HEAD, caption="times in UTC")
    # Folded, never cut: the name is what `keys revoke` takes.
    table.add_column("name", overflow="fold", min_width=min(20, max(len(k.name) for k in keys)))
    for heading in ("scope", "prefix", "created", "last used", "revoked"):
        table.add_column(heading, overflow="fold")
    for key in keys:
        table.add_row(escape(key.name), key.scope, f"pf_{key.prefix}", when(key.created_at), when(key.last_used_at),
                      when(key.revoked_at))
    out.print(table)


def when(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M}"
