"""YAML reading that keeps each key's line and column, for errors a policy owner can act on."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from preflight.errors import Problem

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
# The line breaks YAML counts, so a mark's line is the same line here.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def read_yaml(path: Path, display: str) -> tuple[object, Marks, list[Problem]]:
    """Data, the position of every key and list item, and problems (syntax, duplicate keys)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, {}, [Problem(display, 1, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, {}, [Problem(display, 1, 1, f"cannot read the file: {exc.strerror}")]
    try:
        loader = PackLoader(text)
    except yaml.reader.ReaderError as exc:  # the whole text is checked for control characters before any parsing
        before = text[: exc.position]
        line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
        return None, {}, [Problem(display, line, col, f"Line {line} holds an invisible control character "
                                  f"(U+{exc.character:04X}) that YAML does not allow: delete it, or retype the line.")]
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, [Problem(display, 1, 1, "The file is empty (or holds only comments). Write its keys in it, "
                                                     "or delete the file.")]
        marks: Marks = {(): (node.start_mark.line + 1, node.start_mark.column + 1)}
        problems: list[Problem] = []
        _walk(node, (), marks, problems, display)
        data = loader.construct_document(node)
    except Refused as exc:
        mark = exc.problem_mark
        return None, {}, [Problem(display, mark.line + 1, mark.column + 1, exc.problem)]
    except yaml.MarkedYAMLError as exc:
        line, col, message = explain(exc, LINE_BREAK.split(text))
        return None, {}, [Problem(display, line, col, message)]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(display, 1, 1, f"YAML cannot read this file ({exc})")]
    finally:
        loader.dispose()
    return data, marks, problems


def _walk(node, path: tuple, marks: Marks, problems: list[Problem], display: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # a list or mapping as a key: building the data refuses it, with its line
            key = key_node.value
            here = path + (key,)
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key in seen:
                problems.append(Problem(display, line, col, f"Line {line} repeats the key '{key}', already set on line "
                                        f"{seen[key]} in the same block, and YAML would silently keep only the last one. "
                                        "Keep one of them, or, if they belong to different rules, start a new rule with '- id:'."))
            else:
                seen[key] = line
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


# What PyYAML says when it gives up is about its own state ("expected <block end>"), often on a later
# line than the mistake. A policy owner needs the line to change and the change to make, so each kind of
# mistake is recognised from the exception and the text around its marks.

def explain(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, int, str]:
    """(line, column, plain message) for a YAML syntax error, both 1-based."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    row, col = (mark.line, mark.column) if mark else (0, 0)
    start = exc.context_mark
    text = lines[row] if row < len(lines) else ""
    if "'\\t'" in problem:
        return _tab(lines, row)
    if "escape" in problem:
        return row + 1, col + 1, (f"Line {row + 1} has a backslash that YAML does not know inside double quotes. "
                                  "Write two backslashes (\\\\) for one, or put the value in single quotes instead.")
    if "unhashable key" in problem:
        return row + 1, col + 1, (f"Line {row + 1} uses a list or a set of keys as a key. A key is a word before "
                                  "': '; if the brackets belong to the value, put them after the key and the colon.")
    if "cannot start any token" in problem:
        return _stray(lines, row, col)
    if start is not None and context.startswith(("while scanning a quoted", "while parsing a flow")):
        unclosed = _unclosed_quote(lines, start.line, row)
        if unclosed:
            return unclosed
        if context.startswith("while scanning a quoted"):
            return _quote_at(lines, start.line, start.column)
        if not context.startswith("while parsing a flow node"):
            return _unclosed_bracket(lines, start)
    if start is not None and context.startswith(("while scanning an anchor", "while scanning an alias", "while scanning a tag",
                                                 "while scanning a block scalar", "while scanning a directive",
                                                 "while parsing a tag", "while constructing")):
        return _stray(lines, start.line, start.column)
    if problem.startswith(("expected the node content", "could not determine a constructor")):
        return _stray(lines, row, col)
    if "could not find expected ':'" in problem and start is not None:
        return _no_colon(lines, start.line)
    if "sequence entries are not allowed" in problem:
        return row + 1, col + 1, (f"Line {row + 1} has a list item ('- ') on the same line as its key. Start each "
                                  "item on a line of its own, indented under the key, or write the list as [a, b].")
    if "mapping values are not allowed" in problem:
        return _extra_colon_or_indent(lines, row, col)
    if problem.startswith("expected <block end>"):
        before = text[:col].rstrip()
        if "'<scalar>'" in problem and before[-1:] in ("'", '"'):
            # A quote left open further up runs on to the next quote, here: that earlier line is the mistake.
            return _unclosed_quote(lines, start.line if start else 0, row - 1) or (row + 1, col + 1, (
                f"Line {row + 1} has more text after the closing quote. Put the whole value inside the quotes."))
        if "'-'" in problem:
            return row + 1, col + 1, (f"Line {row + 1} is a list item ('- ') among keys ('key: value'). Write it as "
                                      "'key: value' like the lines around it, or indent it under the key that holds the list.")
        return _indent(lines, row)
    detail = " ".join(filter(None, [context, problem]))
    return row + 1, col + 1, (f"Line {row + 1} cannot be read: check its indentation, quotes and brackets against "
                              f"the lines around it. (YAML: {detail})")


def _stray(lines: list[str], row: int, col: int) -> tuple[int, int, str]:
    text = lines[row] if row < len(lines) else ""
    char = text[col] if col < len(text) else "?"
    return row + 1, col + 1, (f"Line {row + 1} has '{char}' where a value starts, and YAML does not allow that "
                              f"character there. Put the whole value in quotes (\"{char}…\"), or remove the character.")


def _tab(lines: list[str], row: int) -> tuple[int, int, str]:
    for index, text in enumerate(lines[: row + 1]):
        indent = text[: len(text) - len(text.lstrip(" \t"))]
        if "\t" in indent and text.strip():
            return index + 1, indent.index("\t") + 1, (
                f"Line {index + 1} is indented with a tab. YAML needs spaces: replace the tab with spaces, "
                "the same number as the lines around it.")
    text = lines[row] if row < len(lines) else ""
    return row + 1, text.find("\t") + 1 or 1, (f"Line {row + 1} has a tab where YAML expects spaces. "
                                               "Replace the tab with spaces.")


def _key_column(text: str) -> int:
    """0-based column where the line's key starts, after any '- ' list markers."""
    stripped = text.lstrip(" ")
    column = len(text) - len(stripped)
    while stripped.startswith("- "):
        rest = stripped[2:].lstrip(" ")
        column += len(stripped) - len(rest)
        stripped = rest
    return column


def _key(text: str) -> str:
    return text[_key_column(text):].split(":", 1)[0].strip() or text.strip()


def _previous(lines: list[str], row: int) -> int | None:
    """The nearest line above `row` with content, comments and blank lines skipped."""
    for index in range(min(row, len(lines)) - 1, -1, -1):
        if lines[index].strip() and not lines[index].lstrip().startswith("#"):
            return index
    return None


def _indent(lines: list[str], row: int) -> tuple[int, int, str]:
    text = lines[row] if row < len(lines) else ""
    column = _key_column(text)
    above = _previous(lines, row)
    if above is None:
        return row + 1, column + 1, (f"Line {row + 1} is indented, but it is the first line: "
                                     "start it in column 1.")
    wanted = _key_column(lines[above])
    how = "less" if column < wanted else "more"
    return row + 1, column + 1, (
        f"Line {row + 1} is indented {how} than line {above + 1} above it: '{_key(text)}' starts in column "
        f"{column + 1}, '{_key(lines[above])}' in column {wanted + 1}. Keys of the same block start in the same "
        f"column: move it to column {wanted + 1}, or to the column of the block it belongs to.")


# `key: value` with the value started: a further ': ' on the line is inside the value.
KEY_AND_VALUE = re.compile(r"^\s*(?:-\s+)*([^\s:#'\"][^:#]*?):\s+(\S.*)$")


def _extra_colon_or_indent(lines: list[str], row: int, col: int) -> tuple[int, int, str]:
    text = lines[row] if row < len(lines) else ""
    found = KEY_AND_VALUE.match(text[:col])
    if found:
        key, value = found.group(1), text[found.start(2):].strip()
        return row + 1, found.start(2) + 1, (
            f"Line {row + 1} has a second colon in the value of '{key}', and YAML reads 'word: ' as a new key. "
            f"Put the value in quotes: {key}: \"{value}\"")
    return _indent(lines, row)


def _no_colon(lines: list[str], row: int) -> tuple[int, int, str]:
    text = lines[row] if row < len(lines) else ""
    glued = re.match(r"^\s*(?:-\s+)*([\w.-]+):(\S.*)$", text)
    if glued:
        key, value = glued.group(1), glued.group(2)
        return row + 1, glued.end(1) + 2, (f"Line {row + 1} needs a space after the colon: write "
                                           f"'{key}: {value}', not '{key}:{value}'.")
    return row + 1, _key_column(text) + 1, (
        f"Line {row + 1} is neither 'key: value' nor a list item ('- …'). Add the missing 'key: ' or ': ', "
        "or join it to the value on the line above by indenting it further.")


def _unclosed_quote(lines: list[str], first: int, last: int) -> tuple[int, int, str] | None:
    for row in range(first, min(last, len(lines) - 1) + 1):
        column = _open_quote(lines[row])
        if column is not None:
            return _quote_at(lines, row, column)
    return None


def _quote_at(lines: list[str], row: int, column: int) -> tuple[int, int, str]:
    text = lines[row] if row < len(lines) else ""
    quote = text[column] if column < len(text) else '"'
    return row + 1, column + 1, (f"Line {row + 1} opens a quote ({quote}) in column {column + 1} that is never "
                                 f"closed. Add the closing {quote} at the end of the value.")


def _open_quote(text: str) -> int | None:
    """Column of a quote that starts a value on this line and does not end on it."""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "#" and (index == 0 or text[index - 1] in " \t"):
            return None
        if char in "\"'" and (index == 0 or text[index - 1] in " \t[{,"):
            end = index + 1
            while end < len(text):
                if char == '"' and text[end] == "\\":
                    end += 2
                    continue
                if text[end] == char:
                    if char == "'" and text[end + 1: end + 2] == "'":
                        end += 2
                        continue
                    break
                end += 1
            else:
                return index
            index = end
        index += 1
    return None


def _unclosed_bracket(lines: list[str], start) -> tuple[int, int, str]:
    text = lines[start.line] if start.line < len(lines) else ""
    # The parser marks the bracket itself, or an entry inside it: the nearest bracket before the mark opened it.
    column = max(text.rfind("[", 0, start.column + 1), text.rfind("{", 0, start.column + 1))
    if column < 0:
        return start.line + 1, start.column + 1, (
            f"Line {start.line + 1} is inside brackets that are not closed where they should be. Check that each '[' "
            "has its ']' and each '{' its '}', with commas between the items.")
    opener = text[column]
    closer, what = ("]", "list") if opener == "[" else ("}", "set of keys")
    return start.line + 1, column + 1, (
        f"Line {start.line + 1} opens a {what} with '{opener}' in column {column + 1} that is not closed "
        f"where it should be. Add '{closer}' at its end, and check the commas between its items.")
