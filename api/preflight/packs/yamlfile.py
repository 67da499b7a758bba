"""YAML reading that keeps each key's line and column, for errors a policy owner can act on."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import Problem

BOOL_TAG = "tag:yaml.org,2002:bool"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


# A pack needs a handful of levels; hundreds only exhaust the stack of every later step.
MAX_DEPTH = 50


class Refused(yaml.MarkedYAMLError):
    """Valid YAML that a pack may not use: an alias, or nesting beyond MAX_DEPTH."""


class PackLoader(yaml.SafeLoader):
    """YAML 1.2 booleans only: `no`, `on`, `yes` and `off` stay words (Norway is `no`); no aliases.

    An alias repeats a node without repeating its text, so nine nested aliases of ten
    items each stand for a billion items: every later step (checks, validation,
    compiling) would walk them all. Packs are written out in full instead.
    """

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise Refused(problem=f"aliases are not allowed in packs (*{event.anchor}): write the value out in full",
                          problem_mark=event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise Refused(problem=f"nested more than {MAX_DEPTH} levels deep: a pack needs only a few",
                          problem_mark=event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


PackLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (BOOL_TAG, TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PackLoader.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

Marks = dict[tuple, tuple[int, int]]


def read_yaml(path: Path, display: str) -> tuple[object, Marks, list[Problem]]:
    """Data, the position of every key and list item, and problems (syntax, duplicate keys)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, {}, [Problem(display, 1, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, {}, [Problem(display, 1, 1, f"cannot read the file: {exc.strerror}")]
    loader = PackLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, [Problem(display, 1, 1, "the file is empty")]
        marks: Marks = {(): (node.start_mark.line + 1, node.start_mark.column + 1)}
        problems: list[Problem] = []
        _walk(node, (), marks, problems, display)
        data = loader.construct_document(node)
    except Refused as exc:
        mark = exc.problem_mark
        return None, {}, [Problem(display, mark.line + 1, mark.column + 1, exc.problem)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(filter(None, [exc.context, exc.problem]))
        return None, {}, [Problem(display, line, col, f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(display, 1, 1, f"YAML error: {exc}")]
    finally:
        loader.dispose()
    return data, marks, problems


def _walk(node, path: tuple, marks: Marks, problems: list[Problem], display: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            here = path + (key,)
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key in seen:
                problems.append(Problem(display, line, col, f"duplicate key '{key}': the later one would silently win"))
            seen.add(key)
            marks[here] = (line, col)
            _walk(value_node, here, marks, problems, display)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            here = path + (index,)
            marks[here] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _walk(item, here, marks, problems, display)


def locate(marks: Marks, loc: tuple) -> tuple[int, int]:
    """Line and column of the deepest part of `loc` that exists in the file."""
    path: tuple = ()
    best = marks.get((), (1, 1))
    for part in loc:
        candidate = path + (part,)
        if candidate in marks:
            path = candidate
            best = marks[candidate]
    return best
