"""The operators' commands, as subprocesses against a real SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def qitong(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QITONG_DATABASE_URL": f"sqlite:///{db}",
           "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    return subprocess.run([sys.executable, "-c", "from qitong.cli.main import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "demo.db"
    r = qitong(db, "db", "upgrade")
    assert r.returncode == 0, r.stderr
    r = qitong(db, "demo", "load")
    assert r.returncode == 0, r.stderr
    assert "已载入演示数据" in r.stdout
    return db


def test_demo_has_every_state_and_an_intact_chain(demo_db: Path) -> None:
    con = sqlite3.connect(demo_db)
    states = {s for (s,) in con.execute("select distinct status from tickets")}
    roles = {r for (r,) in con.execute("select distinct role from users")}
    n_dept = con.execute("select count(*) from departments").fetchone()[0]
    n_ent = con.execute("select count(*) from enterprises").fetchone()[0]
    # the 职责清单 (keywords for the cold start) and a first few published typical cases
    n_entries = con.execute("select count(*) from responsibility_entries where keywords != '[]'").fetchone()[0]
    n_cases = con.execute("select count(*) from typical_cases where status = 'published'").fetchone()[0]
    decided = con.execute("select count(*) from audit_events where action = 'dispatch' "
                          "and data like '%\"source\": \"responsibility_list\"%'").fetchone()[0]
    con.close()
    assert n_entries >= 20 and n_cases == 3 and decided > 0
    from qitong.domain.tickets.lifecycle import Role, Status

    assert states == {s.value for s in Status}
    assert roles == {r.value for r in Role}
    assert n_dept >= 25 and n_ent == 200
    r = qitong(demo_db, "audit", "verify")
    assert r.returncode == 0 and "审计链完整" in r.stdout
    again = qitong(demo_db, "demo", "load")
    assert again.returncode == 0 and "跳过" in again.stdout


def test_audit_verify_names_the_first_broken_link(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tampered.db"
    copy.write_bytes(demo_db.read_bytes())
    con = sqlite3.connect(copy)
    con.execute("update audit_events set reason = '篡改' where seq = 42")
    con.commit()
    con.close()
    r = qitong(copy, "audit", "verify")
    assert r.returncode == 1 and "第 42 条" in r.stderr


def test_calendar_load_year_makes_2027_known(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "cal.db"
    copy.write_bytes(demo_db.read_bytes())
    r = qitong(copy, "workdays", "add", "2027-02-05", "1")
    assert r.stdout.strip() == "2027-02-08" and "provisional" in r.stderr
    schedule = tmp_path / "2027.json"
    # a made-up 2027 schedule for the test: Spring Festival 02-06..02-12, Saturday 02-13 worked
    schedule.write_text(json.dumps({
        "days_off": [f"2027-02-{d:02d}" for d in range(6, 13)], "workdays": ["2027-02-13"], "note": "测试"}))
    r = qitong(copy, "calendar", "load-year", "2027", str(schedule))
    assert r.returncode == 0, r.stderr
    r = qitong(copy, "workdays", "add", "2027-02-05", "1")
    assert r.stdout.strip() == "2027-02-13" and r.stderr == ""


def test_serve_with_two_worker_processes_answers(demo_db: Path) -> None:
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "QITONG_DATABASE_URL": f"sqlite:///{demo_db}",
           "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    proc = subprocess.Popen([sys.executable, "-c", "from qitong.cli.main import main; main()", "serve",
                             "--port", str(port), "--workers", "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body = None
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/public", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None and "象湖县" in body, "the server did not answer"
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    assert out.count("Started server process") == 2, out  # two worker processes


def test_the_workers_listener_gives_connections_tcp_nodelay() -> None:
    """Without it each keep-alive response waits for the client's delayed ACK (uvicorn issue #3149)."""
    import asyncio
    import socket

    import uvicorn

    from qitong.cli.main import tcp_listener

    sock = tcp_listener(uvicorn.Config("qitong.cli.main:serving_app", host="127.0.0.1", port=0))
    assert sock.proto == socket.IPPROTO_TCP

    async def accepted_nodelay() -> int:
        got: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                s = transport.get_extra_info("socket")
                got.set_result(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        async with server:
            _r, w = await asyncio.open_connection("127.0.0.1", sock.getsockname()[1])
            value = await asyncio.wait_for(got, 5)
            w.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0
