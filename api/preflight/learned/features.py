"""Hashed character and word n-grams of a normalised text: the same code trains and scores.

Normalisation removes what tweets have and brand posts do not (mentions, links, RT
markers, dataset placeholders), folds case and accents so that related languages share
n-grams (German "schön" and Dutch "schoon" meet at "scho"), and keeps letters only.
"""
from __future__ import annotations

import re
import unicodedata
import zlib

import numpy as np

CHAR_SIZES = (2, 3, 4, 5)
# Odd 64-bit constants for the polynomial rolling hash and for Fibonacci hashing into buckets.
POLY = np.uint64(0x100000001B3)
MIX = np.uint64(0x9E3779B97F4A7C15)
SIZE_SALT = {size: np.uint64(0xC2B2AE3D27D4EB4F * size % 2**64) for size in (1, 2, 3, 4, 5, 6)}
WORD_SALT = 0x5BD1E995

PLACEHOLDER_RE = re.compile(r"(?:^|\s)rt(?=\s)|@\w+|https?://\S+|www\.\S+|\burl\b|\buser\b", re.IGNORECASE)
LETTERS_RE = re.compile(r"[^\W\d_]+")
STRETCH_RE = re.compile(r"(.)\1{2,}")
FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "œ": "oe", "ł": "l", "đ": "d"})


def normalise(text: str) -> str:
    """Lower-case letters of the words, accents removed, stretched letters cut to two, one space apart."""
    text = PLACEHOLDER_RE.sub(" ", text)
    text = unicodedata.normalize("NFKD", text.casefold().translate(FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(FOLD)
    text = STRETCH_RE.sub(r"\1\1", text)
    return " ".join(LETTERS_RE.findall(text))


def char_buckets(text: str, bits: int) -> np.ndarray:
    """Bucket of every character n-gram of " text " for each size in CHAR_SIZES."""
    padded = f" {text} "
    codes = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    shift = np.uint64(64 - bits)
    parts = []
    for size in CHAR_SIZES:
        count = len(codes) - size + 1
        if count <= 0:
            continue
        rolling = np.full(count, SIZE_SALT[size], dtype=np.uint64)
        for offset in range(size):
            rolling = rolling * POLY + codes[offset:offset + count]
        parts.append((rolling * MIX) >> shift)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def word_buckets(text: str, bits: int) -> np.ndarray:
    """Bucket of every word and pair of neighbouring words."""
    words = text.split()
    grams = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    mask = (1 << bits) - 1
    return np.array([zlib.crc32(g.encode(), WORD_SALT) & mask for g in grams], dtype=np.uint64)


def features(text: str, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(sorted bucket indices, L2-normalised log counts) of a raw text."""
    norm = normalise(text)
    if not norm:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    buckets = np.concatenate([char_buckets(norm, bits), word_buckets(norm, bits)])
    index, counts = np.unique(buckets.astype(np.int64), return_counts=True)
    values = np.log1p(counts)
    return index, values / np.sqrt(values @ values)
