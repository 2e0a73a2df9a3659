"""The classifier's hot path gives scikit-learn's own numbers; binary and tiny heads work; save/load."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from qitong.adapters import textclf
from qitong.domain.routing.text import ticket_text
from tests.support.routing_data import samples


def _data(n: int = 12) -> tuple[list[str], list[str]]:
    rows = samples(n)
    return [t + c for _k, t, c in rows], [k for k, _t, _c in rows]


@pytest.mark.parametrize("keep", [3, 2])
def test_top_matches_scikit_learn_probabilities(keep: int) -> None:
    texts, labels = _data()
    classes = sorted(set(labels))[:keep]
    pairs = [(t, y) for t, y in zip(texts, labels, strict=True) if y in classes]
    clf = textclf.TextClassifier().fit([t for t, _ in pairs], [y for _, y in pairs])
    probe = "新厂房施工许可和竣工验收一直办不下来，工程款也拖欠"
    ref = clf._proba(clf.transform([probe]))[0]
    top = clf.top(probe, k=keep)
    assert [p.confidence for p in top] == [round(float(x), 3) for x in sorted(ref, reverse=True)]
    assert top[0].label == ("gcjs" if "gcjs" in classes else top[0].label)
    assert sum(p.confidence for p in top) == pytest.approx(1.0, abs=0.01)
    assert clf.predict([probe]) == [top[0].label]


def test_a_head_too_small_to_calibrate_still_answers() -> None:
    clf = textclf.TextClassifier().fit(["营业执照变更审批超时", "施工许可办理缓慢"], ["spxl", "gcjs"])
    out = clf.top("营业执照审批", k=2)
    assert out[0].label == "spxl" and out[0].confidence > out[1].confidence and "营业" in "".join(out[0].words)
    with pytest.raises(ValueError):
        textclf.TextClassifier().fit(["a", "b"], ["x", "x"])


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    texts, labels = _data()
    m = textclf.train({"category": (texts, labels), "single": (texts, ["x"] * len(texts))}, {"source": "test"})
    assert set(m.heads) == {"category"} and m.meta["heads"] == {"category": len(texts)}
    path = tmp_path / "models" / "routing.joblib"
    textclf.save(m, path)
    back = textclf.load(path)
    assert back is not None and back.meta["source"] == "test"
    probe = "用地指标和不动产登记"
    assert back.suggest(probe)["category"] == m.suggest(probe)["category"]
    f1, acc = textclf.score(back.heads["category"], texts, labels)
    assert f1 > 0.9 and acc > 0.9
    assert textclf.load(tmp_path / "none.joblib") is None
    assert len(back.heads["category"].top("")) == 3  # nothing known in the text: still three answers


def test_the_opening_weighs_on_its_own_and_explanations_name_each_ngram_once() -> None:
    rows = samples(12)
    texts = [ticket_text(t, c) for _k, t, c in rows]
    clf = textclf.TextClassifier().fit(texts, [k for k, _t, _c in rows])
    n_main = len(clf.vectorizer.idf_)
    x = clf.transform([texts[0]])
    assert x.shape[1] == n_main + len(clf.lead_vectorizer.idf_)
    assert x[:, n_main:].nnz > 0 and abs(float(x[:, n_main:].power(2).sum()) ** 0.5 - textclf.LEAD_WEIGHT) < 1e-5
    idx, v = clf._features(texts[0], clf.vectorizer.preprocessor(texts[0]))  # the hot path builds the same vector
    dense = np.zeros(x.shape[1])
    dense[idx] = v
    assert np.allclose(dense, x.toarray()[0], atol=1e-6)
    # the same words, said in the title rather than deep in the body, weigh more
    body = "，".join(["情况如下", "我公司", "影响正常经营", "已经等了很久", "麻烦帮忙"] * 6)
    early = clf.top(ticket_text("施工许可竣工验收", body + "。"), k=3)
    late = clf.top(ticket_text("情况如下", body + "，施工许可竣工验收。"), k=3)
    assert early[0].label == "gcjs"
    gcjs = {p.label: p.confidence for p in late}.get("gcjs", 0.0)
    assert early[0].confidence > gcjs
    words = early[0].words
    assert len(words) == len(set(words)) and any("施工" in w or "验收" in w for w in words)


def test_a_model_file_of_the_previous_format_loads_as_no_model(tmp_path: Path) -> None:
    texts, labels = _data()
    m = textclf.train({"category": (texts, labels)}, {"source": "test"})
    m.format = 1
    path = tmp_path / "old.joblib"
    textclf.save(m, path)
    assert textclf.load(path) is None  # suggestions fall back to keywords until the next training


@pytest.mark.parametrize("ngrams", [(1, 2), (1, 3), (2, 2), (2, 3)])
def test_the_hot_path_builds_scikit_learns_char_ngrams(ngrams: tuple[int, int]) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyze = TfidfVectorizer(analyzer="char", ngram_range=ngrams, preprocessor=lambda s: s).build_analyzer()
    for text in ["", "营", "营业", "施工  许可\n\n和 竣工\t验收", " 前后有空格 ", "ＡＢ0号\u3000\u3000楼", "a  b"]:
        assert textclf._char_grams(text, *ngrams) == analyze(text)


def test_phrases_join_touching_ngrams_and_prefer_longer_ones() -> None:
    text = "营业执照变更迟迟未办。营业执照。期"
    out = textclf._phrases(text, {"营业": 1.0, "执照": 0.8, "变更": 0.5, "期": 2.0}, 3)
    assert out == ("营业执照变更",)  # one run; the lone character only when nothing longer weighs
    assert textclf._phrases("期", {"期": 1.0}, 3) == ("期",)
    long = "老厂房消防整改标准不明确"  # a covered run of 9: its heaviest 8 characters, not its bigrams
    out = textclf._phrases(long, {"老厂": 0.2, "厂房": 0.3, "消防": 1.0, "整改": 0.9, "标准": 0.8, "明确": 0.1}, 3)
    assert out == ("厂房消防整改标准", "明确")
    beyond = "甲乙" * 400 + "营业执照"  # past the window: the n-gram stands on its own
    assert textclf._phrases(beyond, {"营业": 1.0, "甲乙": 0.1}, 3) == ("营业", "甲乙甲乙甲乙甲乙")


def test_explanations_are_chinese_phrases_without_punctuation() -> None:
    texts = ["营业执照变更登记迟迟办不下来，窗口说材料不全。"] * 3 + ["厂区门口道路积水，货车进出困难！"] * 3
    m = textclf.TextClassifier().fit(texts, ["spxl"] * 3 + ["jtys"] * 3)
    words = m.top("营业执照变更登记，材料齐全，窗口不受理。")[0].words
    assert words and all(re.fullmatch(r"[\u4e00-\u9fff]{2,}", w) for w in words), words
