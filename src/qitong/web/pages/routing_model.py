"""智能分派模型: the routing classifier's state for the people who rely on it — when it was trained and on
what, its heads, the thresholds in force, whether the periodic job would retrain — and an
administrator's 立即重新训练 (services/routing/training.py; docs/routing.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from qitong.domain.errors import DomainError
from qitong.services.routing import training
from qitong.web.deps import Ctx
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute, status_of
from qitong.web.pages.session import PageUser, flash
from qitong.web.pages.tickets import PostedForm

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/routing/model", name="routing_model")
def model(request: Request, ctx: Ctx, me: PageUser) -> Response:
    return render(request, "routing/model.html", {"m": training.status(ctx, me), "error": None})


@router.post("/routing/model/train", name="routing_model_train")
def train(request: Request, ctx: Ctx, me: PageUser, form: PostedForm) -> Response:
    del form  # the CSRF token only
    try:
        meta = training.train_now(ctx, me)
    except DomainError as err:
        return render(request, "routing/model.html", {"m": training.status(ctx, me), "error": err},
                      status=status_of(err))
    flash(request, f"已用 {meta['samples']} 件已办结工单重新训练智能分派模型")
    return RedirectResponse("/routing/model", status_code=303)
