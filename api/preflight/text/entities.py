"""The patterns of URLs, e-mail addresses, @mentions and hashtags, shared by every reader of a post.

Each pattern may start only where its kind of run starts (a look-behind, or a literal
prefix such as "www."), so a 100,000-character "word" is scanned once, not once from
every position: the matching work stays linear in the length of the text.
"""
from __future__ import annotations

import re

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# Bare domains only with a TLD we expect, so "dag.Vi" (a missing space) is not one.
BARE_DOMAIN_TLDS = ("com", "net", "org", "io", "co", "eu", "shop", "nl", "be", "dk", "se", "no", "de", "at", "ch", "uk")
BARE_DOMAIN_RE = re.compile(r"(?<![\w.-])(?:[\w-]+\.)+(?:" + "|".join(BARE_DOMAIN_TLDS) + r")\b(?:/\S*)?")
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MENTION_RE = re.compile(r"(?<![\w@])@\w{1,50}")
HASHTAG_RE = re.compile(r"(?<![\w#&])[#＃](\w{1,140})")
# Punctuation that ends a URL in running prose rather than belonging to it.
URL_TRAILING = ".,;:!?)]}'\""
