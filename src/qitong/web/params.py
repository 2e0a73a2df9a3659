"""Request parameter types shared by the API and the pages."""

from __future__ import annotations

from qitong.domain.ids import MAX_ID, Id

__all__ = ["MAX_ID", "Id"]
