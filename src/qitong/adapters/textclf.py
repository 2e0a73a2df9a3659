"""The routing classifier: TF-IDF over character uni- and bigrams of the normalised text, plus a second,
half-weighted block of the same over the text's opening (the title, `lead`), a linear SVM per head
(ticket type, category, lead department), calibrated to probabilities, explained by the n-grams that
weighed most for the predicted class. Persisted with joblib.

Character n-grams instead of a word segmenter: on the 12345-style messages they score as well as jieba
words (docs/routing.md has the figures) and need no dictionary to maintain. A model file is a pickle:
load only the deployment's own (settings.routing_model_path)."""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy import sparse as sp  # type: ignore[import-untyped]
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

from qitong.domain.routing.text import lead, normalize

FORMAT = 2  # 2: the opening block (lead) joined the features; a format-1 file loads as no model
LEAD_WEIGHT = 0.5  # the opening block's share: its vector is L2-normalised, then scaled by this
_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer folds to one space
_HAN = re.compile(r"[\u3400-\u9fff]+")  # a Chinese n-gram: what an explanation may show


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    words: tuple[str, ...]


class TextClassifier:
    """One head: texts in, labels out, with a confidence and the n-grams behind each answer.

    `fit` uses scikit-learn; `top` (one ticket, the hot path) computes the same numbers directly from
    the fitted vocabulary, idf, weights and calibrators, without scikit-learn's per-call overhead."""

    def __init__(self, c: float = 2.0, ngram_max: int = 2) -> None:
        self.vectorizer = TfidfVectorizer(
            preprocessor=normalize, analyzer="char", ngram_range=(1, ngram_max), sublinear_tf=True,
            dtype=np.float32,
        )
        self.lead_vectorizer = TfidfVectorizer(
            preprocessor=lead, analyzer="char", ngram_range=(1, ngram_max), sublinear_tf=True, dtype=np.float32,
        )
        self.c = c
        self.svm: LinearSVC | None = None
        self.calibrated: CalibratedClassifierCV | None = None
        self.classes: list[str] = []
        self._names: np.ndarray[Any, Any] | None = None
        # the hot path's arrays: one row of weights per class (binary: [-w, w]), sigmoid calibrators
        self._coef: np.ndarray[Any, Any] | None = None
        self._intercept: np.ndarray[Any, Any] | None = None
        self._cal: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]] | None = None

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TextClassifier:
        counts = Counter(labels)
        if len(counts) < 2:
            raise ValueError("训练数据至少需要两个不同的类别")
        x = sp.hstack([self.vectorizer.fit_transform(texts), LEAD_WEIGHT * self.lead_vectorizer.fit_transform(texts)],
                      format="csr")
        y = np.asarray(labels)
        folds = min(3, min(counts.values()))
        svm = LinearSVC(C=self.c, class_weight="balanced")
        if folds >= 2:
            cal = CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False).fit(x, y)
            self.calibrated, self.svm = cal, cal.calibrated_classifiers_[0].estimator
            cals = cal.calibrated_classifiers_[0].calibrators
            self._cal = (np.array([c.a_ for c in cals], dtype=np.float64), np.array([c.b_ for c in cals]))
        else:  # too few examples of some class to calibrate: a softmax of the margins stands in
            self.calibrated, self.svm, self._cal = None, svm.fit(x, y), None
        assert self.svm is not None
        self.classes = [str(c) for c in self.svm.classes_]
        self._names = np.concatenate([self.vectorizer.get_feature_names_out(),
                                      self.lead_vectorizer.get_feature_names_out()])
        coef, icpt = self.svm.coef_, np.atleast_1d(self.svm.intercept_)
        if coef.shape[0] == 1:
            coef, icpt = np.vstack([-coef, coef]), np.concatenate([-icpt, icpt])
        self._coef = np.ascontiguousarray(coef, dtype=np.float32)
        self._intercept = icpt.astype(np.float64)
        return self

    def _proba(self, x: Any) -> np.ndarray[Any, Any]:
        if self.calibrated is not None:
            p: np.ndarray[Any, Any] = self.calibrated.predict_proba(x)
            return p
        assert self.svm is not None
        scores = np.atleast_2d(self.svm.decision_function(x))
        if len(self.classes) == 2:
            scores = np.hstack([-scores.T, scores.T])
        return _softmax(scores)

    def transform(self, texts: Sequence[str]) -> Any:
        """scikit-learn's feature matrix: the whole text's tf-idf, then the opening's × LEAD_WEIGHT."""
        return sp.hstack([self.vectorizer.transform(texts), LEAD_WEIGHT * self.lead_vectorizer.transform(texts)],
                         format="csr")

    def predict(self, texts: Sequence[str]) -> list[str]:
        p = self._proba(self.transform(texts))
        return [self.classes[i] for i in p.argmax(axis=1)]

    def _features(self, text: str, plain: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The text's feature vector as (feature indices, values), as `transform` computes it; `plain` is
        the whole-text block's preprocessing of `text` (the caller keeps it for the explanations)."""
        main, opening = self.vectorizer, self.lead_vectorizer
        idx, v = _tfidf(main, _char_grams(plain, *main.ngram_range))
        lidx, lv = _tfidf(opening, _char_grams(opening.preprocessor(text), *opening.ngram_range))
        return np.concatenate([idx, lidx + len(main.idf_)]), np.concatenate([v, LEAD_WEIGHT * lv])

    def _proba_one(self, idx: np.ndarray[Any, Any], v: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        assert self._coef is not None and self._intercept is not None
        scores = self._coef[:, idx] @ v + self._intercept
        if self._cal is None:
            soft: np.ndarray[Any, Any] = _softmax(scores[None, :])[0]
            return soft
        a, b = self._cal
        if len(self.classes) == 2:
            p1 = float(1.0 / (1.0 + np.exp(a[0] * scores[1] + b[0])))
            return np.array([1.0 - p1, p1])
        p = 1.0 / (1.0 + np.exp(a * scores + b))
        total = p.sum()
        out: np.ndarray[Any, Any] = p / total if total > 0 else np.full_like(p, 1.0 / len(p))
        return out

    def top(self, text: str, k: int = 3, n_words: int = 5) -> list[Prediction]:
        plain = self.vectorizer.preprocessor(text)
        idx, v = self._features(text, plain)
        p = self._proba_one(idx, v)
        order = np.argsort(-p)[:k]
        return [Prediction(self.classes[i], round(float(p[i]), 3), self._explain(plain, idx, v, int(i), n_words))
                for i in order]

    def _explain(self, plain: str, idx: np.ndarray[Any, Any], v: np.ndarray[Any, Any], cls: int,
                 n: int) -> tuple[str, ...]:
        """What weighed most towards class `cls`, as a person reads it: the Chinese n-grams of this text
        with the largest weight × tf-idf, joined where they touch in the text into the phrase they are
        part of ("营业" + "执照" → "营业执照"); no punctuation, placeholders or cross-phrase fragments."""
        assert self._coef is not None and self._names is not None
        contrib = v * self._coef[cls, idx]
        weight: dict[str, float] = {}
        for j in np.argsort(-contrib)[: n * 3]:
            if contrib[j] > 0 and _HAN.fullmatch(w := str(self._names[idx[j]])):
                weight[w] = weight.get(w, 0.0) + float(contrib[j])
        return _phrases(plain, weight, n)


def _phrases(text: str, weight: dict[str, float], n: int, longest: int = 8, window: int = 600) -> tuple[str, ...]:
    """The runs of `text` the weighing n-grams cover, scored by the weight of the n-grams inside, best
    first; a run longer than `longest` gives its heaviest `longest` characters, and single characters
    come only when nothing longer weighs. Only the first `window` characters are read (the title and the start
    of the body say the matter; a long body would cost time for the same phrases): an n-gram found only
    later stands on its own."""
    text = text[:window]
    mark = bytearray(len(text))
    alone: dict[str, float] = {}
    for w in weight:
        at, seen = text.find(w), 0
        if at < 0:
            alone[w] = weight[w]
        while at >= 0 and seen < 4:  # a phrase repeats: its first occurrences are enough
            mark[at:at + len(w)] = b"\x01" * len(w)
            at, seen = text.find(w, at + 1), seen + 1
    score: dict[str, float] = dict(alone)
    at = mark.find(1)
    while at >= 0:  # from one covered run to the next, skipping the rest at C speed
        end = mark.find(0, at)
        run = text[at:end if end >= 0 else len(text)]
        at = mark.find(1, at + len(run))
        part = run if len(run) <= longest else _best_window(run, weight, longest)
        score[part] = max(score.get(part, 0.0), sum(x for w, x in weight.items() if w in part))
    ranked: list[str] = []
    for w in sorted(score, key=lambda w: (-score[w], -len(w))):
        if not any(w in o for o in ranked):  # "营业执照" again inside "营业执照变更": said already
            ranked.append(w)
    longer = [w for w in ranked if len(w) > 1]
    return tuple((longer or ranked)[:n])


def _best_window(run: str, weight: dict[str, float], width: int) -> str:
    """The `width` characters of a long covered run holding the most weight (a phrase, not its bigrams)."""
    run = run[:4 * width]  # a run this long is rare; its start is where the text says the matter

    def held(i: int) -> float:
        part = run[i:i + width]
        return sum(x for w, x in weight.items() if w in part)
    return run[max(range(len(run) - width + 1), key=held):][:width]


def _char_grams(text: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's `analyzer="char"` n-grams (`lo`..`hi` characters) of a preprocessed text, the same list
    in the same order (tested), built by C-level loops rather than scikit-learn's per-n-gram Python loop."""
    t = _WHITE_SPACES.sub(" ", text)
    grams: list[str] = []
    for n in range(lo, hi + 1):
        grams.extend(t if n == 1 else map("".join, zip(*(t[k:] for k in range(n)), strict=False)))
    return grams


def _tfidf(vectorizer: TfidfVectorizer, grams: list[str]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """(indices, values) of one text's n-grams under a fitted vectorizer: sublinear tf × idf, L2-normalised.
    Every n-gram is looked up once (no Counter of strings first), the counts come from the indices."""
    ids = np.fromiter(map(vectorizer.vocabulary_.get, grams, repeat(-1)), dtype=np.int64, count=len(grams))
    idx, tf = np.unique(ids[ids >= 0], return_counts=True)
    v = (1.0 + np.log(tf)) * vectorizer.idf_[idx]
    norm = float(np.sqrt(v @ v))
    return idx, (v / norm if norm else v)


def _softmax(scores: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    e = np.exp(3.0 * (scores - scores.max(axis=1, keepdims=True)))
    out: np.ndarray[Any, Any] = e / e.sum(axis=1, keepdims=True)
    return out


@dataclass
class RoutingModel:
    """The three heads and where they came from."""

    heads: dict[str, TextClassifier] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    format: int = FORMAT

    def suggest(self, text: str, k: int = 3) -> dict[str, list[Prediction]]:
        return {name: h.top(text, k) for name, h in self.heads.items()}


def train(data: Mapping[str, tuple[Sequence[str], Sequence[str]]], meta: Mapping[str, Any]) -> RoutingModel:
    """`data`: head name → (texts, labels). A head with fewer than two classes is left out."""
    m = RoutingModel(meta=dict(meta))
    for name, (texts, labels) in data.items():
        if len(set(labels)) >= 2:
            m.heads[name] = TextClassifier().fit(texts, labels)
    m.meta["heads"] = {n: len(data[n][0]) for n in m.heads}
    return m


def score(clf: TextClassifier, texts: Sequence[str], labels: Sequence[str]) -> tuple[float, float]:
    """(macro-F1, accuracy) of a head on labelled texts."""
    pred = clf.predict(texts)
    return float(f1_score(labels, pred, average="macro")), float(accuracy_score(labels, pred))


def save(model: RoutingModel, path: Path) -> None:
    """Atomically: a worker retraining never leaves a half-written file for the web to load."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".routing-", suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(model, tmp, compress=3)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load(path: Path) -> RoutingModel | None:
    if not path.exists():
        return None
    m = joblib.load(path)
    if not isinstance(m, RoutingModel) or m.format != FORMAT:
        return None
    return m
