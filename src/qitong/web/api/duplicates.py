"""Near-duplicates (docs/duplicates.md): check a draft, the similar tickets of a ticket, link a
repeat or merge, hot topics. Access is decided in services/duplicates.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from pydantic import BaseModel, ConfigDict, Field

from qitong.domain.errors import InvalidInput
from qitong.domain.ids import Id
from qitong.services import duplicates as dup
from qitong.web.deps import Ctx, Me

router = APIRouter(tags=["duplicates"])


class DraftBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(default="", max_length=200, description="诉求标题")
    content: str = Field(default="", max_length=10000, description="诉求内容")


class LinkBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    original_id: Id = Field(description="原工单 id")
    reason: str | None = Field(default=None, max_length=2000, description="说明")


@router.post("/api/duplicates/check", summary="提交前查询相似诉求（企业只见本企业工单全文，他企工单仅编号和遮蔽标题）")
def check(body: DraftBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    return dup.check_draft(ctx, p, body.title, body.content)


@router.get("/api/tickets/{ticket_id}/similar", summary="相似工单（按查看权限过滤）")
def similar(ticket_id: Id, ctx: Ctx, p: Me) -> dict[str, Any]:
    return dup.similar_to(ctx, p, ticket_id)


@router.post("/api/tickets/{ticket_id}/duplicate-of", summary="标记为重复件（中心）")
def link(ticket_id: Id, body: LinkBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    return dup.link_repeat(ctx, p, ticket_id, body.original_id, body.reason)


@router.post("/api/tickets/{ticket_id}/merge", summary="并单：并入原工单并以“已并单”办结（中心，仅限分派前）")
def merge(ticket_id: Id, body: LinkBody, ctx: Ctx, p: Me,
          if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> dict[str, Any]:
    return dup.merge_into(ctx, p, ticket_id, body.original_id, body.reason, if_match=_version(if_match))


def _version(if_match: str | None) -> int | None:
    raw = (if_match or "*").strip().removeprefix("W/").strip('"')
    if raw == "*":
        return None
    if not raw.isdigit():
        raise InvalidInput("If-Match 应为工单版本号，例如 \"3\"", field="If-Match")
    return int(raw)


@router.get("/api/hot-topics", summary="热点问题：近期相似诉求的聚类与计数（中心、督查、领导）")
def hot(ctx: Ctx, p: Me, days: Annotated[int | None, Query(ge=1, le=366)] = None) -> dict[str, Any]:
    return dup.hot_topics(ctx, p, days)
