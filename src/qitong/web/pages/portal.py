"""The enterprise portal: its own tickets with progress, the submit form, following without signing in."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from qitong.domain.errors import InvalidInput, NotFound
from qitong.domain.tickets.lifecycle import Role
from qitong.services.auth import Principal
from qitong.services.intake_codes import IntakeCode, resolve
from qitong.services.tickets import public
from qitong.services.tickets.intake import TicketCreate
from qitong.services.tickets.submission import Upload, submit, submit_form
from qitong.services.tickets.worklist import WorkFilter, workbench
from qitong.web.deps import Ctx
from qitong.web.pages import ui
from qitong.web.pages.forms import form_values, invalid_input
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute
from qitong.web.pages.session import require_user
from qitong.web.pages.tickets import PostedForm

router = APIRouter(route_class=PageRoute, include_in_schema=False)

LABELS = {"title": "诉求标题", "content": "问题描述", "ticket_type": "诉求类型", "category": "问题分类",
          "region_code": "所在属地", "submitter_name": "联系人", "submitter_phone": "联系电话"}
FIELDS = tuple(LABELS)


@router.get("/portal", name="portal_home")
def home(request: Request, ctx: Ctx, me: Annotated[Principal, Depends(require_user)]) -> Response:
    if me.actor.role != Role.enterprise_user:
        return RedirectResponse("/workbench", status_code=303)
    wb = workbench(ctx, me, request.query_params.get("queue"), WorkFilter(), 1)
    return render(request, "portal/home.html", {"wb": wb, "page": wb.page})


@router.get("/portal/submit", name="portal_submit")
def submit_page(request: Request, ctx: Ctx, me: Annotated[Principal, Depends(require_user)]) -> Response:
    sf = submit_form(ctx, me)
    src = resolve(ctx, request.query_params.get("src"))
    values = _defaults(sf.enterprise, sf.choices)
    if src is not None:  # opened from a QR code: the channel and the source go with the form
        values["src"] = src.code
        if src.region_code and any(r.code == src.region_code for r in sf.choices.regions):
            values["region_code"] = src.region_code
    return render(request, "portal/submit.html", {"sf": sf, "values": values, "src": src})


def _defaults(ent: dict[str, Any] | None, choices: Any) -> dict[str, Any]:
    region = next((r.code for r in choices.regions if ent and r.id == ent.get("region_id")), "")
    return {"ticket_type": "help", "region_code": region, "idempotency_key": uuid.uuid4().hex,
            "submitter_name": (ent or {}).get("contact_name") or "",
            "submitter_phone": (ent or {}).get("contact_phone") or ""}


def _create(form: FormData, src: IntakeCode | None = None) -> TicketCreate:
    data = {k: v.strip() for k in FIELDS if isinstance(v := form.get(k), str) and v.strip()}
    if src is not None:
        data |= {"channel": "qr", "qr_source": src.code}
    try:
        return TicketCreate(**data)
    except ValidationError as e:
        raise invalid_input(e, LABELS) from None


def _uploads(form: FormData, limit: int) -> list[Upload]:
    out = []
    for f in form.getlist("files"):
        if isinstance(f, UploadFile) and f.filename:
            out.append(Upload(f.filename, f.content_type or "application/octet-stream", f.file.read(limit + 1)))
    return out


@router.post("/portal/submit", name="portal_submit_post")
def submit_post(request: Request, ctx: Ctx, me: Annotated[Principal, Depends(require_user)],
                form: PostedForm) -> Response:
    key = form.get("idempotency_key")
    raw_src = form.get("src")
    src = resolve(ctx, raw_src if isinstance(raw_src, str) else None)
    try:
        created = submit(ctx, me, _create(form, src), _uploads(form, ctx.settings.max_attachment_bytes),
                         key if isinstance(key, str) and key else None)
    except InvalidInput as e:
        sf = submit_form(ctx, me)
        return render(request, "portal/submit.html", {"sf": sf, "values": form_values(form), "error": e,
                                                      "src": src}, status=422)
    return RedirectResponse(f"/tickets/{created.ticket_id}?submitted=1", status_code=303)


@router.get("/track", name="track")
def track_page(request: Request) -> Response:
    return render(request, "portal/track.html", {"values": {}})


@router.post("/track", name="track_post")
def track(request: Request, ctx: Ctx, form: PostedForm) -> Response:
    values = form_values(form)
    number, code = str(values.get("number", "")).strip().upper(), str(values.get("query_code", "")).strip()
    try:
        if not number or not code:
            raise InvalidInput("请填写工单编号和查询码", field="number" if not number else "query_code")
        result = public.follow(ctx, number, code)
    except (InvalidInput, NotFound) as e:
        return render(request, "portal/track.html", {"values": values, "error": e},
                      status=422 if isinstance(e, InvalidInput) else 404)
    pr = ui.progress(ui.milestones_from_actions((e["action"], e["at"]) for e in result["timeline"]), result["status"])
    return render(request, "portal/track.html", {"values": values, "result": result, "progress_of_result": pr})
