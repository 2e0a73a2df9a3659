"""create_app(settings): no module-level app, engine or settings."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from qitong.db.engine import make_engine, make_sessionmaker
from qitong.domain.clock import Clock, SystemClock
from qitong.services.context import Context
from qitong.settings import Settings
from qitong.web import errors
from qitong.web import pages as web_pages
from qitong.web.api import auth, calendar, escalation, notifications, org, public, supervision, tickets
from qitong.web.api import channels as channels_api
from qitong.web.api import duplicates as duplicates_api
from qitong.web.api import evaluation as evaluation_api
from qitong.web.api import knowledge as knowledge_api
from qitong.web.api import routing as routing_api
from qitong.web.pages import cases as cases_pages
from qitong.web.pages import duplicates as duplicates_pages
from qitong.web.pages import evaluation as evaluation_pages
from qitong.web.pages import knowledge as knowledge_pages


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    ctx = Context(make_sessionmaker(engine), clock or SystemClock(), settings)
    app = FastAPI(
        title="企通 Qitong API",
        version="0.1.0",
        description="涉企问题高效闭环解决平台：提出、受理、分派、处理、跟踪、反馈、评价、考核。",
    )
    app.state.ctx = ctx
    app.state.engine = engine
    errors.install(app)
    for module in (auth, tickets, org, public, calendar, notifications, supervision, escalation):
        app.include_router(module.router)
    app.include_router(evaluation_api.router)  # KPIs, revisits, appeals, reports, cases (issue 6)
    app.include_router(channels_api.router)  # 12345 import, forum/visit batches, assigned problems (issue 5)
    app.include_router(routing_api.router)  # responsibility list, proposals, suggestions (issue 5)
    app.include_router(duplicates_api.router)  # near-duplicates, repeats, hot topics (issue 5 item 4)
    app.include_router(duplicates_pages.router)  # intake warning, 相似工单 panel, 热点问题 page
    app.include_router(evaluation_pages.router)  # 考核排名, 回访, 台账, 申诉, 报告 pages (issue 6)
    app.include_router(cases_pages.router)  # 案例库, 共性问题 pages (issue 6)
    app.include_router(knowledge_api.router)  # knowledge base, similar cases (issue 5 item 5)
    app.include_router(knowledge_pages.router)  # 政策问答, 知识库管理, intake and similar panels
    web_pages.install(app, settings)  # the server-rendered pages (web/pages/), HTML errors outside /api

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:  # browsers ask for it whatever the page links
        return RedirectResponse("/static/img/favicon.svg", status_code=301)

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
