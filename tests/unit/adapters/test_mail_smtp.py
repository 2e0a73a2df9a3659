"""SmtpMailer against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qitong.adapters.errors import DeliveryFailed
from qitong.adapters.mail import SmtpMailer
from tests.support.receivers import free_port, smtp_server

AT = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_login_then_send() -> None:
    with smtp_server(login=("qitong", "Smtp#2026")) as (sink, port):
        SmtpMailer("127.0.0.1", port, user="qitong", password="Smtp#2026", timeout=5).send(
            "scj@example.gov.cn", "新工单待签收", "工单 QT20261123000001 已分派贵单位主办。", message_id="m1", at=AT)
        # smtplib cannot even send a non-ASCII password: a delivery failure, not a crashed worker
        with pytest.raises(DeliveryFailed, match="ascii"):
            SmtpMailer("127.0.0.1", port, user="qitong", password="口令", timeout=5).send(
                "scj@example.gov.cn", "新工单待签收", "正文", message_id="m2", at=AT)
    (msg,) = sink.messages
    assert msg["Subject"] == "新工单待签收" and sink.envelopes[0][1] == ["scj@example.gov.cn"]


def test_no_server_is_a_delivery_failure() -> None:
    with pytest.raises(DeliveryFailed, match=r"SMTP 127\.0\.0\.1"):
        SmtpMailer("127.0.0.1", free_port(), timeout=2).send("a@example.gov.cn", "s", "b", message_id="m", at=AT)
