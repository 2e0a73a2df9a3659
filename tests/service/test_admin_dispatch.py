"""Issue 4/5 gaps, on SQLite and PostgreSQL: editing departments and users, resetting a password, the
public search, the dispatch pick, auto-dispatch after accept, and the ruling on a department's return."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qitong.db.models import ApiToken, AuditEvent, Department, Ticket, User
from qitong.domain.clock import FixedClock
from qitong.domain.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
from qitong.domain.tickets.lifecycle import Action, Role, Status
from qitong.domain.tickets.vocab import Tier
from qitong.services import admin
from qitong.services.audit import verify
from qitong.services.auth import authenticate, issue_token, principal_for_token
from qitong.services.context import Context
from qitong.services.disclosure import closed_tickets, parse_search
from qitong.services.routing import responsibility as resp
from qitong.services.routing.autodispatch import pick_from
from qitong.services.routing.disputes import Decision, RulingIn, rule_on_return
from qitong.services.tickets.actions import perform
from qitong.services.tickets.payloads import ActionPayload as P
from qitong.settings import Settings
from tests.support.loop import closed, submit
from tests.support.world import PASSWORD, World, build_world


@pytest.fixture
def w(ctx: Context) -> World:
    return build_world(ctx)


def _events(w: World, action: str, entity: str | None = None) -> list[AuditEvent]:
    with w.ctx.sessions() as s:
        stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        if entity:
            stmt = stmt.where(AuditEvent.entity == entity)
        return list(s.scalars(stmt))


def _chain_ok(w: World) -> None:
    with w.ctx.sessions() as s:
        assert verify(s).ok


# ------------------------------------------------------------------------------------------ admin


def test_admin_edits_a_department_audited_and_guarded(w: World) -> None:
    a, zrj = w["admin"], w.dept["zrj"]
    out = admin.update_department(w.ctx, a, zrj, admin.DepartmentUpdate(
        name="县自然资源局", short_name="资规局", tier=Tier.county, parent_id=w.dept["center"], region_id=1))
    assert (out["name"], out["short_name"], out["parent_id"], out["region_id"]) == ("县自然资源局", "资规局", w.dept["center"], 1)
    ev = _events(w, "update", "department")[-1]
    assert ev.before == {"name": "县自然资源和规划局", "short_name": "县自然资源和规划局", "parent_id": None, "region_id": None}
    assert ev.after["short_name"] == "资规局" and "code" not in ev.after
    with pytest.raises(InvalidInput, match="下级单位"):  # a cycle: the center under its own child
        admin.update_department(w.ctx, a, w.dept["center"], admin.DepartmentUpdate(name="县企业综合服务中心", parent_id=zrj))
    with pytest.raises(Forbidden):
        admin.update_department(w.ctx, w["dispatcher"], zrj, admin.DepartmentUpdate(name="改名"))
    # a unit leading an open ticket, or named by the list in force, cannot be turned off
    tid = submit(w)
    perform(w.ctx, w["agent"], tid, Action.accept, P(category="zwfw.spxl"))
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=zrj))
    with pytest.raises(Conflict, match="1 件未办结"):
        admin.update_department(w.ctx, a, zrj, admin.DepartmentUpdate(name="县自然资源局", active=False))
    resp.create_entry(w.ctx, a, resp.EntryIn(category_code="zwfw.spxl", lead_unit_id=w.dept["hdz"],
                                             effective_from=date(2026, 1, 1)))
    with pytest.raises(Conflict, match="职责清单"):
        admin.update_department(w.ctx, a, w.dept["hdz"], admin.DepartmentUpdate(name="湖东镇人民政府", active=False))
    out = admin.update_department(w.ctx, a, w.dept["board_zw"], admin.DepartmentUpdate(name="政务服务板块", active=False))
    assert out["active"] is False
    _chain_ok(w)


def test_admin_changes_a_users_role_and_unit(w: World) -> None:
    a, uid = w["admin"], w["zrj_handler"].actor.user_id
    out = admin.update_user(w.ctx, a, uid, admin.UserUpdate(display_name="资规经办", role=Role.department_leader,
                                                            department_id=w.dept["zjj"]))
    assert (out["role"], out["department_id"]) == ("department_leader", w.dept["zjj"])
    ev = _events(w, "update", "user")[-1]
    assert ev.before["role"] == "handler" and ev.after == {"display_name": "资规经办", "role": "department_leader",
                                                           "department_id": w.dept["zjj"]}
    assert authenticate(w.ctx, "zrj_handler", PASSWORD).actor.role == Role.department_leader  # at once
    with pytest.raises(InvalidInput, match="必须属于一个单位"):
        admin.update_user(w.ctx, a, uid, admin.UserUpdate(display_name="x", role=Role.handler))
    with pytest.raises(InvalidInput, match="只有企业用户"):
        admin.update_user(w.ctx, a, uid, admin.UserUpdate(display_name="x", role=Role.supervisor,
                                                          enterprise_id=w.ent["ent1"]))
    with pytest.raises(InvalidInput, match="自己的系统管理员"):
        admin.update_user(w.ctx, a, a.actor.user_id, admin.UserUpdate(display_name="admin", role=Role.auditor))


def test_password_reset_is_shown_once_revokes_tokens_and_never_logged(w: World) -> None:
    token, _p = issue_token(w.ctx, "scj_handler", PASSWORD)
    uid = w["scj_handler"].actor.user_id
    _u, temp = admin.reset_password(w.ctx, w["admin"], uid)
    assert len(temp) == 12 and temp.isalnum() and not set(temp) & set("0O1lI")
    assert authenticate(w.ctx, "scj_handler", temp).actor.user_id == uid
    with pytest.raises(Unauthenticated):
        authenticate(w.ctx, "scj_handler", PASSWORD)
    with pytest.raises(Unauthenticated):
        principal_for_token(w.ctx, token)
    with w.ctx.sessions() as s:
        assert s.scalars(select(ApiToken.revoked_at).where(ApiToken.user_id == uid)).one() is not None
        assert s.get(User, uid).password_hash.startswith("$argon2")  # type: ignore[union-attr]
    ev = _events(w, "password_reset")[-1]
    assert ev.data == {"tokens_revoked": 1} and temp not in str(ev.before) + str(ev.after) + str(ev.data)
    with pytest.raises(Forbidden):
        admin.reset_password(w.ctx, w["auditor"], uid)


# ----------------------------------------------------------------------------------------- public


def test_public_search_by_keyword_category_unit_and_month_never_through_names(w: World, clock: FixedClock) -> None:
    a = closed(w, clock, "scj", title="营业执照变更审批超时")
    clock.advance(timedelta(days=40))
    b = closed(w, clock, "zjj", title="施工许可证办理材料反复退回")
    with w.ctx.sessions() as s:
        number_b = s.get(Ticket, b).number  # type: ignore[union-attr]

    def found(**q: str) -> list[str]:
        return [r.title for r in closed_tickets(w.ctx, search=parse_search(q)).rows]

    assert found() == ["施工许可证办理材料反复退回", "营业执照变更审批超时"]
    assert found(q="施工许可") == ["施工许可证办理材料反复退回"]
    assert found(q="审批效率") == found(category="zwfw") == found(category="zwfw.spxl") == ["施工许可证办理材料反复退回", "营业执照变更审批超时"]
    assert found(department=str(w.dept["scj"])) == ["营业执照变更审批超时"]
    assert found(month="2026-11") == ["营业执照变更审批超时"] and found(month="2027-01") == ["施工许可证办理材料反复退回"]
    assert found(q=number_b or "") == ["施工许可证办理材料反复退回"]
    # the masked business and the submitter are never a way in
    assert found(q="鑫达") == [] and found(q="王建国") == [] and found(q="象湖县鑫达机械有限公司营业执照") == []
    with pytest.raises(InvalidInput, match="连续数字"):
        parse_search({"q": "13812345678"})
    with pytest.raises(InvalidInput, match="月份"):
        parse_search({"month": "2026-13"})
    assert a and closed_tickets(w.ctx, search=parse_search({"q": "100%_"})).total == 0


# ------------------------------------------------------------------------------------- dispatch pick


SUGG = {"source": "keywords", "threshold": 0.6, "preselect": {"category": "c1", "lead_unit": None},
        "lead_unit": [{"value": "7", "label": "甲局", "known": True, "confidence": 0.7, "words": ["执照"]},
                      {"value": "8", "label": "乙局", "known": True, "confidence": 0.2, "words": []},
                      {"value": "x", "label": "x", "known": False, "confidence": 0.1, "words": []},
                      {"value": "9", "label": "丙局", "known": True, "confidence": 0.1, "words": []}]}
PROP = {"lead_unit_id": 7, "co_unit_ids": [8], "entry_id": 3, "version": 2, "source": "responsibility_list"}


def test_pick_prefers_the_list_then_the_classifier_above_the_threshold_else_ranks_three() -> None:
    p = pick_from(PROP, SUGG, 0.6)
    assert (p.lead_unit_id, p.co_unit_ids, p.confidence, p.entry_id, p.preselected) == (7, [8], 1.0, 3, True)
    p = pick_from(None, SUGG, 0.6, category_proposal=PROP)
    assert (p.lead_unit_id, p.co_unit_ids, p.category, p.confidence, p.source) == (7, [8], "c1", 0.7, "keywords")
    p = pick_from(None, SUGG, 0.75)
    assert p.lead_unit_id is None and not p.preselected and [x["value"] for x in p.ranked] == ["7", "8", "9"]
    p = pick_from(PROP, SUGG, 0.6, reported_department_id=7)  # a report about the list's lead
    assert (p.refused, p.lead_unit_id, p.preselected) == (7, None, False)
    assert [x["value"] for x in p.ranked] == ["8", "9"]


# ------------------------------------------------------------------------------------ auto-dispatch


def _autodispatch(ctx: Context, on: bool = True, threshold: float = 0.9) -> None:
    ctx.settings = Settings(database_url=ctx.settings.database_url, attachment_dir=ctx.settings.attachment_dir,
                            routing_autodispatch=on, routing_autodispatch_threshold=threshold)


def test_autodispatch_is_off_by_default_and_dispatches_by_the_list_when_on(w: World) -> None:
    resp.create_entry(w.ctx, w["admin"], resp.EntryIn(
        category_code="zwfw.spxl", lead_unit_id=w.dept["zjj"], co_unit_ids=[w.dept["scj"]],
        legal_basis="《建筑工程施工许可管理办法》", effective_from=date(2026, 1, 1)))
    off = submit(w)
    perform(w.ctx, w["agent"], off, Action.accept, P(category="zwfw.spxl"))
    _autodispatch(w.ctx)
    on = submit(w)
    version = perform(w.ctx, w["agent"], on, Action.accept, P(category="zwfw.spxl"))
    with w.ctx.sessions() as s:
        assert s.get(Ticket, off).status == Status.accepted  # type: ignore[union-attr]
        t = s.get(Ticket, on)
        assert t is not None and t.status == Status.dispatched and t.lead_unit_id == w.dept["zjj"]
        assert version == t.version
    ev = next(e for e in _events(w, "dispatch") if e.ticket_id == on)
    assert (ev.actor_id, ev.actor_name, ev.actor_role) == (None, "系统自动分派", "system")
    entry = ev.data["proposal"]["entry_id"]
    assert ev.data["autodispatch"] == {"confidence": 1.0, "threshold": 0.9, "source": "responsibility_list",
                                       "entry_id": entry, "version": 1, "model": None}
    assert ev.data["co_unit_ids"] == [w.dept["scj"]] and ev.data["proposal"]["followed"] is True
    _chain_ok(w)


def test_autodispatch_leaves_it_to_a_person_below_the_threshold_or_for_a_report_on_the_lead(w: World) -> None:
    _autodispatch(w.ctx, threshold=0.9)
    resp.create_entry(w.ctx, w["admin"], resp.EntryIn(
        category_code="zwfw.spxl", lead_unit_id=w.dept["scj"], keywords=["营业执照", "变更"],
        effective_from=date(2026, 1, 1)))
    guess = submit(w)  # no category: the keyword cold start, never above 0.85
    perform(w.ctx, w["agent"], guess, Action.accept, P())
    report = submit(w, ticket_type="report", reported_department_id=w.dept["scj"], user="agent",
                    enterprise_id=w.ent["ent1"])
    perform(w.ctx, w["agent"], report, Action.accept, P(category="zwfw.spxl"))
    with w.ctx.sessions() as s:
        assert s.get(Ticket, guess).status == Status.accepted  # type: ignore[union-attr]
        assert s.get(Ticket, report).status == Status.accepted  # type: ignore[union-attr]
    _autodispatch(w.ctx, threshold=0.3)  # a lower bar: the keyword guess goes, with its confidence
    third = submit(w)
    perform(w.ctx, w["agent"], third, Action.accept, P())
    ev = next(e for e in _events(w, "dispatch") if e.ticket_id == third)
    assert ev.data["autodispatch"]["source"] == "keywords" and 0.3 <= ev.data["autodispatch"]["confidence"] < 0.9
    with w.ctx.sessions() as s:
        t = s.get(Ticket, third)
        assert t is not None and t.category == "zwfw.spxl" and t.lead_unit_id == w.dept["scj"]


# ----------------------------------------------------------------------------------------- disputes


def _returned(w: World, lead: str) -> int:
    tid = submit(w)
    perform(w.ctx, w["agent"], tid, Action.accept, P(category="zwfw.spxl"))
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept[lead]))
    perform(w.ctx, w[f"{lead}_handler"], tid, Action.return_, P(reason="该事项不属于本单位职责"))
    return tid


def test_upheld_return_goes_to_the_lists_lead_and_is_not_buck_passing(w: World) -> None:
    entry = resp.create_entry(w.ctx, w["admin"], resp.EntryIn(
        category_code="zwfw.spxl", lead_unit_id=w.dept["scj"], co_unit_ids=[w.dept["zjj"]],
        effective_from=date(2026, 1, 1)))
    tid = _returned(w, "zjj")
    out = rule_on_return(w.ctx, w["dispatcher"], tid, RulingIn(decision=Decision.upheld, reason="按职责清单应由市场监管局主办"))
    assert out["action"] == "dispatch" and out["lead_unit_id"] == w.dept["scj"]
    with w.ctx.sessions() as s:
        t = s.get(Ticket, tid)
        assert t is not None and t.status == Status.dispatched and t.lead_unit_id == w.dept["scj"] and t.return_count == 0
    ev = [e for e in _events(w, "dispatch") if e.ticket_id == tid][-1]
    assert ev.reason == "按职责清单应由市场监管局主办" and ev.data["co_unit_ids"] == []  # zjj returned it: not a co-unit
    assert ev.data["ruling"] == {"decision": "upheld", "returned_by": w.dept["zjj"], "list_lead_unit_id": w.dept["scj"],
                                 "entry_id": entry["id"], "version": 1, "source": "responsibility_list",
                                 "follows_list": True, "return_count": 0}
    assert ev.before["return_count"] == 1 and ev.after["return_count"] == 0
    _chain_ok(w)


def test_rejected_return_goes_back_and_counts_and_rulings_are_checked(w: World) -> None:
    tid = _returned(w, "scj")  # the category's default unit is scj: the list says it is theirs
    with pytest.raises(InvalidInput, match="另行指定"):
        rule_on_return(w.ctx, w["dispatcher"], tid, RulingIn(decision=Decision.upheld, reason="异议成立"))
    with pytest.raises(Forbidden):
        rule_on_return(w.ctx, w["agent"], tid, RulingIn(decision=Decision.rejected, reason="不成立"))
    out = rule_on_return(w.ctx, w["dispatcher"], tid, RulingIn(decision=Decision.rejected, reason="属于市场监管职责"))
    assert out["action"] == "insist" and out["follows_list"] is True
    with w.ctx.sessions() as s:
        t = s.get(Ticket, tid)
        assert t is not None and t.status == Status.dispatched and t.lead_unit_id == w.dept["scj"] and t.return_count == 1
    ev = [e for e in _events(w, "insist") if e.ticket_id == tid][-1]
    assert ev.data["ruling"]["decision"] == "rejected" and ev.data["ruling"]["source"] == "category_default"
    with pytest.raises(Conflict, match="已退回"):
        rule_on_return(w.ctx, w["dispatcher"], tid, RulingIn(decision=Decision.rejected, reason="再次"))
    # a second return after the rejected ruling: two returns that stand, the buck-passing supervision opens
    perform(w.ctx, w["scj_handler"], tid, Action.return_, P(reason="仍不属于本单位"))
    with w.ctx.sessions() as s:
        assert s.scalars(select(AuditEvent.action).where(AuditEvent.ticket_id == tid,
                                                         AuditEvent.action == "supervise")).first()
    # the dispatcher may overrule the list, naming the unit; recorded as not following it
    out = rule_on_return(w.ctx, w["dispatcher"], tid, RulingIn(decision=Decision.upheld, reason="经核实属住建",
                                                               lead_unit_id=w.dept["zjj"]))
    assert out["follows_list"] is False
    with w.ctx.sessions() as s:
        assert s.get(Department, w.dept["zjj"]) is not None and s.get(Ticket, tid).return_count == 1  # type: ignore[union-attr]
