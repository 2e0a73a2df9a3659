"""智能分派模型 over HTTP, on SQLite and PostgreSQL: the model's state for the center and oversight, an
administrator's 立即重新训练 (refused while there is too little to learn from, then trained and audited),
and nobody else."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from qitong.db.models import AuditEvent
from qitong.domain.clock import FixedClock
from qitong.services.context import Context
from qitong.settings import Settings
from qitong.web.app import create_app
from tests.support.pages import pages
from tests.support.similar import LICENCE, ROAD, close
from tests.support.world import World, build_world


def test_the_model_page_and_retraining_now(ctx: Context, clock: FixedClock, tmp_path: Path) -> None:
    ctx.settings = Settings(database_url=ctx.settings.database_url, attachment_dir=ctx.settings.attachment_dir,
                            routing_model_path=tmp_path / "models" / "routing.joblib")
    w: World = build_world(ctx)
    app = create_app(ctx.settings, clock=clock)
    with TestClient(app, follow_redirects=False) as client:
        agent = pages(client, "agent")
        page = agent.get("/routing/model").text
        assert 'data-trained="no"' in page and 'id="train-now"' not in page and 'href="/routing/model"' in page

        admin = pages(client, "admin")
        admin.get("/routing/model")
        refused = admin.post("/routing/model/train", {}, 422).text
        assert "已办结工单太少" in refused and not ctx.settings.routing_model_path.exists()

        close(w, clock, *LICENCE)
        close(w, clock, *ROAD, dept="zjj")
        admin.get("/routing/model")
        r = admin.post("/routing/model/train", {})
        assert r.headers["location"] == "/routing/model"
        page = admin.get("/routing/model").text
        assert 'data-trained="yes"' in page and "共 2 件" in page and 'data-head="lead_unit"' in page
        assert "已用 2 件已办结工单重新训练智能分派模型" in page
        with w.ctx.sessions() as s:
            ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "routing.train")).one()
            assert ev.actor_name == "admin" and ev.data["samples"] == 2

        pages(client, "scj_handler").get("/routing/model", 403)
        pages(client, "ent1_user").get("/routing/model", 403)
        agent = pages(client, "agent")
        agent.get("/routing/model")
        assert "只有管理员可以重新训练模型" in agent.post("/routing/model/train", {}, 403).text
    app.state.engine.dispose()
