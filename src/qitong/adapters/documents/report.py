"""The monthly bulletin and the quarterly analysis report as PDF (reportlab, CID font STSong-Light,
bar charts from reportlab.graphics) and as Excel (one sheet per table)."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from qitong.adapters.documents.pdf import FONT, _red_header, _styles
from qitong.adapters.documents.sheets import Sheet, workbook
from qitong.domain.evaluation.report import Report
from qitong.domain.evaluation.report import Table as ReportTable

_WIDTH = A4[0] - 54 * mm
_NUMERALS = "一二三四五六七八九十"


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text), _styles()[style])


def _table(t: ReportTable) -> Table:
    rows = [[_p(str(c), "cell") for c in t.header], *([_p(str(c), "cell") for c in r] for r in t.rows)]
    tbl = Table(rows, colWidths=[_WIDTH / len(t.header)] * len(t.header), repeatRows=1)
    tbl.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0"))]))
    return tbl


def _number(v: object) -> float:
    if isinstance(v, int | float):
        return float(v)
    text = str(v).rstrip("%")
    try:
        return float(text)
    except ValueError:
        return 0.0


def _chart(t: ReportTable) -> Drawing | None:
    if t.chart is None or not t.rows:
        return None
    label, col = t.chart
    rows = t.rows[:12]
    d = Drawing(_WIDTH, 62 * mm)
    bc = VerticalBarChart()
    bc.x, bc.y = int(12 * mm), int(14 * mm)
    bc.width, bc.height = int(_WIDTH - 18 * mm), int(42 * mm)
    bc.data = [[_number(r[col]) for r in rows]]
    bc.categoryAxis.categoryNames = [str(r[0])[:6] for r in rows]
    bc.categoryAxis.labels.fontName = FONT
    bc.categoryAxis.labels.fontSize = 7
    bc.valueAxis.labels.fontSize = 7
    bc.valueAxis.valueMin = 0
    bc.bars[0].fillColor = colors.HexColor("#c0392b")
    d.add(bc)
    d.add(String(12 * mm, 58 * mm, label, fontName=FONT, fontSize=9))
    return d


def render_report_pdf(r: Report) -> bytes:
    _styles()  # registers the font
    story: list[Flowable] = _red_header(r.issuer, r.period)
    story += [_p(r.title, "title"), _p(f"数据截至：{r.as_of}", "plain")]
    story += [_p(s, "body") for s in r.summary]
    n = 0
    for t in r.tables:
        story.append(_p(f"{_NUMERALS[n % 10]}、{t.title}", "h2"))
        n += 1
        chart = _chart(t)
        if chart is not None:
            story.append(chart)
        story.append(_table(t) if t.rows else _p("本期无数据。", "body"))
    if r.cases:
        story.append(_p(f"{_NUMERALS[n % 10]}、典型案例", "h2"))
        n += 1
        for title, text in r.cases:
            story += [_p(f"【{title}】", "plain"), _p(text, "body")]
    if r.suggestions:
        story.append(_p(f"{_NUMERALS[n % 10]}、问题分析与对策建议", "h2"))
        story += [_p(f"{i}. {s}", "body") for i, s in enumerate(r.suggestions, 1)]
    story += [Spacer(1, 10 * mm), _p(r.issuer, "right")]
    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=26 * mm,
                            bottomMargin=24 * mm, title=r.title, subject=r.period, author=r.issuer,
                            creator="企通 Qitong", invariant=True)
    doc.build(story)
    return buf.getvalue()


def render_report_xlsx(r: Report) -> bytes:
    sheets = [Sheet("概况", ("项目", "内容"), [("报告", r.title), ("期间", r.period), ("数据截至", r.as_of),
                                          *(("摘要", s) for s in r.summary)])]
    sheets += [Sheet(t.title[:31], t.header, [list(row) for row in t.rows]) for t in r.tables]
    if r.cases:
        sheets.append(Sheet("典型案例", ("标题", "内容"), [list(c) for c in r.cases]))
    if r.suggestions:
        sheets.append(Sheet("对策建议", ("序号", "建议"), [(i, s) for i, s in enumerate(r.suggestions, 1)]))
    return workbook(sheets)
