"""Text normalisation for routing: the classifier reads character n-grams of what this returns.

Chinese needs no segmenter for this (character uni- and bigrams carry the words); what does hurt is
noise that says nothing about the matter: anonymised place codes ("A市", "B9县"), numbers, full-width
forms. NFKC folds full-width letters and digits; letter codes and numbers become one placeholder each."""

from __future__ import annotations

import re
import unicodedata

_CODE = re.compile(r"[A-Za-z]+\d*")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    t = _CODE.sub("Ａ", t)
    t = _NUM.sub("0", t)
    return _SPACE.sub(" ", t).strip()


LEAD_CHARS = 20


def lead(text: str, n: int = LEAD_CHARS) -> str:
    """The opening of a `ticket_text`, normalised: the title once, then the start of the body, `n`
    characters in all. Where a channel fused title and body into one text (no title), its first `n`
    characters, which is where the matter is said in brief. Only the text's start is normalised (the
    doubled title and 8 × `n` characters more): a long body costs nothing here."""
    title = text.partition("。")[0]
    t = normalize(text[: 2 * len(title) + 2 + 8 * n])
    first, sep, rest = t.partition("。")
    if sep and first and rest.startswith(first + "。"):  # ticket_text's doubled title
        t = first + "。" + rest[len(first) + 1 :]
    return t.lstrip("。")[:n]


def ticket_text(title: str, content: str) -> str:
    """What the classifier reads for a ticket: the title counts twice (it is the matter in brief)."""
    return f"{title}。{title}。{content}"
