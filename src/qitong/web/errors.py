"""Domain errors to HTTP, in one place. One JSON shape: {"detail": ..., "field": ..., "code": ...}."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from qitong.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleVersion,
    Unauthenticated,
)
from qitong.domain.input_errors import field_of, reason

STATUS: dict[type[DomainError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    StaleVersion: 412,
    Unauthenticated: 401,
}

def body(detail: str, *, field: str | None, code: str, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "field": field, "code": code, **extra}


def _status(e: DomainError) -> int:
    for cls in type(e).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


DISCONNECTED = "与数据库的连接刚刚中断，本次请求未被保存，请重试"
NUL = "提交的内容含有空字符（\\x00），无法保存，请删除后重试"
OUT_OF_RANGE = "提交的数值或文字超出允许范围（例如编号过大、文字过长），请检查后重试"


@dataclass(frozen=True)
class Refusal:
    """A database error that is the request's fault or a passing condition, not a bug: how to answer."""

    status: int
    code: str
    message: str


def refusal(e: Exception) -> Refusal | None:
    """The database refused the input (a number beyond its column, text it cannot store) or lost its
    connection (a restart; the pool does not pre-ping). Anything else stays a 500: a bug to fix."""
    if isinstance(e, OverflowError):  # SQLite's driver binding an integer beyond 64 bits, unwrapped
        return Refusal(422, "invalid_input", OUT_OF_RANGE) if "SQLite INTEGER" in str(e) else None
    if not isinstance(e, StatementError):
        return None
    if isinstance(e, DBAPIError) and e.connection_invalidated:
        return Refusal(503, "database_unavailable", DISCONNECTED)
    if "NUL (0x00)" in str(e.orig):  # psycopg says so before sending; SQLite would have stored it
        return Refusal(422, "invalid_input", NUL)
    if isinstance(e, DataError) or isinstance(e.orig, OverflowError):  # SQLSTATE class 22; SQLite's int64
        return Refusal(422, "invalid_input", OUT_OF_RANGE)
    return None


def install(app: FastAPI) -> None:
    async def _database(_r: Request, e: Exception) -> JSONResponse:
        # the transaction has rolled back (the session's context manager), so nothing is half-written
        r = refusal(e)
        if r is None:
            raise e
        return JSONResponse(body(r.message, field=None, code=r.code), r.status,
                            headers={"Retry-After": "1"} if r.status == 503 else None)

    app.add_exception_handler(StatementError, _database)
    app.add_exception_handler(OverflowError, _database)

    @app.exception_handler(DomainError)
    async def _domain(_r: Request, e: DomainError) -> JSONResponse:
        extra: dict[str, Any] = {}
        if isinstance(e, Conflict) and e.allowed:
            extra["allowed_actions"] = e.allowed
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(e, Unauthenticated) else None
        return JSONResponse(body(e.message, field=e.field, code=e.kind, **extra), _status(e), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_r: Request, e: RequestValidationError) -> JSONResponse:
        # a body that is not JSON at all has no field to name (pydantic puts the parser's offset there)
        errors = [{"field": "" if err.get("type") == "json_invalid" else field_of(err), "message": reason(err)}
                  for err in e.errors()]
        field, message = (errors[0]["field"], errors[0]["message"]) if errors else ("", "请求格式不正确")
        return JSONResponse(body(f"{field}: {message}" if field else message, field=field or None,
                                 code="invalid_input", errors=errors), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_r: Request, e: StarletteHTTPException) -> JSONResponse:
        msg = {404: "请求的地址不存在", 405: "不支持该请求方法"}.get(e.status_code, str(e.detail))
        return JSONResponse(body(msg, field=None, code=f"http_{e.status_code}"), e.status_code,
                            headers=getattr(e, "headers", None))
