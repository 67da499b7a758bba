"""`regex`: patterns for structured data, compiled with RE2 so that none can hang a check."""
from __future__ import annotations

import re2

from preflight.matchers.contacts import is_own, reading_regions
from preflight.matchers.base import Context, Hit
from preflight.matchers.validators import CHECKS, phone


def compile_regex(pattern: str, ignore_case: bool) -> tuple[object | None, str | None]:
    """The compiled pattern, or the reason RE2 refuses it."""
    options = re2.Options()
    options.log_errors = False  # the loader reports the error itself, with file and line
    options.case_sensitive = not ignore_case
    try:
        return re2.compile(pattern, options), None
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        return None, str(reason)


class RegexMatcher:
    """Matches on the original text; `check` keeps only numbers whose checksum is valid."""

    def __init__(self, compiled, check: str | None) -> None:
        self.compiled = compiled
        self.check = CHECKS[check] if check else None
        self.regional = check == "phone"

    def triggers(self) -> None:
        return None

    def find(self, ctx: Context) -> list[Hit]:
        post = ctx.post
        text = ctx.cache.get("safe_text")
        if text is None:
            text = ctx.cache["safe_text"] = _encodable(post.text)
        out = []
        for m in self.compiled.finditer(text):
            start, end = m.start(), m.end()
            if start == end:
                continue
            sent = post.sentence_of(start)
            if self.regional:
                language = post.sentences[sent][2] if post.sentences else post.language
                if not phone(m.group(), reading_regions(ctx.profile, language)):
                    continue
            elif self.check is not None and not self.check(m.group()):
                continue
            # The brand's own helpline, addresses and site are never someone's private data.
            if ctx.profile is not None and is_own(ctx, start, end):
                continue
            out.append(Hit(start, end, sent))
        return out


def _encodable(text: str) -> str:
    """The text with lone surrogates replaced one for one, so offsets stay the same."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
