"""The outbox worker against real receivers: an SMTP server (aiosmtpd), an HTTP server that checks
webhook signatures, and the SMS file sink; retries, dead letters and replay with an injected clock
and a seeded random. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from qitong.adapters.mail import SmtpMailer
from qitong.adapters.sms import FileSmsSink
from qitong.adapters.webhooks import WebhookPoster
from qitong.db.models import AuditEvent, Delivery, DeliveryStatus, Medium, Notification, OutboxMessage, OutboxStatus
from qitong.domain.clock import FixedClock
from qitong.domain.errors import Conflict, Forbidden
from qitong.domain.notifications import backoff_delay
from qitong.domain.tickets.lifecycle import Action
from qitong.jobs.outbox import Senders, deliver_all, deliver_due
from qitong.services import outbox, outbox_admin, webhooks
from qitong.services.context import Context
from qitong.services.notifications import Preferences, set_preferences
from qitong.services.tickets.actions import perform
from qitong.services.tickets.intake import TicketCreate, create_ticket
from qitong.services.tickets.payloads import ActionPayload as P
from tests.support.receivers import HttpReceiver, SmtpSink, http_receiver, smtp_server
from tests.support.world import World, build_world

SEED = 20261123


@dataclass
class Rig:
    ctx: Context
    w: World
    clock: FixedClock
    senders: Senders
    smtp: SmtpSink
    hook: HttpReceiver
    sms_log: Path
    rng: random.Random

    def deliver(self) -> int:
        self.hook.now = int(self.clock.now().timestamp())
        return deliver_due(self.ctx, senders=self.senders, rng=self.rng)

    def sms(self) -> list[dict[str, str]]:
        if not self.sms_log.exists():
            return []
        return [json.loads(x) for x in self.sms_log.read_text(encoding="utf-8").splitlines()]

    def count(self, model: type[Notification] | type[Delivery], **where: object) -> int:
        with self.ctx.sessions() as s:
            stmt = select(func.count()).select_from(model).filter_by(**where)
            return s.scalar(stmt) or 0

    def statuses(self) -> dict[str, str]:
        with self.ctx.sessions() as s:
            return {m.topic: m.status.value for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))}


@pytest.fixture
def rig(ctx: Context, clock: FixedClock, tmp_path: Path) -> Iterator[Rig]:
    settings = ctx.settings.model_copy(update={"outbox_max_attempts": 3, "outbox_backoff_base_seconds": 30.0,
                                               "outbox_backoff_cap_seconds": 3600.0})
    c = Context(ctx.sessions, clock, settings)
    w = build_world(c)
    with smtp_server() as (sink, port), http_receiver() as hook:
        senders = Senders(SmtpMailer("127.0.0.1", port, timeout=5), FileSmsSink(tmp_path / "sms.log"),
                          WebhookPoster(timeout=5))
        sub = webhooks.create_subscription(c, w["admin"], webhooks.WebhookCreate(
            name="县政务数据平台", url=hook.url, topics=["ticket.*"]))
        hook.secret = sub["secret"]
        yield Rig(c, w, clock, senders, sink, hook, tmp_path / "sms.log", random.Random(SEED))


def submit(r: Rig) -> int:
    data = TicketCreate(title="营业执照变更审批超时", content="我公司三周前提交经营范围变更申请，至今没有结果，影响投标。",
                        submitter_name="王建国", submitter_phone="13812345678")
    return create_ticket(r.ctx, r.w["ent1_user"], data).ticket_id


def dispatch(r: Rig) -> int:
    tid = submit(r)
    perform(r.ctx, r.w["agent"], tid, Action.accept, P(category="zwfw.spxl"))
    perform(r.ctx, r.w["dispatcher"], tid, Action.dispatch, P(lead_unit_id=r.w.dept["scj"]))
    return tid


def test_one_pass_delivers_in_app_email_sms_and_webhooks(rig: Rig) -> None:
    r = rig
    set_preferences(r.ctx, r.w["scj_handler"], Preferences(email="scj.handler@example.gov.cn"))
    dispatch(r)
    assert r.deliver() == 3
    assert r.statuses() == {"ticket.submit": "sent", "ticket.accept": "sent", "ticket.dispatch": "sent"}
    # in-app: the enterprise heard three times, the lead unit once
    with r.ctx.sessions() as s:
        titles = {(n.user_id, n.title) for n in s.scalars(select(Notification))}
    ent, handler = r.w["ent1_user"].actor.user_id, r.w["scj_handler"].actor.user_id
    assert {(ent, "诉求已收到"), (ent, "诉求已受理"), (ent, "诉求已分派"), (handler, "新工单待签收")} <= titles
    # email through a real SMTP server
    (mail,) = r.smtp.messages
    assert mail["To"] == "scj.handler@example.gov.cn" and mail["Subject"] == "新工单待签收"
    assert "已分派贵单位主办" in mail.get_content()
    assert mail["Message-ID"].startswith("<qitong-delivery-")
    # SMS to the submitter's phone, with the query code
    (sms,) = r.sms()
    assert sms["phone"] == "13812345678" and "查询码" in sms["text"] and sms["text"].startswith("【企通】")
    # webhooks: one signed POST per event
    assert [x.headers["x-qitong-event"] for x in r.hook.received] == ["ticket.submit", "ticket.accept", "ticket.dispatch"]
    assert all(x.signature_ok for x in r.hook.received)
    event = r.hook.received[2].json()
    assert event["topic"] == "ticket.dispatch" and event["data"]["lead_unit_id"] == r.w.dept["scj"]
    assert r.count(Delivery, status=DeliveryStatus.sent) == 5
    assert r.deliver() == 0  # nothing left


def test_delivering_the_same_row_twice_creates_nothing_twice(rig: Rig) -> None:
    r = rig
    dispatch(r)
    r.deliver()
    before = (r.count(Notification), r.count(Delivery), len(r.hook.received), len(r.sms()))
    with r.ctx.sessions.begin() as s:  # as if a crash lost the "sent" marks
        s.execute(update(OutboxMessage).values(status=OutboxStatus.pending, next_attempt_at=r.clock.now()))
    assert r.deliver() == 3
    assert (r.count(Notification), r.count(Delivery), len(r.hook.received), len(r.sms())) == before
    with r.ctx.sessions.begin() as s:  # and fan-out itself is idempotent
        m = s.scalars(select(OutboxMessage).where(OutboxMessage.topic == "ticket.dispatch")).one()
        outbox.fan_out(s, m, r.clock.now(), r.ctx.policy.tz, email=True)
        outbox.fan_out(s, m, r.clock.now(), r.ctx.policy.tz, email=True)
    assert (r.count(Notification), r.count(Delivery)) == before[:2]


def test_failures_back_off_with_jitter_then_succeed(rig: Rig) -> None:
    r = rig
    submit(r)
    r.hook.script = [500, 503]
    t0 = r.clock.now()
    assert r.deliver() == 1
    with r.ctx.sessions() as s:
        d = s.scalars(select(Delivery).where(Delivery.medium == Medium.webhook)).one()
        m = s.scalars(select(OutboxMessage)).one()
    expected = backoff_delay(outbox.retry_policy(r.ctx.settings), 1, random.Random(SEED).random())
    assert (d.status, d.attempts, d.next_attempt_at) == (DeliveryStatus.failed, 1, t0 + expected)
    assert "HTTP 500" in (d.last_error or "")
    assert (m.status, m.next_attempt_at) == (OutboxStatus.pending, d.next_attempt_at)
    assert r.deliver() == 0  # not due yet; the SMS already went and is not sent again
    r.clock.advance(expected)
    assert r.deliver() == 1
    r.clock.advance(timedelta(hours=1))
    assert r.deliver() == 1
    assert r.statuses() == {"ticket.submit": "sent"}
    assert len(r.hook.received) == 3 and len(r.sms()) == 1
    assert r.count(Delivery, medium=Medium.webhook, status=DeliveryStatus.sent, attempts=3) == 1


def test_smtp_temporary_failure_is_retried(rig: Rig) -> None:
    r = rig
    set_preferences(r.ctx, r.w["scj_handler"], Preferences(email="scj.handler@example.gov.cn"))
    r.smtp.refuse = 1
    dispatch(r)
    r.deliver()
    assert r.count(Delivery, medium=Medium.email, status=DeliveryStatus.failed) == 1
    r.clock.advance(timedelta(hours=1))
    r.deliver()
    assert r.count(Delivery, medium=Medium.email, status=DeliveryStatus.sent) == 1
    assert len(r.smtp.messages) == 1


def test_dead_letter_list_and_replay(rig: Rig) -> None:
    r = rig
    submit(r)
    r.hook.script = [500, 500, 500]
    for _ in range(3):
        r.deliver()
        r.clock.advance(timedelta(hours=2))
    assert r.statuses() == {"ticket.submit": "dead"}
    total, items = outbox_admin.list_messages(r.ctx, r.w["admin"], OutboxStatus.dead, 1, 20)
    assert total == 1
    (item,) = items
    hooks = [d for d in item["deliveries"] if d["medium"] == "webhook"]
    assert hooks[0]["status"] == "dead" and hooks[0]["attempts"] == 3
    assert [d["recipient"] for d in item["deliveries"] if d["medium"] == "sms"] == ["138****5678"]
    with pytest.raises(Forbidden):
        outbox_admin.list_messages(r.ctx, r.w["dispatcher"], OutboxStatus.dead, 1, 20)
    with pytest.raises(Forbidden):
        outbox_admin.replay(r.ctx, r.w["dispatcher"], item["id"])
    out = outbox_admin.replay(r.ctx, r.w["admin"], item["id"])
    assert out["status"] == "pending"
    with r.ctx.sessions() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "replay")).one()
        assert (ev.entity, ev.entity_id, ev.actor_role) == ("outbox", str(item["id"]), "admin")
    assert r.deliver() == 1
    assert r.statuses() == {"ticket.submit": "sent"}
    assert len(r.sms()) == 1  # what had been sent was not sent again
    with pytest.raises(Conflict):
        outbox_admin.replay(r.ctx, r.w["admin"], item["id"])


def test_a_failing_fan_out_retries_then_dead_letters(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    r = rig
    submit(r)

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("模板数据异常")

    monkeypatch.setattr("qitong.services.notify.plan", broken)
    for _ in range(3):
        assert r.deliver() == 1
        r.clock.advance(timedelta(hours=2))
    with r.ctx.sessions() as s:
        m = s.scalars(select(OutboxMessage)).one()
    assert (m.status, m.attempts) == (OutboxStatus.dead, 3)
    assert "模板数据异常" in (m.last_error or "")
    assert r.count(Notification) == 0
    monkeypatch.undo()
    outbox_admin.replay(r.ctx, r.w["admin"], m.id)
    r.deliver()
    assert r.statuses() == {"ticket.submit": "sent"} and r.count(Notification) > 0


def test_deactivated_subscription_dead_letters_its_delivery(rig: Rig) -> None:
    r = rig
    subs = webhooks.list_subscriptions(r.ctx, r.w["admin"])
    submit(r)
    r.hook.script = [500]
    r.deliver()
    webhooks.set_active(r.ctx, r.w["admin"], subs[0]["id"], False)
    r.clock.advance(timedelta(hours=1))
    r.deliver()
    assert r.statuses() == {"ticket.submit": "dead"}
    submit(r)
    r.deliver()  # a new event no longer fans out to it
    assert r.count(Delivery, medium=Medium.webhook) == 1


def test_deliver_all_drains_the_backlog(rig: Rig) -> None:
    for _ in range(3):
        dispatch(rig)
    rig.hook.now = int(rig.clock.now().timestamp())
    with rig.ctx.sessions() as s:
        queued = s.scalar(select(func.count()).select_from(OutboxMessage))
    assert queued is not None and queued >= 9
    assert deliver_all(rig.ctx, senders=rig.senders, rng=rig.rng) == queued
    with rig.ctx.sessions() as s:
        assert set(s.scalars(select(OutboxMessage.status))) == {OutboxStatus.sent}


def test_postgres_workers_skip_rows_another_worker_holds(rig: Rig) -> None:
    r = rig
    if r.ctx.sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writers with BEGIN IMMEDIATE")
    submit(r)
    submit(r)
    with r.ctx.sessions() as other, other.begin():
        held = other.scalars(select(OutboxMessage).order_by(OutboxMessage.id).limit(1).with_for_update()).one()
        assert r.deliver() == 1  # the other one
        assert held.status == OutboxStatus.pending
    assert r.deliver() == 1
    assert set(r.statuses().values()) == {"sent"}
