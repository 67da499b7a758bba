"""Hashed character and word n-grams of a normalised text: the same code trains and scores.

Normalisation removes what tweets have and brand posts do not (mentions, links, RT
markers, dataset placeholders), folds case and accents so that related languages share
n-grams (German "schön" and Dutch "schoon" meet at "scho"), and keeps letters only.
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from functools import lru_cache

import numpy as np

CHAR_SIZES = (2, 3, 4, 5)
# Odd 64-bit constants for the polynomial rolling hash and for Fibonacci hashing into buckets.
POLY = np.uint64(0x100000001B3)
MIX = np.uint64(0x9E3779B97F4A7C15)
SIZE_SALT = {size: np.uint64(0xC2B2AE3D27D4EB4F * size % 2**64) for size in CHAR_SIZES}
WORD_SALT = 0x5BD1E995

PLACEHOLDER_RE = re.compile(r"(?:^|\s)rt(?=\s)|@\w+|https?://\S+|www\.\S+|\burl\b|\buser\b")
# Substrings without which PLACEHOLDER_RE cannot match: most sentences skip the regex.
PLACEHOLDER_HINTS = ("rt ", "@", "http", "www.", "url", "user")
LETTERS_RE = re.compile(r"[^\W\d_]+")
STRETCH_RE = re.compile(r"(.)\1{2,}")
COMBINING_RE = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "œ": "oe", "ł": "l", "đ": "d"})


def normalise(text: str) -> str:
    """Lower-case letters of the words, accents removed, stretched letters cut to two, one space apart."""
    text = text.casefold()
    if any(hint in text for hint in PLACEHOLDER_HINTS):
        text = PLACEHOLDER_RE.sub(" ", text)
    text = text.translate(FOLD)
    if not text.isascii():
        text = COMBINING_RE.sub("", unicodedata.normalize("NFKD", text))
    text = STRETCH_RE.sub(r"\1\1", text)
    return " ".join(LETTERS_RE.findall(text))


def _char_grams(norms: list[str], bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(text number, bucket) of every character n-gram of every " text ", all texts in one pass.

    The texts are joined with NUL between them and an n-gram that would reach over a NUL is
    dropped, so the cost is a fixed number of numpy calls whether a post has one sentence or ten.
    Each size's rolling hash extends the previous size's by one character.
    """
    joined = "\0".join(f" {norm} " for norm in norms)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == 0
    text_of = np.cumsum(is_sep)
    shift = np.uint64(64 - bits)
    rows, buckets = [], []
    rolling = codes
    for size in range(2, max(CHAR_SIZES) + 1):
        count = len(codes) - size + 1
        if count <= 0:
            break
        rolling = rolling[:count] * POLY + codes[size - 1:]
        if size not in CHAR_SIZES:
            continue
        inside = (text_of[size - 1:] == text_of[:count]) & ~is_sep[:count]
        rows.append(text_of[:count][inside])
        buckets.append(((rolling[inside] + SIZE_SALT[size]) * MIX) >> shift)
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(rows), np.concatenate(buckets)


def _word_grams(norms: list[str], bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(text number, bucket) of every word and pair of neighbouring words."""
    mask = (1 << bits) - 1
    rows, buckets = [], []
    for row, norm in enumerate(norms):
        words = norm.split()
        grams = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
        rows += [row] * len(grams)
        buckets += [zlib.crc32(gram.encode(), WORD_SALT) & mask for gram in grams]
    return np.array(rows, dtype=np.int64), np.array(buckets, dtype=np.uint64)


@lru_cache(maxsize=64)
def _domain_salt(domain: str | None, bits: int) -> int:
    return zlib.crc32(domain.encode()) << bits if domain else 0


def _domain_salts(domains: list[str | None], bits: int) -> np.ndarray:
    return np.array([_domain_salt(d, bits) for d in domains], dtype=np.uint64)


def batch_features(texts: list[str], bits: int, domains: list[str | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(text number, bucket, value) of several raw texts: L2-normalised log counts.

    A text's `domain` (its language) adds every feature again in buckets of that language's own,
    so the fit splits what languages share from what they do not. A text without letters has no features.
    """
    norms = [normalise(text) for text in texts]
    keep = [i for i, norm in enumerate(norms) if norm]
    if not keep:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    kept = [norms[i] for i in keep]
    char_rows, char_buckets = _char_grams(kept, bits)
    word_rows, word_buckets = _word_grams(kept, bits)
    rows = np.concatenate([char_rows.astype(np.int64), word_rows])
    buckets = np.concatenate([char_buckets, word_buckets]).astype(np.int64)
    keys, counts = np.unique((rows << bits) | buckets, return_counts=True)
    rows, buckets = keys >> bits, keys & ((1 << bits) - 1)
    salts = _domain_salts([domains[i] for i in keep], bits)
    # A post's sentences usually all have a domain: then every feature is copied, and no mask is needed.
    own = slice(None) if salts.all() else salts[rows] != 0
    if isinstance(own, slice) or own.any():
        copies = ((buckets[own].astype(np.uint64) ^ salts[rows[own]]) * MIX) >> np.uint64(64 - bits)
        rows = np.concatenate([rows, rows[own]])
        buckets = np.concatenate([buckets, copies.astype(np.int64)])
        counts = np.concatenate([counts, counts[own]])
    values = np.log1p(counts)
    norms_by_row = np.sqrt(np.bincount(rows, values * values, minlength=len(keep)))
    texts_of = rows if len(keep) == len(texts) else np.array(keep, dtype=np.int64)[rows]
    return texts_of, buckets, values / norms_by_row[rows]


def features(text: str, bits: int, domain: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(bucket indices, values) of one raw text."""
    _, buckets, values = batch_features([text], bits, [domain])
    return buckets, values
