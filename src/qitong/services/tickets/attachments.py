"""Attachments: size and type checked (declared type and the file's own magic bytes), stored by
content hash outside the database."""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePath
from typing import Any

from qitong.db.models import Attachment
from qitong.domain.errors import Forbidden, InvalidInput, NotFound
from qitong.domain.tickets.access import can_view
from qitong.domain.tickets.lifecycle import Role
from qitong.services.audit import record
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.tickets.facts import facts_of, load

_MAGIC = {
    "application/pdf": (b"%PDF",),
    "image/png": (b"\x89PNG",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/msword": (b"\xd0\xcf\x11\xe0",),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0",),
}


def _check(ctx: Context, filename: str, content_type: str, data: bytes) -> None:
    if not data:
        raise InvalidInput("附件为空文件", field="file")
    limit = ctx.settings.max_attachment_bytes
    if len(data) > limit:
        raise InvalidInput(f"附件过大：不能超过 {limit // (1024 * 1024)} MB", field="file")
    if content_type not in ctx.settings.allowed_attachment_types:
        raise InvalidInput(f"不支持的附件类型“{content_type}”：仅支持 PDF、图片、Word、Excel、文本", field="file")
    magic = _MAGIC.get(content_type)
    if magic and not data.startswith(magic):
        raise InvalidInput("附件内容与声明的类型不符", field="file")
    if content_type == "text/plain":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("文本附件须为 UTF-8 编码", field="file") from None


def check_upload(ctx: Context, filename: str, content_type: str, data: bytes) -> None:
    """Check a file before anything is stored: the portal checks every file before it creates the ticket."""
    _check(ctx, filename, content_type, data)


def add_attachment(
    ctx: Context, p: Principal, ticket_id: int, filename: str, content_type: str, data: bytes
) -> dict[str, Any]:
    _check(ctx, filename, content_type, data)
    name = PurePath(filename.replace("\\", "/")).name[:255] or "附件"
    digest = hashlib.sha256(data).hexdigest()
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        t = load(s, ticket_id)
        if not can_view(p.actor, facts_of(s, t)) or p.actor.role in (Role.auditor, Role.leader):
            raise Forbidden("无权为该工单上传附件", field="ticket_id")
        path = Path(ctx.settings.attachment_dir) / digest[:2] / digest
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_bytes(data)
        a = Attachment(ticket_id=t.id, filename=name, content_type=content_type, size=len(data),
                       sha256=digest, storage_key=f"{digest[:2]}/{digest}", uploaded_by_id=p.actor.user_id,
                       created_at=now)
        s.add(a)
        s.flush()
        record(s, p.who, at=now, entity="attachment", entity_id=a.id, ticket_id=t.id, action="attach",
               after={"filename": name, "size": len(data), "sha256": digest})
        return {"id": a.id, "filename": name, "content_type": content_type, "size": len(data)}


def read_attachment(ctx: Context, p: Principal, ticket_id: int, attachment_id: int) -> tuple[Attachment, bytes]:
    with ctx.sessions() as s:
        t = load(s, ticket_id)
        if not can_view(p.actor, facts_of(s, t)):
            raise Forbidden("无权查看该工单的附件", field="ticket_id")
        a = s.get(Attachment, attachment_id)
        if a is None or a.ticket_id != t.id:
            raise NotFound("附件不存在", field="attachment_id")
        return a, (Path(ctx.settings.attachment_dir) / a.storage_key).read_bytes()
