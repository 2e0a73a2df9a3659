"""Request-scoped dependencies: the context and the signed-in principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from qitong.domain.errors import Unauthenticated
from qitong.services.auth import Principal, principal_for_token
from qitong.services.context import Context

_bearer = HTTPBearer(auto_error=False)


def get_ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def get_principal(
    ctx: Annotated[Context, Depends(get_ctx)],
    cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if cred is None:
        raise Unauthenticated("请先登录（需要 Authorization: Bearer 令牌）", field="Authorization")
    return principal_for_token(ctx, cred.credentials)


Ctx = Annotated[Context, Depends(get_ctx)]
Me = Annotated[Principal, Depends(get_principal)]
