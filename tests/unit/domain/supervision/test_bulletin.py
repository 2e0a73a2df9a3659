"""The monthly bulletin compiled from plain rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from qitong.domain.supervision import SupervisionLevel, SupervisionStatus, Trigger
from qitong.domain.supervision.bulletin import Period, SupervisionRow, compile_bulletin

SH = ZoneInfo("Asia/Shanghai")
START, END = datetime(2026, 11, 1, tzinfo=SH), datetime(2026, 12, 1, tzinfo=SH)
D = timedelta(days=1)


def row(no: str, level: SupervisionLevel, trigger: Trigger, dept: int, opened: datetime, responded: datetime | None = None,
        status: SupervisionStatus = SupervisionStatus.open) -> SupervisionRow:
    return SupervisionRow(no, level, trigger, status, dept, {1: "县市场监督管理局", 2: "县住房和城乡建设局"}[dept],
                          f"QT{no}", "营业执照变更审批超时", opened, opened + 3 * D, responded)


ROWS = [
    row("督〔2026〕1号", SupervisionLevel.reminder, Trigger.overdue, 1, START + 2 * D, START + 3 * D),  # on time
    row("督〔2026〕2号", SupervisionLevel.reminder, Trigger.unsigned, 1, START + 5 * D, START + 9 * D),  # late
    row("督改〔2026〕1号", SupervisionLevel.listed, Trigger.buck_passing, 2, START + 6 * D),  # never answered
    row("约谈〔2026〕1号", SupervisionLevel.interview, Trigger.manual, 2, START + 28 * D),  # due next month
    row("督〔2026〕9号", SupervisionLevel.reminder, Trigger.overdue, 1, START - 2 * D),  # last month's, due in this one
]


def test_a_closed_month() -> None:
    b = compile_bulletin(ROWS, Period(2026, 11, START, END, END), SH, "象湖县企业综合服务中心")
    assert b.title == "2026年11月涉企问题督办监测通报" and not b.provisional
    assert b.period == "2026年11月1日至2026年11月30日"
    assert b.total == 4
    assert [(c.key, c.count) for c in b.by_level] == [("reminder", 2), ("listed", 1), ("interview", 1)]
    assert {c.key: c.count for c in b.by_trigger} == {"overdue": 1, "unsigned": 1, "buck_passing": 1, "manual": 1}
    assert [i.document_no for i in b.listed] == ["督改〔2026〕1号", "约谈〔2026〕1号"]
    assert [i.document_no for i in b.overdue] == ["督〔2026〕1号"]
    # due this month: 督9 (on time? no answer -> late), 督1 (on time), 督2 (late), 督改1 (late)
    assert (b.responses_due, b.responses_on_time) == (4, 1) and b.on_time_rate == 0.25
    assert [i.document_no for i in b.late_responses] == ["督〔2026〕9号", "督〔2026〕2号", "督改〔2026〕1号"]
    first, second = b.by_department
    assert first.department == "县住房和城乡建设局" and (first.listed, first.interview, first.total) == (1, 1, 2)
    assert (second.reminder, second.responses_due, second.on_time, second.rate) == (2, 3, 1, 0.3333)
    assert b.as_json()["by_department"][0]["department"] == "县住房和城乡建设局"


def test_the_running_month_is_provisional() -> None:
    as_of = START + 4 * D
    b = compile_bulletin(ROWS, Period(2026, 11, START, END, as_of), SH, "象湖县企业综合服务中心")
    assert b.provisional and b.as_of == "2026年11月4日"  # through the end of the 4th
    # only deadlines already passed count: 督9's (end of 11-01), not 督1's (end of 11-05)
    assert b.responses_due == 1 and b.responses_on_time == 0


def test_an_empty_month() -> None:
    b = compile_bulletin([], Period(2026, 11, START, END, END), SH, "象湖县企业综合服务中心")
    assert b.total == 0 and b.on_time_rate is None and b.by_department == () and b.by_trigger == ()
    assert [c.count for c in b.by_level] == [0, 0, 0]
