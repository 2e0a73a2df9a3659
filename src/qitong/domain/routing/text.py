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


def ticket_text(title: str, content: str) -> str:
    """What the classifier reads for a ticket: the title counts twice (it is the matter in brief)."""
    return f"{title}。{title}。{content}"
