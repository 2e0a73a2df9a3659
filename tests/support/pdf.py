"""Reading the text back out of the PDFs Qitong writes (reportlab, CID font, ASCII85 + Flate
streams), without a PDF library: enough to check that a number or a name is really printed."""

from __future__ import annotations

import base64
import re
import zlib

_STREAM = re.compile(rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream", re.S)
_SHOW = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
_ESC = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    def one(m: re.Match[bytes]) -> bytes:
        e = m.group(1)
        return bytes([int(e, 8)]) if e[:1].isdigit() else _SIMPLE.get(e, e)

    return _ESC.sub(one, raw)


def pdf_text(pdf: bytes) -> str:
    """Every string the pages show, decoded as UCS-2 (the CID font's encoding), joined by newlines."""
    out = []
    for m in _STREAM.finditer(pdf):
        data = m.group(1).strip()
        content = zlib.decompress(base64.a85decode(data if data.startswith(b"<~") else b"<~" + data, adobe=True))
        for s in _SHOW.finditer(content):
            out.append(_unescape(s.group(1)).decode("utf-16-be", errors="replace"))
    return "\n".join(out)
