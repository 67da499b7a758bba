"""The generated part of rules/README.md: every pack and rule with its examples."""
from __future__ import annotations

from preflight.packs.model import ExampleCase

START = "<!-- generated:start (preflight rules docs) -->"
END = "<!-- generated:end -->"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _example(item) -> str:
    return _cell(item.text if isinstance(item, ExampleCase) else item)


def render_rules(ruleset) -> str:
    """Markdown tables of the packs and their rules, in load order."""
    lines = [START, "", "| pack | version | owner | rules |", "|---|---|---|---|"]
    for pack in ruleset.packs:
        lines.append(f"| `{pack.id}` | {pack.version} | {_cell(pack.model.owner or '')} | {len(pack.rules)} |")
    for pack in ruleset.packs:
        lines += ["", f"### `{pack.id}` — {_cell(pack.title)}", ""]
        if pack.model.description:
            lines += [_cell(pack.model.description), ""]
        lines += ["| rule | severity | languages | message (en) | must match | must not match |", "|---|---|---|---|---|---|"]
        for rule in pack.rules:
            examples = rule.model.examples
            hits = "; ".join(f"{lang}: “{_example(items[0])}”" for lang, items in examples.match.items() if items)
            misses = "; ".join(f"{lang}: “{_example(items[0])}”" for lang, items in examples.no_match.items() if items)
            message = _cell(rule.messages.get("en", next(iter(rule.messages.values()))))
            languages = ", ".join(sorted(rule.languages))
            lines.append(f"| `{rule.id}` | {rule.severity} | {languages} | {message} | {hits} | {misses} |")
    lines += ["", END]
    return "\n".join(lines)


def update_readme(current: str, ruleset) -> str:
    """The README with its generated section replaced (appended when missing)."""
    generated = render_rules(ruleset)
    if START in current and END in current:
        head, rest = current.split(START, 1)
        _, tail = rest.split(END, 1)
        return head + generated + tail
    return current.rstrip() + "\n\n" + generated + "\n"
