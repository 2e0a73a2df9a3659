from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from qitong.adapters.documents.agenda import render_agenda_html, render_agenda_pdf
from qitong.domain.errors import InvalidInput
from qitong.domain.tickets.vocab import Layer
from qitong.services import escalation as svc
from qitong.web.deps import Ctx, Me

router = APIRouter(prefix="/api", tags=["escalation"])


@router.get("/escalations/proposals", summary="提级建议：超期过久或两次不满意的工单")
def proposals(ctx: Ctx, p: Me) -> list[dict[str, Any]]:
    return svc.proposals(ctx, p)


@router.get("/meetings/agenda.{fmt}", summary="“三分”例会议题清单（成熟一批、上会一批）：html 或 pdf")
def agenda(
    fmt: str, ctx: Ctx, p: Me, meeting_date: date,
    layer: Annotated[Layer, Query()] = Layer.leader_meeting,
) -> Response:
    a = svc.meeting_agenda(ctx, p, layer, meeting_date)
    if fmt == "pdf":
        return Response(render_agenda_pdf(a), media_type="application/pdf",
                        headers={"Content-Disposition": "inline; filename=agenda.pdf"})
    if fmt == "html":
        return HTMLResponse(render_agenda_html(a))
    raise InvalidInput("格式只能是 html 或 pdf", field="fmt")
