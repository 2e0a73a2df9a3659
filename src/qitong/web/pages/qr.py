"""扫码入口: the QR codes of the windows, regions and posters (services/intake_codes.py), a print
sheet (A4, six to a page), and `/q/{code}`, the short address a code holds, which opens the portal's
submit form with the channel and source filled in (after signing in when needed)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from qitong.adapters.qrcode import qr_svg
from qitong.domain.errors import NotFound
from qitong.services.auth import Principal
from qitong.services.intake_codes import IntakeCode, intake_codes, require_manager, resolve
from qitong.web.deps import Ctx
from qitong.web.pages.render import render
from qitong.web.pages.route import PageRoute
from qitong.web.pages.session import require_user

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def require_qr_manager(p: Annotated[Principal, Depends(require_user)]) -> Principal:
    require_manager(p)
    return p


Manager = Annotated[Principal, Depends(require_qr_manager)]


def scan_url(request: Request, code: str) -> str:
    return str(request.base_url).rstrip("/") + f"/q/{code}"


def _with_svg(request: Request, codes: list[IntakeCode], scale: int) -> list[tuple[IntakeCode, str, str]]:
    out = []
    for c in codes:
        url = scan_url(request, c.code)
        out.append((c, url, qr_svg(url, scale=scale, title=f"{c.kind_label}：{c.name}")))
    return out


@router.get("/qr", name="qr_codes")
def qr_list(request: Request, ctx: Ctx, me: Manager) -> Response:
    return render(request, "qr/index.html", {"codes": _with_svg(request, intake_codes(ctx), 2)})


@router.get("/qr/print", name="qr_print")
def qr_print(request: Request, ctx: Ctx, me: Manager) -> Response:
    """The print sheet: every code, or those ticked on the list (?code=…&code=…)."""
    chosen = set(request.query_params.getlist("code"))
    codes = [c for c in intake_codes(ctx) if not chosen or c.code in chosen]
    return render(request, "qr/print.html", {"codes": _with_svg(request, codes, 6)})


@router.get("/qr/{code}.svg", name="qr_svg")
def qr_file(request: Request, ctx: Ctx, me: Manager, code: str) -> Response:
    c = resolve(ctx, code)
    if c is None:
        raise NotFound("没有这个扫码入口", field="code")
    svg = qr_svg(scan_url(request, c.code), scale=10, title=f"{c.kind_label}：{c.name}")
    name = quote(f"扫码反映_{c.name}.svg")
    return Response(svg, media_type="image/svg+xml",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


@router.get("/q/{code}", name="qr_scan")
def scan(ctx: Ctx, code: str) -> Response:
    """What a phone opens after scanning: the submit form, with the source (no sign-in needed here)."""
    c = resolve(ctx, code)
    return RedirectResponse(f"/portal/submit?src={c.code}" if c else "/portal/submit", status_code=303)
