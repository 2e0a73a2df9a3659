"""Printable documents: supervision notices and the monthly bulletin, as HTML and as PDF.

Both renderers take the same plain content (qitong.domain.supervision.notice / bulletin), so the
two forms never say different things."""

from qitong.adapters.documents.html import render_bulletin_html, render_notice_html
from qitong.adapters.documents.pdf import render_bulletin_pdf, render_notice_pdf

__all__ = ["render_bulletin_html", "render_bulletin_pdf", "render_notice_html", "render_notice_pdf"]
