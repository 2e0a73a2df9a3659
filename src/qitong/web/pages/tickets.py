"""The ticket page (timeline, and ONLY the allowed actions as forms) and its action posts."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from qitong.domain.errors import InvalidInput
from qitong.domain.ids import Id
from qitong.domain.tickets.lifecycle import ACTIONS, Action
from qitong.services.routing.autodispatch import form_pick
from qitong.services.tickets import attachments
from qitong.services.tickets.actions import perform
from qitong.services.tickets.views import ticket_page
from qitong.web.deps import Ctx
from qitong.web.pages.forms import action_forms, form_values, parse_payload
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute
from qitong.web.pages.session import PageUser, flash

router = APIRouter(prefix="/tickets", route_class=PageRoute, include_in_schema=False)


async def posted_form(request: Request) -> FormData:
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def _page(request: Request, ctx: Ctx, me: PageUser, ticket_id: int, status: int = 200, **extra: Any) -> Response:
    page = ticket_page(ctx, me, ticket_id)
    return render(request, "tickets/detail.html", {
        "t": page.detail, "timeline_events": page.timeline, "choices": page.choices,
        "units": {u.id: u.name for u in page.choices.units},
        "forms": action_forms(page.detail["allowed_actions"]), "open_action": None, "values": {},
        "routing": page.routing, "pick": form_pick(ctx, page.routing, ticket_id), **extra,  # the dispatch form
    }, status=status)


@router.get("/{ticket_id}", name="ticket")
def ticket(request: Request, ticket_id: Id, ctx: Ctx, me: PageUser, submitted: bool = False) -> Response:
    return _page(request, ctx, me, ticket_id, submitted=submitted)


def _version(form: FormData) -> int | None:
    v = form.get("version")
    return int(v) if isinstance(v, str) and v.isdigit() else None


@router.post("/{ticket_id}/actions/{action}", name="ticket_action")
def act(request: Request, ticket_id: Id, action: Action, ctx: Ctx, me: PageUser, form: PostedForm) -> Response:
    spec = ACTIONS[action]
    try:
        payload = parse_payload(action.value, spec.reason_required, form)
        perform(ctx, me, ticket_id, action, payload, if_match=_version(form))
    except InvalidInput as e:
        return _page(request, ctx, me, ticket_id, 422, open_action=action.value, values=form_values(form),
                     error=e)
    flash(request, f"已完成：{spec.label}")
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)


@router.get("/{ticket_id}/attachments/{attachment_id}", name="ticket_attachment")
def attachment(ticket_id: Id, attachment_id: Id, ctx: Ctx, me: PageUser) -> Response:
    a, data = attachments.read_attachment(ctx, me, ticket_id, attachment_id)
    return Response(data, media_type=a.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(a.filename)}"})
