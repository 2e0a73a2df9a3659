"""Text as a set of character shingles: what near-duplicate detection compares.

Chinese has no word breaks, so the unit is the character: NFKC folds full-width forms, case is
dropped, and everything that is not a letter, digit or ideograph (spaces, punctuation, the tabs
a web form leaves behind) goes. Each bigram of the rest is one shingle, coded exactly as a 32-bit
integer when both characters lie in the Basic Multilingual Plane (almost always), else hashed."""

from __future__ import annotations

import re
import unicodedata
import zlib

import numpy as np
import numpy.typing as npt

Shingles = npt.NDArray[np.uint32]  # sorted, unique

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
EMPTY: Shingles = np.zeros(0, dtype=np.uint32)


def normalize(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def ticket_text(title: str, content: str) -> str:
    """What is compared for a ticket: its title and its content."""
    return f"{title}。{content}"


def _code(pair: str) -> int:
    a = ord(pair[0])
    b = ord(pair[1]) if len(pair) > 1 else 0xFFFF  # a one-character text: the character alone
    if a < 0x10000 and b < 0x10000:
        return (a << 16) | b
    return zlib.crc32(pair.encode("utf-8"))


def shingles(text: str) -> Shingles:
    """The sorted unique character bigrams of the normalised text, as 32-bit codes."""
    t = normalize(text)
    if not t:
        return EMPTY
    if len(t) == 1:
        return np.array([_code(t)], dtype=np.uint32)
    raw = t.encode("utf-16-le")
    if len(raw) == 2 * len(t):  # no surrogate pairs: every character is in the BMP
        cp = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32)
        return _unique((cp[:-1] << np.uint32(16)) | cp[1:])
    return _unique(np.array([_code(t[i:i + 2]) for i in range(len(t) - 1)], dtype=np.uint32))


def _unique(x: npt.NDArray[np.uint32]) -> Shingles:
    """Sorted unique values (sort and compare neighbours: faster than np.unique on small arrays)."""
    x.sort()
    out: Shingles = x[np.concatenate(([True], x[1:] != x[:-1]))]
    return out


def jaccard(a: Shingles, b: Shingles) -> float:
    """Exact Jaccard similarity of two shingle sets (0.0 when either is empty)."""
    if a.size == 0 or b.size == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


def to_bytes(s: Shingles) -> bytes:
    return s.astype("<u4").tobytes()


def from_bytes(raw: bytes) -> Shingles:
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)


def mask_title(title: str) -> str:
    """Another business's title, as a business may see it: the first third (at most 6 characters)."""
    t = title.strip()
    keep = min(6, len(t) // 3)
    return f"{t[:keep]}＊＊＊"
