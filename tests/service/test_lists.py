"""The lists at scale, in miniature (docs/lists.md): capped counts, search (escaping, the short-query
window), the ordered form of the overdue condition, and the intake's answer built without re-reading."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qitong.domain.clock import FixedClock
from qitong.services.context import Context
from qitong.services.tickets import queries
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.queries import TicketFilter, ticket_detail, ticket_page
from qitong.services.tickets.worklist import WorkFilter, workbench
from tests.support.world import World, build_world

TITLES = ("营业执照变更审批超时", "厂房用电报装进度缓慢", "税务发票申领困难", "环评审批材料反复退回")


def _submit(w: World, title: str, user: str = "ent1_user") -> int:
    data = TicketCreate(title=title, content=f"{title}，已经等了三周，请尽快协调解决。", category="zwfw.spxl",
                        submitter_name="王建国", submitter_phone="13812345678")
    return create_ticket(w.ctx, w[user], data).ticket_id


@pytest.fixture
def w(ctx: Context) -> World:
    world = build_world(ctx)
    world.ids = [_submit(world, t) for t in TITLES]  # type: ignore[attr-defined]
    return world


def test_counts_are_exact_up_to_the_cap_and_say_more_beyond(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    exact = ticket_page(w.ctx, w["agent"], TicketFilter(), per_page=2)
    assert (exact.total, exact.total_exact, len(exact.items)) == (4, True, 2)
    assert [i["id"] for i in exact.items] == w.ids[::-1][:2]  # type: ignore[attr-defined]  # newest first
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    capped = ticket_page(w.ctx, w["agent"], TicketFilter(), per_page=2)
    assert (capped.total, capped.total_exact, len(capped.items)) == (3, False, 2)
    assert queries.list_tickets(w.ctx, w["agent"], TicketFilter())[0] == 3
    wb = workbench(w.ctx, w["agent"], "all", WorkFilter(), page=1, per_page=2)
    assert (wb.page.total, wb.page.total_capped, wb.page.total_label) == (3, True, "3+")
    assert wb.count_label("all") == "4" and wb.counts["all"] == 4
    monkeypatch.setattr(queries, "TAB_COUNT_CAP", 2)
    wb = workbench(w.ctx, w["agent"], "all", WorkFilter(), page=1, per_page=2)
    assert wb.count_label("all") == "2+" and wb.count_label("submitted") == "2+" and wb.count_label("to_sign") == "0"
    assert wb.page.pages == 2  # beyond the cap: at least one more page
    last = workbench(w.ctx, w["agent"], "all", WorkFilter(), page=2, per_page=2)
    assert len(last.page.rows) == 2 and last.page.pages == 3
    assert workbench(w.ctx, w["agent"], "overdue", WorkFilter()).count_label("overdue") == "0"


def test_a_search_finds_substrings_and_escapes_like_wildcards(w: World) -> None:
    def found(q: str) -> set[str]:
        return {i["title"] for i in ticket_page(w.ctx, w["agent"], TicketFilter(q=q)).items}

    assert found("执照变更") == {"营业执照变更审批超时"}
    assert found("审批") == {"营业执照变更审批超时", "环评审批材料反复退回"}
    assert found("已经等了三周") == set(TITLES)  # the content
    assert found("%") == set() and found("_") == set() and found("审批%超时") == set()
    number = ticket_detail(w.ctx, w["agent"], w.ids[0])["number"]  # type: ignore[attr-defined]
    assert found(number) == {TITLES[0]}
    rows = workbench(w.ctx, w["agent"], "all", WorkFilter(q="用电报装")).page.rows
    assert [r.title for r in rows] == ["厂房用电报装进度缓慢"]
    # a search counts up to its own, lower cap
    assert ticket_page(w.ctx, w["agent"], TicketFilter(q="已经等了")).total_exact is True


def test_a_short_search_looks_at_the_newest_tickets_only(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert queries.is_short_search("审批") and queries.is_short_search("用 电") and not queries.is_short_search("审批超")
    monkeypatch.setattr(queries, "SHORT_SEARCH_WINDOW", 1)  # the newest ticket only
    titles = {i["title"] for i in ticket_page(w.ctx, w["agent"], TicketFilter(q="审批")).items}
    assert titles == {"环评审批材料反复退回"}  # the older 营业执照变更审批超时 lies outside the window
    assert {i["title"] for i in ticket_page(w.ctx, w["agent"], TicketFilter(q="审批超时")).items} == {TITLES[0]}


def test_the_overdue_list_is_the_overdue_count_newest_first(w: World) -> None:
    later = Context(w.ctx.sessions, FixedClock(w.ctx.clock.now() + timedelta(days=14)), w.ctx.settings,
                    w.ctx.calendars)
    assert ticket_page(w.ctx, w["agent"], TicketFilter(overdue=True)).total == 0
    page = ticket_page(later, w["agent"], TicketFilter(overdue=True))
    assert page.total == 4 and [i["id"] for i in page.items] == w.ids[::-1]  # type: ignore[attr-defined]
    assert all(i["overdue"] for i in page.items)
    assert ticket_page(later, w["agent"], TicketFilter(overdue=False)).total == 0
    wb = workbench(later, w["agent"], "overdue", WorkFilter())
    assert wb.counts["overdue"] == 4 and [r.id for r in wb.page.rows] == w.ids[::-1]  # type: ignore[attr-defined]
    assert ticket_page(later, w["scj_handler"], TicketFilter(overdue=True)).total == 0  # nothing sent to it


@pytest.mark.parametrize("user", ["ent1_user", "agent"])
def test_the_intake_answers_with_the_detail_it_would_read_back(w: World, user: str) -> None:
    data = TicketCreate(title="园区道路破损影响货车通行", content="园区主干道路面破损严重，货车通行困难，请协调修复。",
                        submitter_name="李娜", submitter_phone="13900002222", enterprise_name="象湖县测试有限公司")
    created = create_ticket(w.ctx, w[user], data)
    assert created.detail is not None
    assert created.detail == ticket_detail(w.ctx, w[user], created.ticket_id)

