"""A supervision notice's content — every line of it, as plain strings the HTML template and
the PDF renderer lay out alike. Red-header official style: issuer, number, title, addressee,
the matter and its facts, the requirement and the response deadline, date and issuing office."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from qitong.domain.supervision.levels import DOCUMENT_NAMES, LEVEL_LABELS, SupervisionLevel
from qitong.domain.supervision.triggers import TRIGGER_LABELS, Trigger
from qitong.domain.supervision.wording import format_day, format_deadline


@dataclass(frozen=True)
class NoticeInput:
    document_no: str
    level: SupervisionLevel
    trigger: Trigger
    issuer: str
    department: str
    ticket_number: str
    ticket_title: str
    enterprise: str  # already hidden ("（已保密）") where the department may not learn it
    submitted_at: datetime
    reason: str
    opened_at: datetime
    response_due_at: datetime
    # the ticket's deadlines that matter, label first: ("办结答复时限", due)
    deadlines: tuple[tuple[str, datetime], ...] = ()
    dispatched_at: datetime | None = None


@dataclass(frozen=True)
class Notice:
    issuer: str
    heading: str
    document_no: str
    level: str
    title: str
    addressee: str
    opening: str
    facts: tuple[tuple[str, str], ...]
    requirement: str
    closing: str
    response_due: str
    signature: str
    date: str


_DECISION: Mapping[SupervisionLevel, str] = {
    SupervisionLevel.reminder: "根据涉企问题督办工作要求，现予以提醒督办。",
    SupervisionLevel.listed: "经研究，决定对该事项挂牌督办，并列入月度监测通报。",
    SupervisionLevel.interview: "经研究，决定对你单位进行约谈督办。",
}

_REQUIREMENT: Mapping[SupervisionLevel, str] = {
    SupervisionLevel.reminder: (
        "请你单位接此函后高度重视，立即组织办理，于{due}前办结答复企业，"
        "并通过平台向{issuer}反馈办理情况。"
    ),
    SupervisionLevel.listed: (
        "请你单位接此通知后，认真查找问题原因，明确责任人，落实整改措施，于{due}前将整改落实情况"
        "书面反馈{issuer}。逾期未整改或整改不到位的，将按程序约谈督办。"
    ),
    SupervisionLevel.interview: (
        "请你单位主要负责同志或分管负责同志于{due}前到{issuer}接受约谈，"
        "并书面说明有关情况及整改措施。"
    ),
}


def build_notice(n: NoticeInput, tz: ZoneInfo) -> Notice:
    doc = DOCUMENT_NAMES[n.level]
    due = format_deadline(n.response_due_at, tz)
    matter = f"你单位承办的企业诉求“{n.ticket_title}”（工单编号：{n.ticket_number}），"
    facts = [
        ("工单编号", n.ticket_number),
        ("诉求事项", n.ticket_title),
        ("诉求企业", n.enterprise or "—"),
        ("提交时间", format_day(n.submitted_at, tz)),
    ]
    if n.dispatched_at is not None:
        facts.append(("交办时间", format_day(n.dispatched_at, tz)))
    facts += [(label, format_deadline(at, tz)) for label, at in n.deadlines]
    facts += [("督办事由", TRIGGER_LABELS[n.trigger]), ("反馈期限", due)]
    return Notice(
        issuer=n.issuer,
        heading="督办通知",
        document_no=n.document_no,
        level=LEVEL_LABELS[n.level],
        title=f"关于{n.ticket_number}号企业诉求的{doc}",
        addressee=f"{n.department}：",
        opening=matter + _sentence(n.reason) + _DECISION[n.level],
        facts=tuple(facts),
        requirement=_REQUIREMENT[n.level].format(due=due, issuer=n.issuer),
        closing="特此函告。" if n.level == SupervisionLevel.reminder else "特此通知。",
        response_due=due,
        signature=n.issuer,
        date=format_day(n.opened_at, tz),
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "；")) else text + "。"
