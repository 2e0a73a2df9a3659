"""Evaluation (issue 6): KPIs from the rollups, the composite weights, 红黑榜 and the annual
ranking; revisits; the low-satisfaction ledger; rating appeals; reports; the case library and the
common problems."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from qitong.db.models import AppealStatus, CaseStatus, RevisitMethod, RevisitStatus
from qitong.domain.errors import Forbidden
from qitong.domain.ids import Id
from qitong.domain.tickets.lifecycle import Role
from qitong.services import cases, evaluation, reports, rollups
from qitong.services.auth import Principal
from qitong.web.deps import Ctx, Me

router = APIRouter(tags=["evaluation"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff(p: Principal) -> None:
    if p.actor.role == Role.enterprise_user:
        raise Forbidden("企业用户不能查看考核数据", field="role")


def _file(data: bytes, fmt: str, name: str) -> Response:
    media = "application/pdf" if fmt == "pdf" else XLSX
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


# ----------------------------------------------------------------------------- KPIs


@router.get("/api/kpis", summary="考核指标（来自增量汇总表）")
def kpis(ctx: Ctx, p: Me, by: Literal["department", "region", "category", "county"] = "department",
         period: Annotated[str | None, Query(description="2026-11、2026-Q4 或 2026；默认本月")] = None,
         ) -> dict[str, Any]:
    _staff(p)
    return {"by": by, "period": period, "items": [r.as_dict() for r in rollups.kpis(ctx, by, period)]}


class WeightsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weights: dict[str, float] = Field(description="指标 → 权重，如 {\"satisfaction\": 30, \"on_time\": 25}")


@router.get("/api/kpis/weights", summary="综合指数权重")
def get_weights(ctx: Ctx, p: Me) -> dict[str, Any]:
    _staff(p)
    with ctx.sessions() as s:
        return {"weights": {k.value: v for k, v in rollups.get_weights(s).items()}}


@router.put("/api/kpis/weights", summary="设置综合指数权重（系统管理员，留痕）")
def put_weights(body: WeightsBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    return {"weights": rollups.set_weights(ctx, p, body.weights)}


@router.get("/api/kpis/red-black/{year}/{month}", summary="月度红黑榜")
def red_black(year: int, month: int, ctx: Ctx, p: Me, size: Annotated[int, Query(ge=1, le=10)] = 3) -> dict[str, Any]:
    _staff(p)
    return rollups.red_black(ctx, year, month, size).as_dict()


@router.get("/api/kpis/ranking/{year}", summary="年度排名")
def ranking(year: int, ctx: Ctx, p: Me) -> dict[str, Any]:
    _staff(p)
    return rollups.annual_ranking(ctx, year).as_dict()


# ----------------------------------------------------------------------------- revisits, ledger, appeals


@router.get("/api/revisits", summary="我的回访任务")
def my_revisits(ctx: Ctx, p: Me, status: RevisitStatus | None = RevisitStatus.pending) -> dict[str, Any]:
    return {"items": evaluation.my_revisits(ctx, p, status)}


class RevisitBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    status: Literal["done", "unreachable"]
    method: RevisitMethod = RevisitMethod.phone
    outcome: str = Field(min_length=2, max_length=4000)
    satisfied: bool | None = None
    resolved: bool | None = None


@router.post("/api/revisits/{revisit_id}/outcome", summary="记录回访结果")
def revisit_outcome(revisit_id: Id, body: RevisitBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    o = evaluation.RevisitOutcome(RevisitStatus(body.status), body.method, body.outcome, body.satisfied, body.resolved)
    return evaluation.record_revisit(ctx, p, revisit_id, o)


class ShareBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    share: float = Field(ge=0.1, le=1, description="抽样回访比例，至少 10%")


@router.put("/api/revisits/share", summary="设置回访抽样比例（系统管理员，留痕）")
def revisit_share(body: ShareBody, ctx: Ctx, p: Me) -> dict[str, float]:
    return {"share": evaluation.set_revisit_share(ctx, p, body.share)}


@router.get("/api/low-satisfaction", summary="低满意度台账")
def ledger(ctx: Ctx, p: Me) -> dict[str, Any]:
    return {"items": evaluation.low_satisfaction(ctx, p)}


@router.get("/api/low-satisfaction.xlsx", summary="低满意度台账（Excel）")
def ledger_xlsx(ctx: Ctx, p: Me) -> Response:
    return _file(evaluation.low_satisfaction_xlsx(ctx, p), "xlsx", "low-satisfaction")


class AppealBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: str = Field(min_length=5, max_length=4000, description="申诉理由")


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    upheld: bool = Field(description="true：申诉成立，该评价不计入考核")
    decision: str = Field(min_length=2, max_length=4000, description="复核意见")


@router.post("/api/ratings/{rating_id}/appeals", status_code=201, summary="对评价提出申诉（承办单位）")
def file_appeal(rating_id: Id, body: AppealBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    return evaluation.file_appeal(ctx, p, rating_id, body.reason)


@router.get("/api/appeals", summary="评价申诉列表（单位只看本单位）")
def appeals(ctx: Ctx, p: Me, status: AppealStatus | None = None) -> dict[str, Any]:
    return {"items": evaluation.list_appeals(ctx, p, status)}


@router.post("/api/appeals/{appeal_id}/decision", summary="申诉复核（中心）")
def decide(appeal_id: Id, body: DecisionBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    return evaluation.decide_appeal(ctx, p, appeal_id, body.upheld, body.decision)


# ----------------------------------------------------------------------------- reports


@router.get("/api/reports/quarterly/{year}/{q:int}.{fmt}", summary="季度“企业问题解决”数智分析报告（pdf / xlsx）")
def quarterly(year: int, q: int, fmt: Literal["pdf", "xlsx"], ctx: Ctx, p: Me) -> Response:
    return _file(reports.report_file(ctx, p, "quarterly", year, q, fmt), fmt, f"report-{year}-Q{q}")


@router.get("/api/reports/monthly/{year}/{month:int}.{fmt}", summary="月度通报（pdf / xlsx）")
def monthly(year: int, month: int, fmt: Literal["pdf", "xlsx"], ctx: Ctx, p: Me) -> Response:
    return _file(reports.report_file(ctx, p, "monthly", year, month, fmt), fmt, f"bulletin-{year}-{month:02d}")


# ----------------------------------------------------------------------------- cases


class CaseBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    ticket_id: Id
    lesson: str = Field(default="", max_length=4000, description="举一反三：对同类问题的启示")


class CaseEditBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str | None = Field(default=None, max_length=200)
    problem: str | None = Field(default=None, max_length=10000)
    solution: str | None = Field(default=None, max_length=10000)
    lesson: str | None = Field(default=None, max_length=4000)


@router.post("/api/cases", status_code=201, summary="推荐典型案例（自动脱敏，草稿）")
def propose(body: CaseBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    return cases.propose_case(ctx, p, body.ticket_id, body.lesson)


@router.patch("/api/cases/{case_id}", summary="修改案例草稿")
def edit(case_id: Id, body: CaseEditBody, ctx: Ctx, p: Me) -> dict[str, Any]:
    return cases.edit_case(ctx, p, case_id, cases.CaseEdit(**body.model_dump()))


@router.post("/api/cases/{case_id}/publish", summary="审核发布案例（非推荐人）")
def publish(case_id: Id, ctx: Ctx, p: Me) -> dict[str, Any]:
    return cases.publish_case(ctx, p, case_id)


@router.get("/api/cases", summary="案例库检索")
def search(ctx: Ctx, p: Me, q: str = "", category: str | None = None,
           status: CaseStatus = CaseStatus.published) -> dict[str, Any]:
    return {"items": cases.search_cases(ctx, p, q, category, status)}


@router.get("/api/common-problems", summary="共性问题（同类问题聚类、趋势与风险提示）")
def common_problems(ctx: Ctx, p: Me, months: Annotated[int, Query(ge=1, le=24)] = 6) -> dict[str, Any]:
    _staff(p)
    return {"items": cases.common_problems(ctx, months=months)}
