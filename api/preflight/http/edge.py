"""What every request body must be before a view sees it: well-formed, shallow, and storable text.

A body that cannot be parsed completely is refused (400) rather than read as an empty form, which
would check an empty post and let it pass. Text that a database cannot store (NUL on PostgreSQL, a
lone UTF-16 surrogate anywhere) is refused (422, naming the field) before it can reach a table.
"""
from __future__ import annotations

import json
import re

from flask import Request
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser

from preflight.http.errors import ApiError

MAX_DEPTH = 32
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class StrictFormParser(FormDataParser):
    """Werkzeug's parser, but a malformed multipart body is an error instead of an empty form."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["silent"] = False
        super().__init__(*args, **kwargs)

    def parse(self, stream, mimetype, content_length, options=None):
        try:
            return super().parse(stream, mimetype, content_length, options)
        except ValueError as exc:  # a missing closing boundary, a truncated body, a header not in UTF-8
            raise BadRequest(f"the multipart body is malformed ({exc}): nothing was checked") from None


class StrictRequest(Request):
    form_data_parser_class = StrictFormParser


def unstorable(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    return "contains a NUL character" if found.group() == "\x00" else "contains a lone UTF-16 surrogate (not a character)"


def check_tree(data, root: str = "") -> None:
    """Refuse containers nested deeper than MAX_DEPTH and strings (keys included) that cannot be stored."""
    stack = [(data, root, 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            problem = unstorable(value)
            if problem:
                raise ApiError(422, "invalid_request", f"{path or 'the body'} {problem}", [{"field": path, "message": problem}])
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth >= MAX_DEPTH:
            raise ApiError(400, "bad_request", f"the JSON is nested deeper than {MAX_DEPTH} levels")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            field = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and unstorable(key):
                raise ApiError(422, "invalid_request", f"a key in {path or 'the body'} {unstorable(key)}", [{"field": path}])
            stack.append((item, field, depth + 1))


def load_json(body: bytes):
    """The parsed body, or ApiError 400 when it is not JSON or nests too deeply, 422 for unstorable text."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise ApiError(400, "bad_request", f"the JSON is nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_request", "the body is not valid JSON") from None
    check_tree(data)
    return data
