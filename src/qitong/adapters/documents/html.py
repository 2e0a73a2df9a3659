"""HTML through Jinja2 templates in web/templates/documents/ (autoescaped, self-contained pages
with print CSS, so a browser prints them as they look)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from qitong.domain.supervision.bulletin import Bulletin
from qitong.domain.supervision.notice import Notice

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates" / "documents"


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def render_notice_html(notice: Notice) -> str:
    return _env().get_template("notice.html").render(n=notice)


def render_bulletin_html(bulletin: Bulletin) -> str:
    return _env().get_template("bulletin.html").render(b=bulletin, percent=percent)
