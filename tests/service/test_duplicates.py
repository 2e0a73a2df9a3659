"""Near-duplicates through the services, on SQLite and PostgreSQL: the index written at intake,
the draft check (masked for other businesses), similar tickets scoped by access, link and merge,
the concentrated report that opens a supervision, hot topics, "recent" and pruning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from qitong.db.models import AuditEvent, Supervision, Ticket, TicketBandKey, TicketFingerprint
from qitong.domain.clock import FixedClock
from qitong.domain.errors import Conflict, Forbidden, InvalidInput
from qitong.domain.tickets.lifecycle import Action, Status
from qitong.services import duplicates as dup
from qitong.services import fingerprints as fp
from qitong.services.audit import verify
from qitong.services.context import Context
from qitong.services.tickets.actions import perform
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.payloads import ActionPayload as P
from tests.support.world import World, build_world

TITLE = "工业园区东路断电影响生产"
TEXT = "我公司位于工业园区东路18号，本周已连续三天在上午十点左右突然断电，生产线被迫停工，损失较大，请尽快协调供电部门查明原因并恢复稳定供电。"
TITLE2 = "工业园区东路频繁断电影响生产"
TEXT2 = "我司位于工业园区东路20号，本周已经连续三天上午十点左右突然断电，生产线被迫停工，损失很大，请尽快协调供电部门查明原因恢复稳定供电。"
OTHER = ("营业执照变更审批超时", "我公司三周前提交营业执照经营范围变更申请，至今没有结果，影响投标。")


@pytest.fixture
def w(ctx: Context) -> World:
    return build_world(ctx)


def submit(w: World, user: str, title: str = TITLE, content: str = TEXT, **kw: object) -> int:
    data = TicketCreate(title=title, content=content, submitter_name="王建国", submitter_phone="13812345678",
                        **kw)  # type: ignore[arg-type]
    return create_ticket(w.ctx, w[user], data).ticket_id


def dispatch(w: World, tid: int, dept: str = "scj") -> None:
    perform(w.ctx, w["agent"], tid, Action.accept, P())
    perform(w.ctx, w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=w.dept[dept]))


def test_intake_writes_the_fingerprint_and_band_keys(w: World) -> None:
    tid = submit(w, "ent1_user")
    with w.ctx.sessions() as s:
        f = s.get(TicketFingerprint, tid)
        assert f is not None and f.enterprise_key == f"id:{w.ent['ent1']}" and f.concentrated_at is None
        keys = s.scalars(select(TicketBandKey.band_key).where(TicketBandKey.ticket_id == tid)).all()
    assert len(set(keys)) == fp.HASHER.params.bands


def test_draft_check_masks_other_businesses_and_shows_own_in_full(w: World) -> None:
    tid = submit(w, "ent1_user")
    other = dup.check_draft(w.ctx, w["ent2_user"], TITLE2, TEXT2)
    assert other["warning"] == "已有相似问题正在办理"
    [item] = other["items"]
    assert item["own"] is False and "ticket_id" not in item and TITLE not in item["title"]
    assert item["title"].endswith("＊＊＊") and item["number"].startswith("QT") and item["similarity"] >= 0.4
    own = dup.check_draft(w.ctx, w["ent1_user"], TITLE2, TEXT2)
    assert own["items"][0] == {**own["items"][0], "own": True, "ticket_id": tid, "title": TITLE}
    staff = dup.check_draft(w.ctx, w["agent"], TITLE2, TEXT2)
    assert staff["items"][0]["enterprise_name"] == "象湖县鑫达机械有限公司"
    assert dup.check_draft(w.ctx, w["ent2_user"], *OTHER) == {"warning": None, "items": []}
    with pytest.raises(Forbidden):
        dup.check_draft(w.ctx, w["scj_handler"], TITLE2, TEXT2)


def test_another_business_never_sees_a_finished_ticket(w: World) -> None:
    tid = submit(w, "ent1_user")
    perform(w.ctx, w["agent"], tid, Action.reject, P(reason="不属于受理范围"))
    assert dup.check_draft(w.ctx, w["ent2_user"], TITLE2, TEXT2)["items"] == []


def test_similar_tickets_are_scoped_by_access(w: World) -> None:
    a = submit(w, "ent1_user")
    b = submit(w, "ent2_user", TITLE2, TEXT2)
    c = submit(w, "ent2_user", TITLE2 + "再次反映", TEXT2)
    dispatch(w, a, "scj")
    dispatch(w, b, "zjj")
    got = dup.similar_to(w.ctx, w["agent"], c)
    assert {i["ticket_id"] for i in got["items"]} == {a, b}
    assert got["can_link"] and got["can_merge"]
    assert [i["same_enterprise"] for i in got["items"] if i["ticket_id"] == b] == [True]
    scj = dup.similar_to(w.ctx, w["scj_handler"], a)
    assert scj["items"] == [] and not scj["can_link"]  # b and c were never sent to scj
    with pytest.raises(Forbidden):
        dup.similar_to(w.ctx, w["scj_handler"], b)
    with pytest.raises(Forbidden):
        dup.similar_to(w.ctx, w["ent1_user"], a)


def test_a_report_hides_the_reporter_from_the_department_reported_on(w: World) -> None:
    a = submit(w, "ent1_user")
    b = submit(w, "ent2_user", TITLE2, TEXT2, ticket_type="report", reported_department_id=w.dept["zjj"])
    dispatch(w, a, "zjj")
    dispatch(w, b, "zjj")
    [item] = dup.similar_to(w.ctx, w["zjj_handler"], a)["items"]
    assert item["ticket_id"] == b and item["enterprise_name"] == "（已保密）"


def test_link_repeat_counts_on_the_original_and_is_audited(w: World, clock: FixedClock) -> None:
    a = submit(w, "ent1_user")
    b = submit(w, "ent2_user", TITLE2, TEXT2)
    c = submit(w, "ent2_user", TITLE2, TEXT2 + "再次反映")
    dispatch(w, a)
    dispatch(w, b, "zjj")
    out = dup.link_repeat(w.ctx, w["agent"], b, a, reason="同一事项")
    assert out["repeat_count"] == 1 and out["original_id"] == a
    # a link to a repeat goes to its original
    assert dup.link_repeat(w.ctx, w["dispatcher"], c, b)["original_id"] == a
    with w.ctx.sessions() as s:
        bt = s.get(Ticket, b)
        assert bt is not None and bt.duplicate_of_id == a and bt.status == Status.dispatched
        acts = s.scalars(select(AuditEvent.action).where(AuditEvent.ticket_id == a)).all()
    assert acts.count("repeat_linked") == 2
    assert dup.similar_to(w.ctx, w["agent"], a)["repeat_count"] == 2
    assert dup.similar_to(w.ctx, w["agent"], b)["duplicate_of"]["ticket_id"] == a
    with pytest.raises(Conflict):
        dup.link_repeat(w.ctx, w["agent"], b, a)
    with pytest.raises(InvalidInput):
        dup.link_repeat(w.ctx, w["agent"], a, a)
    with pytest.raises(InvalidInput):
        dup.link_repeat(w.ctx, w["agent"], a, b)  # b's original is a itself
    with pytest.raises(Forbidden):
        dup.link_repeat(w.ctx, w["scj_handler"], a, b)
    with w.ctx.sessions() as s:
        assert verify(s).ok


def test_merge_closes_the_duplicate_in_one_step(w: World) -> None:
    a = submit(w, "ent1_user")
    b = submit(w, "ent2_user", TITLE2, TEXT2)
    out = dup.merge_into(w.ctx, w["agent"], b, a, reason="同一事项")
    assert out["repeat_count"] == 1
    with w.ctx.sessions() as s:
        bt = s.get(Ticket, b)
        assert bt is not None and bt.status == Status.merged and bt.duplicate_of_id == a
    dispatch(w, a)
    c = submit(w, "ent2_user", TITLE2, TEXT2 + "补充")
    with pytest.raises(Conflict):
        dup.merge_into(w.ctx, w["agent"], a, c)  # a is already with a department
    # a merged ticket drops out of every search, and merging into it goes to its original
    assert b not in {i["ticket_id"] for i in dup.similar_to(w.ctx, w["agent"], c)["items"]}
    assert dup.merge_into(w.ctx, w["agent"], c, b) == {"ticket_id": c, "duplicate_of": out["duplicate_of"],
                                                       "original_id": a, "repeat_count": 2}


def test_concentrated_report_opens_a_supervision_on_the_dispatched_original(w: World, clock: FixedClock) -> None:
    a = submit(w, "ent1_user")
    dispatch(w, a)
    clock.advance(timedelta(days=2))
    submit(w, "ent2_user", TITLE2, TEXT2)
    assert not fp_flag(w, a)
    clock.advance(timedelta(days=2))
    c = submit(w, "agent", TITLE2, TEXT2 + "希望重视", enterprise_name="象湖县宏远纺织有限公司")
    assert fp_flag(w, a) and fp_flag(w, c)
    with w.ctx.sessions() as s:
        sups = s.scalars(select(Supervision).where(Supervision.ticket_id == a)).all()
        ev = s.scalars(select(AuditEvent).where(AuditEvent.ticket_id == c,
                                                AuditEvent.action == "concentrated_report")).one()
    # the other rules that hold by now (unsigned for days) open too: the engine evaluates them all
    assert [(x.level.value, x.department_id) for x in sups if x.trigger.value == "repeated"] == [
        ("reminder", w.dept["scj"])]
    assert ev.data["enterprises"] == 3
    # c is not with a department yet: its supervision opens when it is dispatched
    dispatch(w, c, "zjj")
    with w.ctx.sessions() as s:
        assert [x.value for x in s.scalars(select(Supervision.trigger).where(Supervision.ticket_id == c))] == [
            "repeated"]
    with w.ctx.sessions() as s:
        assert verify(s).ok


def test_reports_spread_over_more_than_the_window_are_not_concentrated(w: World, clock: FixedClock) -> None:
    a = submit(w, "ent1_user")
    clock.advance(timedelta(days=5))
    submit(w, "ent2_user", TITLE2, TEXT2)
    clock.advance(timedelta(days=3))
    c = submit(w, "agent", TITLE2, TEXT2 + "希望重视", enterprise_name="象湖县宏远纺织有限公司")
    assert not fp_flag(w, a) and not fp_flag(w, c)


def fp_flag(w: World, tid: int) -> bool:
    with w.ctx.sessions() as s:
        return fp.is_concentrated(s, tid)


def test_hot_topics_group_near_duplicates_and_links(w: World, clock: FixedClock) -> None:
    a = submit(w, "ent1_user")
    submit(w, "ent2_user", TITLE2, TEXT2)
    x = submit(w, "ent1_user", *OTHER)
    y = submit(w, "ent2_user", "道路积水无人处理", "厂区门口道路积水严重，货车无法进出，请求尽快修复排水设施。")
    dup.link_repeat(w.ctx, w["agent"], y, x)  # the center's judgement joins what the text does not
    got = dup.hot_topics(w.ctx, w["supervisor"])
    assert [(t["first_ticket_id"], t["tickets"], t["enterprises"]) for t in got["items"]] == [(a, 2, 2), (x, 2, 2)]
    assert got["items"][0]["label"] == TITLE
    clock.advance(timedelta(days=31))
    assert dup.hot_topics(w.ctx, w["leader"])["items"] == []
    assert len(dup.hot_topics(w.ctx, w["agent"], days=60)["items"]) == 2
    with pytest.raises(Forbidden):
        dup.hot_topics(w.ctx, w["scj_handler"])
    with pytest.raises(InvalidInput):
        dup.hot_topics(w.ctx, w["agent"], days=400)


def test_finished_tickets_count_while_recent_then_are_pruned(w: World, clock: FixedClock) -> None:
    a = submit(w, "ent1_user")
    perform(w.ctx, w["agent"], a, Action.terminate, P(reason="已依法处理完毕"))
    assert [i["ticket_id"] for i in dup.check_draft(w.ctx, w["agent"], TITLE2, TEXT2)["items"]] == [a]
    clock.advance(timedelta(days=91))
    assert dup.check_draft(w.ctx, w["agent"], TITLE2, TEXT2)["items"] == []
    with w.ctx.sessions.begin() as s:
        assert fp.prune(s, clock.now() - timedelta(days=90)) == 1
    with w.ctx.sessions() as s:
        assert s.get(TicketFingerprint, a) is None
        assert s.scalars(select(TicketBandKey).where(TicketBandKey.ticket_id == a)).all() == []


def _index_rows(w: World) -> dict[int, tuple[bytes, list[int]]]:
    with w.ctx.sessions() as s:
        fps = {f.ticket_id: f.shingles for f in s.scalars(select(TicketFingerprint))}
        keys: dict[int, list[int]] = {}
        for k in s.scalars(select(TicketBandKey).order_by(TicketBandKey.band_key)):
            keys.setdefault(k.ticket_id, []).append(k.band_key)
    return {t: (raw, keys.get(t, [])) for t, raw in fps.items()}


def _drop_index(w: World) -> None:
    with w.ctx.sessions.begin() as s:
        s.execute(TicketBandKey.__table__.delete())
        s.execute(TicketFingerprint.__table__.delete())


def test_reindex_backfills_what_still_counts(w: World, clock: FixedClock) -> None:
    old = submit(w, "ent1_user", *OTHER)
    perform(w.ctx, w["agent"], old, Action.terminate, P(reason="已依法处理完毕"))
    clock.advance(timedelta(days=91))
    a = submit(w, "ent1_user")
    b = submit(w, "ent2_user", TITLE2, TEXT2)
    before = _index_rows(w)
    _drop_index(w)  # as on a database that had tickets before the index tables came
    assert dup.check_draft(w.ctx, w["agent"], TITLE2, TEXT2)["items"] == []
    seen: list[int] = []
    assert dup.reindex(w.ctx, batch=1, progress=seen.append) == 2
    assert seen == [1, 2]
    after = _index_rows(w)
    assert set(after) == {a, b}  # the ticket finished long ago stays out, as prune would leave it
    assert after[a] == before[a] and after[b] == before[b]  # the same rows intake wrote
    assert {i["ticket_id"] for i in dup.check_draft(w.ctx, w["agent"], TITLE2, TEXT2)["items"]} == {a, b}
    assert dup.reindex(w.ctx) == 0


def test_the_worker_prunes_the_index_every_day(w: World, clock: FixedClock) -> None:
    from qitong.jobs.worker import PERIODIC

    assert ("duplicates-prune", dup.prune_index, 24 * 3600.0) in PERIODIC
    done = [submit(w, "ent1_user"), submit(w, "ent2_user", TITLE2, TEXT2)]
    for tid in done:
        perform(w.ctx, w["agent"], tid, Action.terminate, P(reason="已依法处理完毕"))
    clock.advance(timedelta(days=30))
    live = submit(w, "ent1_user", *OTHER)
    assert dup.prune_index(w.ctx, batch=1) == 0  # finished, but within the recent window
    clock.advance(timedelta(days=61))
    assert dup.prune_index(w.ctx, batch=1) == 2  # two batches of one, then an empty one
    assert set(_index_rows(w)) == {live}


def test_cli_reindex_and_prune(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from qitong.cli.main import app as cli

    a = submit(w, "ent1_user")
    _drop_index(w)
    monkeypatch.setenv("QITONG_DATABASE_URL", w.ctx.settings.database_url)
    r = CliRunner().invoke(cli, ["duplicates", "reindex", "--batch", "10"])
    assert r.exit_code == 0, r.output
    assert "补建完成：1 件工单已建立相似索引" in r.output
    assert set(_index_rows(w)) == {a}
    r = CliRunner().invoke(cli, ["duplicates", "prune"])
    assert r.exit_code == 0 and "清理完成：0 件" in r.output


def test_the_vectorised_recheck_is_exact_jaccard() -> None:
    import numpy as np

    from qitong.domain.duplicates import EMPTY, jaccard, shingles, to_bytes

    q = shingles(TITLE + TEXT)
    sets = [shingles(TITLE2 + TEXT2), shingles(OTHER[0] + OTHER[1]), EMPTY, q, shingles("断电"), shingles(TEXT)]
    got = fp.similarities(q, [to_bytes(x) for x in sets])
    assert np.allclose(got, [jaccard(q, x) for x in sets]) and got[3] == 1.0 and got[2] == 0.0
    assert fp.similarities(EMPTY, [to_bytes(q)]).tolist() == [0.0] and fp.similarities(q, []).size == 0
    assert fp.similarities(q, [to_bytes(EMPTY), to_bytes(q), to_bytes(EMPTY)]).tolist() == [0.0, 1.0, 0.0]


def test_the_candidate_cap_keeps_those_sharing_most_band_keys(w: World) -> None:
    a = submit(w, "ent1_user")
    b = submit(w, "ent2_user", TITLE2, TEXT2)
    pr = fp.probe(TITLE, TEXT)
    since = w.ctx.clock.now() - timedelta(days=90)
    with w.ctx.sessions() as s:
        assert {h.ticket_id for h in fp.search(s, pr, since=since, threshold=0.4)} == {a, b}
        [only] = fp.search(s, pr, since=since, threshold=0.4, cap=1)
    assert only.ticket_id == a and only.similarity == 1.0  # the identical text shares all 32 keys
