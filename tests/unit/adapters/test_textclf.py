"""The classifier's hot path gives scikit-learn's own numbers; binary and tiny heads work; save/load."""

from __future__ import annotations

from pathlib import Path

import pytest

from qitong.adapters import textclf
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
    ref = clf._proba(clf.vectorizer.transform([probe]))[0]
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
