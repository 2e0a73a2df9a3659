"""QR codes as SVG (segno, pure Python): for the 扫码反映 posters and their print sheet."""

from __future__ import annotations

import io
from functools import lru_cache

import segno


@lru_cache(maxsize=2048)
def qr_svg(url: str, *, scale: int = 4, title: str | None = None) -> str:
    """An SVG document for `url`, error correction level M (a poster survives a scratch), with a
    quiet zone; no XML declaration, so it can sit inline in an HTML page. Cached: the same address
    always gives the same picture, and the list page shows dozens."""
    q = segno.make_qr(url, error="m")
    out = io.BytesIO()
    q.save(out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=title,
           nl=False, dark="#000", light="#fff", svgclass="qt-qr", lineclass=None)
    return out.getvalue().decode("utf-8")
