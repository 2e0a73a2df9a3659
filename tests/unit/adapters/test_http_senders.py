"""The SMS gateway and webhook poster against a real local HTTP server that checks signatures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qitong.adapters.errors import DeliveryFailed
from qitong.adapters.sms import HttpSmsGateway
from qitong.adapters.webhooks import WebhookPoster
from tests.support.receivers import free_port, http_receiver

AT = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
NOW = int(AT.timestamp())


def test_sms_gateway_posts_signed_json() -> None:
    with http_receiver("sms-secret", NOW) as rec:
        HttpSmsGateway(rec.url, "sms-secret", timeout=5).send("13812345678", "【企通】您的诉求已收到",
                                                             message_id="qitong-delivery-3", at=AT)
    (r,) = rec.received
    assert r.signature_ok
    assert r.json() == {"message_id": "qitong-delivery-3", "phone": "13812345678", "text": "【企通】您的诉求已收到"}


@pytest.mark.parametrize(("script", "answer"), [([503], {"accepted": True}), ([], {"accepted": False, "error": "余额不足"})])
def test_sms_gateway_failure(script: list[int], answer: dict[str, object]) -> None:
    with http_receiver("sms-secret", NOW) as rec:
        rec.script, rec.answer = script, answer
        with pytest.raises(DeliveryFailed):
            HttpSmsGateway(rec.url, "sms-secret", timeout=5).send("13812345678", "x", message_id="m", at=AT)


def test_webhook_headers_and_non_2xx() -> None:
    body = b'{"topic":"ticket.close"}'
    with http_receiver("hook-secret", NOW) as rec:
        poster = WebhookPoster(timeout=5)
        poster.post(rec.url, "hook-secret", body, topic="ticket.close", delivery_id="qitong-delivery-9", at=AT)
        rec.script = [500]
        with pytest.raises(DeliveryFailed, match="HTTP 500"):
            poster.post(rec.url, "hook-secret", body, topic="ticket.close", delivery_id="qitong-delivery-9", at=AT)
    first = rec.received[0]
    assert first.signature_ok and first.body == body
    assert first.headers["x-qitong-event"] == "ticket.close"
    assert first.headers["x-qitong-delivery"] == "qitong-delivery-9"


def test_refused_connection_is_a_delivery_failure() -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    with pytest.raises(DeliveryFailed):
        WebhookPoster(timeout=2).post(url, "s", b"{}", topic="t", delivery_id="d", at=AT)
