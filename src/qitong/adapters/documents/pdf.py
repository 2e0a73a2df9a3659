"""PDF through reportlab, in the Adobe CID font STSong-Light: PDF readers carry it, so no font file
ships and nothing is installed on the system. Red-header official style (GB/T 9704 in spirit:
issuer in red, document number, red rule, title, addressee, body, issuer and date)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from qitong.adapters.documents.html import percent
from qitong.domain.supervision.bulletin import Bulletin, Item
from qitong.domain.supervision.notice import Notice

FONT = "STSong-Light"
RED = colors.HexColor("#cc0000")
_TEXT_WIDTH = A4[0] - 54 * mm  # the margins below: 28 mm left, 26 mm right


@cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("body", fontName=FONT, fontSize=14, leading=24, wordWrap="CJK", firstLineIndent=28)
    return {
        "header": ParagraphStyle("header", base, fontSize=24, leading=32, textColor=RED, alignment=TA_CENTER,
                                 firstLineIndent=0),
        "number": ParagraphStyle("number", base, alignment=TA_CENTER, firstLineIndent=0),
        "title": ParagraphStyle("title", base, fontSize=18, leading=28, alignment=TA_CENTER, firstLineIndent=0,
                                spaceBefore=6, spaceAfter=12),
        "h2": ParagraphStyle("h2", base, fontSize=14, firstLineIndent=0, spaceBefore=10, spaceAfter=4,
                             keepWithNext=1),
        "plain": ParagraphStyle("plain", base, firstLineIndent=0),
        "body": base,
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT, firstLineIndent=0),
        "note": ParagraphStyle("note", base, textColor=RED, firstLineIndent=0),
        "cell": ParagraphStyle("cell", base, fontSize=10.5, leading=14, firstLineIndent=0),
    }


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text), _styles()[style])


def _red_header(issuer: str, second_line: str) -> list[Flowable]:
    return [_p(issuer, "header"), Spacer(1, 4 * mm), _p(second_line, "number"),
            HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=2 * mm, spaceAfter=6 * mm)]


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], header: bool = True) -> Table:
    data = [[_p(c, "cell") for c in row] for row in rows]
    t = Table(data, colWidths=list(widths), repeatRows=1 if header else 0)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    if header:
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0"))]))
    return t


def _build(story: list[Flowable], title: str, subject: str, author: str) -> bytes:
    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=30 * mm,
                            bottomMargin=28 * mm, title=title, subject=subject, author=author, creator="企通 Qitong",
                            invariant=True)  # the same notice renders to the same bytes, every time
    doc.build(story)
    return buf.getvalue()


def render_notice_pdf(n: Notice) -> bytes:
    story = _red_header(f"{n.issuer}{n.heading}", n.document_no)
    story += [_p(n.title, "title"), _p(n.addressee, "plain"), _p(n.opening, "body"), Spacer(1, 3 * mm),
              _table(n.facts, widths=[32 * mm, _TEXT_WIDTH - 32 * mm], header=False), Spacer(1, 3 * mm),
              _p(n.requirement, "body"), _p(n.closing, "body"), Spacer(1, 14 * mm),
              _p(n.signature, "right"), _p(n.date, "right")]
    return _build(story, f"{n.document_no} {n.title}", n.document_no, n.issuer)


_ITEM_HEAD = ("文号", "级别", "事由", "被督办单位", "工单", "反馈期限", "状态")
_ITEM_WIDTHS = [36 * mm, 14 * mm, 20 * mm, 22 * mm, 28 * mm, 20 * mm, 16 * mm]  # a number never wraps
_DEPT_HEAD = ("单位", "提醒", "挂牌", "约谈", "合计", "应反馈", "按时", "按时率")
_DEPT_WIDTHS = [48 * mm, 12 * mm, 12 * mm, 12 * mm, 12 * mm, 15 * mm, 12 * mm, 18 * mm]


def _item_row(i: Item) -> list[str]:
    status = f"{i.status}（{i.responded}）" if i.responded else i.status
    return [i.document_no, i.level, i.trigger, i.department, f"{i.ticket_number} {i.ticket_title}",
            i.response_due, status]


def _items(heading: str, items: Sequence[Item]) -> list[Flowable]:
    if not items:
        return [_p(heading, "h2"), _p("无。", "body")]
    return [_p(heading, "h2"), _table([_ITEM_HEAD, *(_item_row(i) for i in items)], _ITEM_WIDTHS)]


def _summary(b: Bulletin) -> str:
    levels = "，".join(f"{c.label} {c.count} 件" for c in b.by_level)
    return (f"本月共发出督办通知 {b.total} 件，其中{levels}。本月到期应反馈 {b.responses_due} 件，"
            f"按时反馈 {b.responses_on_time} 件，按时反馈率 {percent(b.on_time_rate)}。")


def render_bulletin_pdf(b: Bulletin) -> bytes:
    story = _red_header(b.issuer, "月度监测通报")
    story += [_p(b.title, "title"), _p(f"统计期间：{b.period}", "plain"), _p(f"数据截至：{b.as_of}", "plain")]
    if b.provisional:
        story.append(_p("本月尚未结束，以下为截至统计时点的阶段数据。", "note"))
    story += [_p(_summary(b), "body"), _p("一、督办事由分布", "h2")]
    story.append(_table([("督办事由", "件数"), *((c.label, str(c.count)) for c in b.by_trigger)], [80 * mm, 20 * mm])
                 if b.by_trigger else _p("本月无督办事项。", "body"))
    story.append(_p("二、各单位督办及反馈情况", "h2"))
    depts = [(d.department, str(d.reminder), str(d.listed), str(d.interview), str(d.total), str(d.responses_due),
              str(d.on_time), percent(d.rate)) for d in b.by_department]
    story.append(_table([_DEPT_HEAD, *depts], _DEPT_WIDTHS) if depts else _p("无。", "body"))
    story += _items("三、挂牌督办及约谈事项", b.listed)
    story += _items("四、超期未办结事项", b.overdue)
    story += _items("五、未按时反馈的督办事项", b.late_responses)
    story += [Spacer(1, 10 * mm), _p(b.issuer, "right")]
    return _build(story, b.title, f"{b.year}-{b.month:02d}", b.issuer)
