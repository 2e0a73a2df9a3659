"""The portal's submit form: every attached file is checked before the ticket is created, then the
ticket and its files are stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qitong.domain.errors import Forbidden, InvalidInput
from qitong.domain.tickets.lifecycle import Role
from qitong.services.auth import Principal
from qitong.services.choices import Choices, form_choices
from qitong.services.context import Context
from qitong.services.org import get_enterprise
from qitong.services.tickets.attachments import add_attachment, check_upload
from qitong.services.tickets.intake import Created, TicketCreate, create_ticket

MAX_FILES = 5


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def submit(
    ctx: Context, p: Principal, data: TicketCreate, files: list[Upload], idempotency_key: str | None = None
) -> Created:
    if len(files) > MAX_FILES:
        raise InvalidInput(f"附件最多 {MAX_FILES} 个", field="files")
    for f in files:
        try:
            check_upload(ctx, f.filename, f.content_type, f.data)
        except InvalidInput as e:
            raise InvalidInput(f"附件“{f.filename}”：{e.message}", field="files") from None
    created = create_ticket(ctx, p, data, idempotency_key)
    if not created.replayed:
        for f in files:
            add_attachment(ctx, p, created.ticket_id, f.filename, f.content_type, f.data)
    return created


@dataclass(frozen=True)
class SubmitForm:
    """What the empty submit form needs: the choices and the enterprise's own contact, as defaults."""

    choices: Choices
    enterprise: dict[str, Any] | None


def submit_form(ctx: Context, p: Principal) -> SubmitForm:
    if p.actor.role != Role.enterprise_user:
        raise Forbidden("该页面供企业用户提交诉求使用；工作人员代录请使用工作台", field="role")
    ent = get_enterprise(ctx, p, p.actor.enterprise_id) if p.actor.enterprise_id else None
    return SubmitForm(form_choices(ctx), ent)
