from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from qitong.adapters.mail import SmtpMailer
from qitong.adapters.sms import FileSmsSink, HttpSmsGateway, sms_from_settings
from qitong.settings import Settings

AT = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_mail_is_utf8_with_a_stable_message_id() -> None:
    m = SmtpMailer("127.0.0.1", sender="企通 <noreply@qitong.local>")
    msg = m.build("scj@example.gov.cn", "新工单待签收", "工单 QT20261123000001 已分派贵单位主办。",
                  message_id="qitong-delivery-7", at=AT)
    assert msg["Message-ID"] == "<qitong-delivery-7@qitong.local>"
    assert msg["Subject"] == "新工单待签收"
    assert "已分派贵单位主办" in msg.get_content()


def test_mailer_only_when_a_host_is_configured() -> None:
    assert SmtpMailer.from_settings(Settings()) is None
    m = SmtpMailer.from_settings(Settings(smtp_host="smtp.example.gov.cn", smtp_port=587, smtp_starttls=True))
    assert m is not None and m.port == 587 and m.starttls


def test_file_sink_appends_json_lines(tmp_path: Path) -> None:
    sink = FileSmsSink(tmp_path / "var" / "sms.log")
    sink.send("13812345678", "【企通】您的诉求已收到", message_id="qitong-delivery-1", at=AT)
    sink.send("13900001111", "【企通】新工单待签收", message_id="qitong-delivery-2", at=AT)
    lines = [json.loads(x) for x in (tmp_path / "var" / "sms.log").read_text(encoding="utf-8").splitlines()]
    assert [x["phone"] for x in lines] == ["13812345678", "13900001111"]
    assert lines[0]["text"] == "【企通】您的诉求已收到" and lines[0]["message_id"] == "qitong-delivery-1"


def test_sms_gateway_choice_follows_settings(tmp_path: Path) -> None:
    assert isinstance(sms_from_settings(Settings(sms_log_path=tmp_path / "sms.log")), FileSmsSink)
    gw = sms_from_settings(Settings(sms_gateway_url="http://127.0.0.1:9/sms", sms_gateway_secret="k"))
    assert isinstance(gw, HttpSmsGateway) and gw.secret == "k"
