"""The knowledge base (知识库) and similar cases: search is open to anyone (a business before it
submits, without signing in); writing is for the center and the administrators; the similar cases of
a ticket are for the staff who may see the ticket. docs/knowledge.md."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from qitong.db.models import KnowledgeStatus
from qitong.domain.errors import InvalidInput
from qitong.domain.ids import Id
from qitong.services import knowledge as kb
from qitong.services.auth import Principal, principal_for_token
from qitong.services.similar import similar_for_ticket
from qitong.web.deps import Ctx, Me

router = APIRouter(prefix="/api", tags=["knowledge"])
_bearer = HTTPBearer(auto_error=False)


def optional_principal(ctx: Ctx, cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
                       ) -> Principal | None:
    return principal_for_token(ctx, cred.credentials) if cred is not None else None


MaybeMe = Annotated[Principal | None, Depends(optional_principal)]


def _version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise InvalidInput("If-Match 应为条目版本号，例如 \"3\"", field="If-Match")
    return int(raw)


@router.get("/knowledge/search", summary="知识库检索（无需登录）：现行有效的已发布条目，按相似度排序")
def search(ctx: Ctx, q: Annotated[str, Query(min_length=1, max_length=2000, description="问题或关键词")],
           category: Annotated[str | None, Query(max_length=32)] = None,
           on: Annotated[date | None, Query(description="按该日有效的条目检索，默认今天")] = None,
           limit: Annotated[int, Query(ge=1, le=20)] = 5) -> dict[str, Any]:
    return {"q": q, "items": kb.search(ctx, q, category, on, limit)}


@router.get("/knowledge", summary="知识条目列表（中心人员、系统管理员）")
def list_entries(ctx: Ctx, p: Me, status: KnowledgeStatus | None = None, q: str = "",
                 category: Annotated[str | None, Query(max_length=32)] = None) -> dict[str, Any]:
    return kb.list_entries(ctx, p, status, q, category)


class EntryBody(kb.KnowledgeInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    publish: bool = Field(default=False, description="保存后立即发布")


@router.post("/knowledge", status_code=201, summary="新建知识条目（留痕）")
def create(body: EntryBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    data = kb.KnowledgeInput(**body.model_dump(exclude={"publish"}))
    return kb.create_entry(ctx, p, data, publish=body.publish)


@router.get("/knowledge/{entry_id}", summary="知识条目（已发布的无需登录）")
def get(entry_id: Id, ctx: Ctx, p: MaybeMe) -> dict[str, Any]:
    return kb.get_entry(ctx, p, entry_id)


@router.put("/knowledge/{entry_id}", summary="修改知识条目（If-Match 携带版本号，留痕）")
def update(entry_id: Id, body: kb.KnowledgeInput, ctx: Ctx, p: Me,
           if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    return kb.update_entry(ctx, p, entry_id, body, _version(if_match))


@router.post("/knowledge/{entry_id}/publish", summary="发布知识条目")
def publish(entry_id: Id, ctx: Ctx, p: Me, if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    return kb.publish_entry(ctx, p, entry_id, _version(if_match))


class RetireBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=500, description="停用原因，如政策废止")


@router.post("/knowledge/{entry_id}/retire", summary="停用知识条目（保留记录，不再检索）")
def retire(entry_id: Id, ctx: Ctx, p: Me, body: RetireBody | None = None,
           if_match: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    return kb.retire_entry(ctx, p, entry_id, (body or RetireBody()).reason, _version(if_match))


@router.get("/tickets/{ticket_id}/similar-cases", summary="相似案例与答复：相似的已办结工单、典型案例和知识条目")
def similar(ticket_id: Id, ctx: Ctx, p: Me, limit: Annotated[int, Query(ge=1, le=20)] = 5) -> dict[str, Any]:
    return similar_for_ticket(ctx, p, ticket_id, limit)
