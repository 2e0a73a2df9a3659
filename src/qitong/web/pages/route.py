"""Every page route goes through PageRoute: the CSRF check on each POST, a Chinese HTML page for each
error (the JSON API keeps its JSON errors), a sign-in redirect, and the security headers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from qitong.domain.errors import Conflict, DomainError, InvalidInput, Unauthenticated
from qitong.domain.input_errors import field_of, reason
from qitong.domain.tickets.errors import IllegalTransition
from qitong.domain.tickets.lifecycle import ACTIONS, STATUS_LABELS, Action
from qitong.web.errors import STATUS
from qitong.web.pages.forms import form_values
from qitong.web.pages.render import render
from qitong.web.pages.session import MustChangePassword, check_csrf

TITLES = {
    400: "请求有误",
    403: "无权访问",
    404: "没有找到",
    405: "不支持该操作",
    409: "当前不能这样操作",
    412: "内容已被他人更新",
    422: "填写有误",
    500: "系统出错",
    503: "暂时无法处理",
}
HINTS = {
    403: "您的账号没有这项权限，或页面已过期。如有疑问请联系企业综合服务中心。",
    404: "您要找的页面或工单不存在，也可能已被删除。",
    409: "工单的状态已经变化，这项操作现在不能执行。",
    412: "在您填写期间，这张工单已被他人办理。请刷新页面，查看最新状态后再操作。",
    422: "请按提示修改后重新提交，您填写的内容已保留。",
    503: "与数据库的连接刚刚中断，已自动重新连接。请返回上一页重新操作，本次提交未被保存。",
}
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; font-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    ),
}


def status_of(e: DomainError) -> int:
    for cls in type(e).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _back(request: Request) -> str:
    ref = request.headers.get("referer", "")
    parts = urlsplit(ref)
    if ref and parts.netloc == request.url.netloc and parts.path != request.url.path:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.url.path if request.method == "GET" else "/"


async def error_page(request: Request, status: int, message: str, e: DomainError | None = None) -> Response:
    allowed = []
    if isinstance(e, IllegalTransition):
        message = (f"工单当前状态为“{STATUS_LABELS[e.status]}”，不能执行“{ACTIONS[e.action].label}”"
                   "（可能已被他人办理）")
    if isinstance(e, Conflict):
        allowed = [ACTIONS[Action(a)].label for a in e.allowed if a in Action._value2member_map_]
    values: dict[str, Any] = {}
    if status == 422 and request.method == "POST":
        values = form_values(await request.form())
    return render(request, "error.html", {
        "status": status, "title": TITLES.get(status, "出错了"), "message": message,
        "hint": HINTS.get(status), "field": e.field if e else None, "allowed": allowed,
        "values": values, "back": _back(request),
    }, status=status)


def login_redirect(request: Request) -> Response:
    """Back to the same address after signing in, its query included (a scanned QR code's source)."""
    query = f"?{request.url.query}" if request.url.query else ""
    nxt = request.url.path + query if request.method == "GET" else _back(request)
    return RedirectResponse(f"/login?next={quote(nxt)}", status_code=303)


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                if request.method == "POST":
                    await check_csrf(request)
                response = await original(request)
            except Unauthenticated:
                response = login_redirect(request)
            except MustChangePassword:
                response = RedirectResponse("/account/password", status_code=303)
            except DomainError as e:
                response = await error_page(request, status_of(e), e.message, e)
            except RequestValidationError as e:
                first = e.errors()[0] if e.errors() else {}
                loc = first.get("loc", ())
                if loc and loc[0] == "path":  # an id no row can have, typed into the address bar
                    response = await error_page(request, 404, TITLES[404])
                else:
                    err = InvalidInput(f"提交的内容格式不正确：{reason(first)}，请检查后重试",
                                       field=field_of(first) or None)
                    response = await error_page(request, 422, err.message, err)
            except StarletteHTTPException as e:
                response = await error_page(request, e.status_code, TITLES.get(e.status_code, str(e.detail)))
            finally:
                await request.close()  # the uploaded files of a form read here
            response.headers.update(SECURITY_HEADERS)
            return response

        return handler
