"""A retrieval index over short Chinese texts: TF-IDF of character uni- and bigrams of the
normalised text (scikit-learn), rows L2-normalised, so a query's score against every document is one
sparse product (cosine similarity). docs/knowledge.md says why character n-grams and not a segmenter.

The vocabulary and the idf are fixed when the index is built; `extended` adds documents with that
vocabulary (new n-grams are not weighed until the next full build), which keeps adding a closed ticket
cheap. The caller rebuilds when the additions grow large (`stale`)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as normalize_rows

from qitong.domain.routing.text import normalize

NGRAMS = (1, 2)
# extend() until the added documents are this share of the documents the idf was computed on
REBUILD_SHARE = 0.25
IDF_FLOOR = 0.05


class TextIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        self.vectorizer = TfidfVectorizer(preprocessor=normalize, analyzer="char", ngram_range=NGRAMS,
                                          sublinear_tf=True, dtype=np.float32)
        self.matrix: Any = None
        self.fitted = self.added = 0
        self._build(texts)

    def _build(self, texts: Sequence[str]) -> None:
        self.fitted, self.added, self.matrix = len(texts), 0, None
        if not texts:
            return
        v = self.vectorizer
        x = v.fit_transform(texts)
        # scikit-learn's idf is ln((1+n)/(1+df)) + 1: an n-gram in every document ("怎么", "企业") still
        # weighs 1. Without the + 1 it weighs (almost) nothing, and a question that shares only such
        # n-grams with an entry no longer matches it. The floor keeps a one-document corpus searchable.
        new_idf = np.maximum(v.idf_ - 1.0, IDF_FLOOR).astype(np.float32)
        x = x @ sparse.diags(new_idf / v.idf_)
        v.idf_ = new_idf
        self.matrix = normalize_rows(x).tocsr()

    def __len__(self) -> int:
        return 0 if self.matrix is None else int(self.matrix.shape[0])

    @property
    def stale(self) -> bool:
        return self.added > max(20, REBUILD_SHARE * self.fitted)

    def extended(self, texts: Sequence[str]) -> TextIndex:
        """A new index: these documents appended (this one is left as it is, for readers holding it)."""
        if self.matrix is None:  # nothing to take a vocabulary from yet: build on these
            return TextIndex(texts)
        out = copy.copy(self)  # the fitted vectorizer is shared: transform() only reads it
        if texts:
            out.matrix = sparse.vstack([self.matrix, self.vectorizer.transform(texts)], format="csr")
            out.added = self.added + len(texts)
        return out

    def scores(self, query: str) -> np.ndarray[Any, Any]:
        """Cosine similarity of `query` to every document, in document order (zeros if empty)."""
        if self.matrix is None or not query.strip():
            return np.zeros(len(self), dtype=np.float32)
        q = self.vectorizer.transform([query])
        return np.asarray((self.matrix @ q.T).toarray()).ravel()


def top(scores: np.ndarray[Any, Any], k: int, min_score: float, allowed: np.ndarray[Any, Any] | None = None,
        ) -> list[tuple[int, float]]:
    """The positions of the `k` best scores at or above `min_score` (among `allowed` ones), best first;
    ties keep document order."""
    s = scores if allowed is None else np.where(allowed, scores, -1.0)
    if k <= 0 or s.size == 0:
        return []
    k = min(k, s.size)
    cand = np.argpartition(-s, k - 1)[:k] if k < s.size else np.arange(s.size)
    cand = cand[np.lexsort((cand, -s[cand]))]
    return [(int(i), float(s[i])) for i in cand if s[i] >= min_score and s[i] > 0]
