"""Who hears about what, and in which words: one table, topic → audience → title and body.

Pure data and string formatting. The services resolve an audience to people and fill in the
fields; this module never touches a database. Every placeholder a template may use is named in
FIELDS, and a unit test checks each template against it, so a typo fails in CI and not at 3 a.m.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from enum import StrEnum

from qitong.domain.supervision.levels import DOCUMENT_NAMES, LEVEL_LABELS, SupervisionLevel


class Audience(StrEnum):
    enterprise = "enterprise"  # the ticket's enterprise users (or its submitter); SMS to the submitter
    lead_unit = "lead_unit"  # handlers and department leaders of the lead unit
    lead_unit_leaders = "lead_unit_leaders"  # department leaders of the lead unit (审签)
    co_units = "co_units"  # handlers and department leaders of the active co-units
    center = "center"  # type: ignore[assignment]  # center agents and dispatchers
    dispatchers = "dispatchers"
    supervisors = "supervisors"


@dataclass(frozen=True)
class Template:
    title: str
    body: str
    sms: bool = False  # also by SMS (in-app always; email whenever the person gave an address)


# Every field a template may use. The services supply all of them ("—" when unknown).
FIELDS = frozenset({
    "number", "title", "query_code", "enterprise", "lead_unit", "status_label", "reason",
    "deadline", "label", "level", "level_label", "document_name", "document_no",
})


E, L, LL, CO, C, D, S = (
    Audience.enterprise, Audience.lead_unit, Audience.lead_unit_leaders, Audience.co_units,
    Audience.center, Audience.dispatchers, Audience.supervisors,
)
T = Template
_CONFIRM = T("请确认办理结果并评价",
             "您的诉求 {number}“{title}”已办理答复，请登录查看答复，确认办理结果并进行评价。", sms=True)

TEMPLATES: Mapping[str, Mapping[Audience, Template]] = {
    "ticket.submit": {
        E: T("诉求已收到", "您的诉求“{title}”已收到，工单编号 {number}，查询码 {query_code}。"
                          "我们将在规定时限内受理，请留意后续通知。", sms=True),
        C: T("新诉求待受理", "收到新诉求 {number}“{title}”（{enterprise}），请及时受理。"),
    },
    "ticket.accept": {E: T("诉求已受理", "您的诉求 {number}“{title}”已受理，正在确定承办单位。")},
    "ticket.reject": {
        E: T("诉求不予受理", "您的诉求 {number}“{title}”不予受理。理由：{reason}。如有疑问请联系企业综合服务中心。",
             sms=True),
    },
    "ticket.answer_on_the_spot": {E: _CONFIRM},
    "ticket.dispatch": {
        L: T("新工单待签收", "工单 {number}“{title}”（{enterprise}）已分派贵单位主办，请及时签收并联系企业。",
             sms=True),
        CO: T("新工单待协办", "工单 {number}“{title}”已分派，主办单位为{lead_unit}，贵单位协办，请及时提交协办意见。"),
        E: T("诉求已分派", "您的诉求 {number}“{title}”已交由{lead_unit}办理。"),
    },
    "ticket.redispatch": {
        L: T("工单二次交办", "企业对工单 {number}“{title}”的办理结果不满意，现二次交办贵单位，请重新办理。", sms=True),
        CO: T("工单二次交办（协办）", "工单 {number}“{title}”二次交办，主办单位为{lead_unit}，请继续配合。"),
        E: T("诉求已重新办理", "您的诉求 {number} 已二次交办{lead_unit}重新办理。"),
    },
    "ticket.return": {
        D: T("工单被退回", "{lead_unit}退回了工单 {number}“{title}”，理由：{reason}。请审核派单异议。"),
    },
    "ticket.insist": {
        L: T("维持原派单", "中心维持原派单：工单 {number}“{title}”仍由贵单位主办，请签收办理。说明：{reason}。",
             sms=True),
    },
    "ticket.sign_for": {E: T("承办单位已签收", "您的诉求 {number} 已由{lead_unit}签收，工作人员将尽快与您联系。")},
    "ticket.contact": {E: T("承办单位已与您联系", "{lead_unit}已就诉求 {number} 与您联系，正在办理。")},
    "ticket.co_opinion": {L: T("协办意见已提交", "协办单位已就工单 {number}“{title}”提交协办意见，请汇总后拟办答复。")},
    "ticket.extension_request": {
        D: T("延期申请待审批", "{lead_unit}申请工单 {number}“{title}”延期，理由：{reason}。请审批。"),
    },
    "ticket.extension_approve": {
        L: T("延期申请已同意", "工单 {number}“{title}”的延期申请已同意，请在新的时限内办结。"),
    },
    "ticket.extension_refuse": {
        L: T("延期申请未同意", "工单 {number}“{title}”的延期申请未获同意，理由：{reason}。请按原时限办结。"),
    },
    "ticket.reply_draft": {LL: T("拟办答复待审签", "工单 {number}“{title}”的拟办答复已提交，请审签。")},
    "ticket.sign_off": {C: T("答复待审核", "{lead_unit}已提交工单 {number}“{title}”的答复，请审核。")},
    "ticket.sign_off_refuse": {
        L: T("拟办答复被审签退回", "工单 {number}“{title}”的拟办答复被退回，理由：{reason}。请修改后重新提交。"),
    },
    "ticket.verify": {E: _CONFIRM},
    "ticket.verify_send_back": {
        L: T("答复审核未通过", "工单 {number}“{title}”的答复审核未通过，理由：{reason}。请补充办理后重新答复。"),
    },
    "ticket.confirm": {C: T("企业已确认办理结果", "企业已确认工单 {number}“{title}”的办理结果，请办结销号。")},
    "ticket.rate_dissatisfied": {
        D: T("企业不满意，待研判", "企业对工单 {number}“{title}”的办理结果不满意：{reason}。请研判是否二次交办。"),
        L: T("企业对办理结果不满意", "企业对工单 {number}“{title}”的办理结果不满意：{reason}。"),
    },
    "ticket.escalate": {
        E: T("诉求已提级办理", "您的诉求 {number}“{title}”已提级办理，我们将加强协调，尽快给您答复。"),
        L: T("工单已提级办理", "工单 {number}“{title}”已提级办理，理由：{reason}。请配合协调。"),
        S: T("工单提级办理", "工单 {number}“{title}”已提级办理，理由：{reason}。"),
    },
    "ticket.suspend": {
        E: T("诉求暂时挂起", "您的诉求 {number}“{title}”暂时挂起，原因：{reason}。条件具备后将恢复办理。"),
        L: T("工单已挂起", "工单 {number}“{title}”已挂起，原因：{reason}。时限暂停计算。"),
    },
    "ticket.resume": {
        E: T("诉求恢复办理", "您的诉求 {number}“{title}”已恢复办理。"),
        L: T("工单恢复办理", "工单 {number}“{title}”已恢复办理，时限继续计算，请抓紧办理。"),
    },
    "ticket.terminate": {
        E: T("诉求已终结", "您的诉求 {number}“{title}”已终结办理，理由：{reason}。", sms=True),
        L: T("工单已终结", "工单 {number}“{title}”已终结，理由：{reason}。"),
    },
    "ticket.merge": {
        E: T("诉求已并单", "您的诉求 {number}“{title}”与已受理的诉求为同一事项，已并入原工单办理，结果将一并告知。"),
        L: T("工单已并单", "工单 {number}“{title}”已并入其他工单，无需单独办理。"),
    },
    "ticket.close": {
        E: T("诉求已办结", "您的诉求 {number}“{title}”已办结销号，感谢您的支持与监督。", sms=True),
        L: T("工单已办结", "工单 {number}“{title}”已办结销号。"),
    },
    "deadline.due_soon": {
        L: T("工单临期预警", "工单 {number}“{title}”将于 {deadline} 到期，请抓紧办理。", sms=True),
    },
    "deadline.overdue": {
        L: T("工单已超期", "工单 {number}“{title}”已于 {deadline} 超期，请立即办理并说明超期原因。", sms=True),
        D: T("工单超期", "工单 {number}“{title}”（主办：{lead_unit}）已于 {deadline} 超期。"),
        S: T("工单超期", "工单 {number}“{title}”（主办：{lead_unit}）已于 {deadline} 超期，可启动督办。"),
    },
    "deadline.unsigned": {
        L: T("工单超时未签收", "工单 {number}“{title}”已超过签收时限（{deadline}），请立即签收或退回。", sms=True),
        D: T("工单超时未签收", "工单 {number}“{title}”（{lead_unit}）已超过签收时限（{deadline}）。"),
    },
    "deadline.no_contact": {
        L: T("超时未联系企业", "工单 {number}“{title}”未在时限（{deadline}）内联系企业，请立即联系。", sms=True),
    },
    "deadline.enterprise_silent": {
        C: T("企业逾期未确认", "工单 {number}“{title}”答复后企业逾期未确认（{deadline}），可回访后按超时办结。"),
    },
    "deadline.escalation_due": {
        D: T("超期工单建议提级", "工单 {number}“{title}”（{lead_unit}）超期已久，建议提级办理。"),
        S: T("超期工单建议督办", "工单 {number}“{title}”（{lead_unit}）超期已久，建议督办。"),
    },
    "supervision.opened": {
        L: T("督办通知", "工单 {number}“{title}”已启动{level_label}，发出{document_name}（文号：{document_no}），"
                        "请于{deadline}前办理并反馈。", sms=True),
        S: T("督办已发出", "工单 {number}“{title}”的{document_name}（文号：{document_no}）已发往{lead_unit}，"
                          "反馈期限{deadline}。"),
    },
    "supervision.responded": {
        S: T("督办已反馈", "{lead_unit}已就工单 {number}“{title}”的{document_name}（文号：{document_no}）"
                          "作出反馈，请审核。"),
    },
    "supervision.closed": {
        L: T("督办已办结", "工单 {number}“{title}”的{level_label}（文号：{document_no}）已办结。"),
    },
}


@dataclass(frozen=True)
class Rendered:
    audience: Audience
    title: str
    body: str
    sms: bool


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def level_label(level: str | None) -> str:
    """督办 level in words; an unknown level is shown as given."""
    if level is not None and level in SupervisionLevel.__members__:
        return LEVEL_LABELS[SupervisionLevel(level)]
    return level or "督办"


def document_name(level: str | None) -> str:
    if level is not None and level in SupervisionLevel.__members__:
        return DOCUMENT_NAMES[SupervisionLevel(level)]
    return "督办通知"


def render(topic: str, fields: Mapping[str, str | None]) -> list[Rendered]:
    """The messages for `topic`, one per audience, in table order. Unknown topic: none.
    A missing or empty field reads "—" rather than failing a delivery."""
    values = _Fields({k: v for k, v in fields.items() if v})
    return [
        Rendered(aud, t.title.format_map(values), t.body.format_map(values), t.sms)
        for aud, t in TEMPLATES.get(topic, {}).items()
    ]


def format_deadline(at: datetime, tz: tzinfo) -> str:
    """A deadline as people say it: midnight is the end of the day before ("…24时")."""
    local = at.astimezone(tz)
    if local.time() == time(0, 0):
        return f"{(local - timedelta(days=1)):%Y年%m月%d日}24时"
    return f"{local:%Y年%m月%d日 %H:%M}"


def tidy_reason(reason: str | None) -> str | None:
    """A reason goes inside a sentence that ends with its own full stop."""
    if reason is None:
        return None
    return reason.strip().rstrip("。.！!；;，,") or None
