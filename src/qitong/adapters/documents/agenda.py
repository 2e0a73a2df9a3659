"""The meeting agenda as HTML and PDF, from the same content."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from qitong.adapters.documents.html import _env
from qitong.adapters.documents.pdf import _TEXT_WIDTH, _build, _p, _red_header, _table
from qitong.domain.tickets.agenda import Agenda

_HEAD = ("序号", "工单", "事项", "企业", "主办单位", "提级原因", "办理经过")
_W = [9 * mm, 33 * mm, 0.0, 24 * mm, 20 * mm, 24 * mm, 20 * mm]


def render_agenda_html(a: Agenda) -> str:
    return _env().get_template("agenda.html").render(a=a)


def render_agenda_pdf(a: Agenda) -> bytes:
    widths = list(_W)
    widths[2] = _TEXT_WIDTH - sum(widths)
    story: list[Flowable] = _red_header(a.issuer, f"{a.layer_label}　{a.meeting_date}")  # the CID font has no "·"
    story += [_p(a.title, "title"), _p(a.summary, "body"), Spacer(1, 3 * mm)]
    if a.items:
        rows = [_HEAD, *((str(i), it.number, it.title, it.enterprise, it.lead_unit, it.reason, it.history)
                         for i, it in enumerate(a.items, 1))]
        story.append(_table(rows, widths))
    return _build(story, a.title, a.meeting_date, a.issuer)
