"""The server-rendered pages (Simplified Chinese). `install` adds the cookie session, the static files,
the page routers, and HTML answers for unknown addresses outside /api (the API keeps its JSON)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from qitong.settings import Settings
from qitong.web.errors import refusal
from qitong.web.pages import (
    admin,
    channels,
    dashboard,
    disclosure,
    login,
    portal,
    qr,
    responsibility,
    routing_model,
    tickets,
    workbench,
)
from qitong.web.pages.render import make_templates
from qitong.web.pages.route import SECURITY_HEADERS, TITLES, error_page

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
SESSION_COOKIE = "qitong_session"


def install(app: FastAPI, settings: Settings) -> None:
    app.state.templates = make_templates(settings.timezone)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_hours * 3600,
        same_site="lax",
        https_only=settings.session_cookie_secure,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (login, portal, workbench, tickets, dashboard, qr, disclosure, admin, responsibility, channels,
                   routing_model):
        app.include_router(module.router)
    _html_not_found(app)
    _html_database_refusal(app)


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api") or path.startswith("/static") or path in ("/docs", "/openapi.json"))


def _html_database_refusal(app: FastAPI) -> None:
    """A request the database refused (web/errors.refusal): a Chinese page outside the API."""
    json_handler = app.exception_handlers[StatementError]

    async def handler(request: Request, e: Exception) -> Response:
        r = refusal(e)
        if not _wants_html(request) or r is None:
            out = json_handler(request, e)
            return out if isinstance(out, Response) else await out
        page = await error_page(request, r.status, TITLES[503] if r.status == 503 else r.message)
        page.headers.update({**SECURITY_HEADERS, "Retry-After": "1"} if r.status == 503 else SECURITY_HEADERS)
        return page

    app.add_exception_handler(StatementError, handler)
    app.add_exception_handler(OverflowError, handler)


def _html_not_found(app: FastAPI) -> None:
    """Unknown addresses get a Chinese page outside the API; the API's JSON handler stays as it is."""
    json_handler = app.exception_handlers[StarletteHTTPException]

    async def handler(request: Request, e: Exception) -> Response:
        assert isinstance(e, StarletteHTTPException)
        if not _wants_html(request):
            out = json_handler(request, e)
            return out if isinstance(out, Response) else await out
        page = await error_page(request, e.status_code, TITLES.get(e.status_code, str(e.detail)))
        page.headers.update(SECURITY_HEADERS)
        return page

    app.add_exception_handler(StarletteHTTPException, handler)
