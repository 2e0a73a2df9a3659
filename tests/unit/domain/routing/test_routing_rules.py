from __future__ import annotations

from datetime import date

import pytest

from qitong.domain.errors import Conflict, InvalidInput
from qitong.domain.routing.coldstart import guess_type, score_keywords
from qitong.domain.routing.responsibility import Period, check_period, in_force, place
from qitong.domain.routing.text import lead, normalize, ticket_text


def test_normalize_folds_place_codes_numbers_and_full_width() -> None:
    assert normalize("A市B9县 营业执照 办了 30 天，ＡＢＣ１２") == "Ａ市Ａ县 营业执照 办了 0 天,Ａ"
    assert ticket_text("标题", "内容") == "标题。标题。内容"


def test_lead_is_the_title_once_then_the_body_normalised_and_cut() -> None:
    assert lead(ticket_text("B9县营业执照", "办了 30 天还没办好，请帮忙催一下")) == "Ａ县营业执照。办了 0 天还没办好,请帮"
    assert lead(ticket_text("", "咨询人才入户购房资格问题厅长您好，有点困扰")) == "咨询人才入户购房资格问题厅长您好,有点困"
    assert lead("施工许可。办理缓慢", n=4) == "施工许可"  # not a doubled title: the text as it is
    assert lead("") == "" and lead("。。") == ""


V1 = Period(1, 1, date(2026, 1, 1), date(2026, 6, 30))
V2 = Period(2, 2, date(2026, 7, 1), None)


def test_in_force_picks_the_version_covering_the_day() -> None:
    assert in_force([V1, V2], date(2026, 3, 1)) == V1
    assert in_force([V1, V2], date(2026, 6, 30)) == V1
    assert in_force([V1, V2], date(2027, 1, 1)) == V2
    assert in_force([V1, V2], date(2025, 12, 31)) is None
    overlapping = Period(3, 3, date(2026, 3, 1), date(2026, 3, 31))
    assert in_force([V1, overlapping], date(2026, 3, 15)) == overlapping


def test_place_closes_an_open_ended_predecessor_and_refuses_other_overlaps() -> None:
    closed = place([V1, V2], date(2027, 1, 1), None)
    assert closed == Period(2, 2, date(2026, 7, 1), date(2026, 12, 31))
    assert place([V1], date(2026, 7, 1), None) is None
    with pytest.raises(Conflict, match="第 1 版"):
        place([V1, V2], date(2026, 5, 1), date(2026, 5, 31))
    with pytest.raises(Conflict):
        place([V2], date(2026, 7, 1), None)  # same start: not a successor
    assert place([V1], date(2026, 5, 1), None, ignore=1) is None
    with pytest.raises(InvalidInput):
        check_period(date(2026, 2, 1), date(2026, 1, 1))


def test_keyword_scores_rank_by_hits_and_never_claim_certainty() -> None:
    table = {"jsgc": ["施工许可", "工程款"], "spxl": ["营业执照", "审批"], "none": ["土地"]}
    out = score_keywords("营业执照变更审批超时，另有工程款拖欠", table)
    assert [x.label for x in out] == ["spxl", "jsgc"]
    assert out[0].words == ("营业执照", "审批")
    assert 0 < out[0].confidence < 0.85 and sum(x.confidence for x in out) == pytest.approx(0.85, abs=0.01)
    assert score_keywords("无关内容", table) == []


def test_guess_type() -> None:
    assert guess_type("举报某企业偷排污水")[0].label == "report"
    assert guess_type("请问如何办理食品经营许可")[0].label == "consultation"
    assert guess_type("厂区门口道路积水")[0].label == "help"
