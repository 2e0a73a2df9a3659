"""The words of the notices: reasons, dates, the document's every line."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from qitong.domain.supervision import SupervisionFacts, SupervisionLevel, Trigger
from qitong.domain.supervision.notice import NoticeInput, build_notice
from qitong.domain.supervision.wording import format_day, format_deadline, reason_for
from qitong.domain.tickets.lifecycle import Status

SH = ZoneInfo("Asia/Shanghai")


def test_dates_the_official_way() -> None:
    assert format_day(datetime(2026, 1, 5, 23, 0, tzinfo=SH), SH) == "2026年1月5日"
    # a deadline at local midnight is the end of the day before
    assert format_deadline(datetime(2026, 11, 27, 0, 0, tzinfo=SH), SH) == "2026年11月26日"
    assert format_deadline(datetime(2026, 11, 23, 11, 0, tzinfo=SH), SH) == "2026年11月23日11:00"


def test_every_automatic_trigger_has_its_reason() -> None:
    due = datetime(2026, 11, 27, 0, 0, tzinfo=SH)
    f = SupervisionFacts(status=Status.handling, lead_unit_id=1, stage_due_at=due, contact_due_at=due,
                         reply_due_at=due, return_count=2, dissatisfied_count=3, send_back_count=4)
    reasons = {t: reason_for(t, f, SH) for t in Trigger if t != Trigger.manual}
    for t in (Trigger.unsigned, Trigger.no_contact, Trigger.overdue, Trigger.due_soon):
        assert "2026年11月26日" in reasons[t]
    assert "退回 2 次" in reasons[Trigger.buck_passing]
    assert "3 次" in reasons[Trigger.dissatisfied_twice]
    assert "4 次" in reasons[Trigger.noncompliant_closure]
    assert "重大事项" in reasons[Trigger.major] and "多次反映" in reasons[Trigger.repeated]
    assert "规定时限" in reason_for(Trigger.overdue, SupervisionFacts(Status.handling, 1), SH)
    with pytest.raises(ValueError):
        reason_for(Trigger.manual, f, SH)


def _input(level: SupervisionLevel, reason: str = "超过签收时限仍未签收。", **kw: object) -> NoticeInput:
    opened = datetime(2026, 11, 24, 10, 0, tzinfo=SH)
    base: dict[str, object] = dict(
        document_no="督〔2026〕7号", level=level, trigger=Trigger.unsigned, issuer="象湖县企业综合服务中心",
        department="县市场监督管理局", ticket_number="QT20261123000001", ticket_title="营业执照变更审批超时",
        enterprise="象湖县鑫达机械有限公司", submitted_at=opened - timedelta(days=1), reason=reason,
        opened_at=opened, response_due_at=datetime(2026, 11, 28, 0, 0, tzinfo=SH),
    )
    base.update(kw)
    return NoticeInput(**base)  # type: ignore[arg-type]


def test_a_reminder_reads_as_a_letter() -> None:
    n = build_notice(_input(SupervisionLevel.reminder, deadlines=(("签收时限", datetime(2026, 11, 23, 11, 0, tzinfo=SH)),),
                            dispatched_at=datetime(2026, 11, 23, 9, 0, tzinfo=SH)), SH)
    assert n.issuer + n.heading == "象湖县企业综合服务中心督办通知"
    assert n.document_no == "督〔2026〕7号" and n.addressee == "县市场监督管理局："
    assert n.title == "关于QT20261123000001号企业诉求的提醒敦促函"
    assert "超过签收时限仍未签收。现予以提醒督办" not in n.opening and "提醒督办" in n.opening
    facts = dict(n.facts)
    assert facts["签收时限"] == "2026年11月23日11:00" and facts["交办时间"] == "2026年11月23日"
    assert facts["反馈期限"] == n.response_due == "2026年11月27日"
    assert "2026年11月27日前" in n.requirement and n.closing == "特此函告。"
    assert (n.signature, n.date) == ("象湖县企业综合服务中心", "2026年11月24日")


def test_listed_and_interview_notices() -> None:
    listed = build_notice(_input(SupervisionLevel.listed, reason="经抽查，该单位多次推诿"), SH)
    assert listed.title.endswith("整改通知书") and "挂牌督办" in listed.opening
    assert "多次推诿。" in listed.opening  # a person's reason becomes a sentence
    assert "整改" in listed.requirement and listed.closing == "特此通知。"
    assert "交办时间" not in dict(listed.facts)
    interview = build_notice(_input(SupervisionLevel.interview, enterprise=""), SH)
    assert interview.title.endswith("约谈通知书") and "接受约谈" in interview.requirement
    assert dict(interview.facts)["诉求企业"] == "—"
