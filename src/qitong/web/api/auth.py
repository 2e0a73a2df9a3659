from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from qitong.services import auth as svc
from qitong.web.deps import Ctx, Me

router = APIRouter(prefix="/api", tags=["auth"])


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


@router.post("/auth/token", summary="用户名 + 密码换取访问令牌")
def token(body: Login, ctx: Ctx) -> dict[str, Any]:
    tok, p = svc.issue_token(ctx, body.username, body.password)
    return {"access_token": tok, "token_type": "bearer", "expires_in": ctx.settings.token_ttl_hours * 3600,
            "user": _me(p)}


@router.get("/me", summary="当前用户")
def me(p: Me) -> dict[str, Any]:
    return _me(p)


def _me(p: svc.Principal) -> dict[str, Any]:
    a = p.actor
    return {"id": a.user_id, "username": p.username, "display_name": p.display_name, "role": a.role.value,
            "department_id": a.department_id, "enterprise_id": a.enterprise_id}
