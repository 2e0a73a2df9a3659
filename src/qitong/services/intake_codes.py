"""扫码反映 (like Guangxi's 桂商码): every service window (a board of the center or a town's office),
every region and a few posters gets a QR code that opens the portal's submit form with the channel
(qr) and the source filled in. The codes are derived, never stored: `w-<unit code>` for a window,
`r-<region code>` for a region, `p-<poster>` for the fixed posters below. The source is recorded in
the submit event's audit data (TicketCreate.qr_source)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from qitong.db.models import Department, DepartmentKind, Region
from qitong.domain.errors import Forbidden
from qitong.domain.tickets.lifecycle import CENTER_ROLES, Role
from qitong.services.auth import Principal
from qitong.services.context import Context

CODE = re.compile(r"^[wrp]-[a-z0-9_\-]{1,32}$")
WINDOW_KINDS = (DepartmentKind.board, DepartmentKind.town)
KIND_LABELS = {"w": "服务窗口", "r": "属地", "p": "宣传渠道"}
# posters that are not a window or a region: the center's hall, the 政企恳谈会 table cards, visits
POSTERS: tuple[tuple[str, str], ...] = (
    ("p-hall", "县企业综合服务中心大厅"),
    ("p-forum", "“亲清直通车·政企恳谈会”桌牌"),
    ("p-visit", "助企服务专员走访名片"),
)
MANAGERS = frozenset({Role.admin, *CENTER_ROLES})


@dataclass(frozen=True)
class IntakeCode:
    code: str
    kind: str  # w / r / p
    name: str
    region_code: str | None  # the submit form's 所在属地, filled in when known

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def require_manager(p: Principal) -> None:
    if p.actor.role not in MANAGERS:
        raise Forbidden("扫码入口由系统管理员和中心工作人员维护", field="role")


def intake_codes(ctx: Context) -> list[IntakeCode]:
    """Every code, windows first: two statements."""
    with ctx.sessions() as s:
        units = s.execute(
            select(Department.code, Department.name, Region.code)
            .outerjoin(Region, Region.id == Department.region_id)
            .where(Department.active, Department.kind.in_(WINDOW_KINDS))
            .order_by(Department.kind, Department.id)
        ).all()
        regions = s.execute(select(Region.code, Region.name).order_by(Region.code)).all()
    return [
        *(IntakeCode(f"w-{c}", "w", n, rc) for c, n, rc in units),
        *(IntakeCode(f"r-{c}", "r", n, c) for c, n in regions),
        *(IntakeCode(code, "p", name, None) for code, name in POSTERS),
    ]


def resolve(ctx: Context, code: str | None) -> IntakeCode | None:
    """The code a scanned link carries, or None when it is malformed or names nothing (one statement)."""
    if not code or not CODE.match(code):
        return None
    kind, key = code[0], code[2:]
    if kind == "p":
        return next((IntakeCode(c, "p", n, None) for c, n in POSTERS if c == code), None)
    with ctx.sessions() as s:
        if kind == "w":
            row = s.execute(
                select(Department.name, Region.code).outerjoin(Region, Region.id == Department.region_id)
                .where(Department.code == key, Department.active, Department.kind.in_(WINDOW_KINDS))
            ).first()
            return IntakeCode(code, "w", row[0], row[1]) if row else None
        name = s.scalar(select(Region.name).where(Region.code == key))
        return IntakeCode(code, "r", name, key) if name else None
