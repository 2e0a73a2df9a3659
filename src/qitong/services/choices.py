"""What the forms offer: the category tree, the units a ticket can be sent to, the regions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qitong.db.models import Category, Department, DepartmentKind, Region
from qitong.domain.tickets.vocab import Tier
from qitong.services.context import Context

DISPATCHABLE = (DepartmentKind.department, DepartmentKind.town, DepartmentKind.board)


@dataclass(frozen=True)
class CategoryChoice:
    code: str
    name: str
    group: str  # the parent's name, for <optgroup>
    default_lead_unit_id: int | None


@dataclass(frozen=True)
class Choice:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Choices:
    categories: list[CategoryChoice]
    units: list[Choice]
    regions: list[Choice]

    def category_name(self, code: str | None) -> str | None:
        return next((c.name for c in self.categories if c.code == code), None)


def form_choices(ctx: Context) -> Choices:
    with ctx.sessions() as s:
        return choices_in(s)


def choices_in(s: Session) -> Choices:
    """Three small statements, whatever is on the page."""
    cats = list(s.scalars(select(Category).where(Category.active).order_by(Category.code)))
    names = {c.code: c.name for c in cats}
    leaves = [c for c in cats if c.parent_code is not None]
    units = s.execute(
        select(Department.id, Department.code, Department.name)
        .where(Department.active, Department.kind.in_(DISPATCHABLE))
        .order_by(Department.kind, Department.id)
    ).all()
    regions = s.execute(
        select(Region.id, Region.code, Region.name).where(Region.tier == Tier.local).order_by(Region.code)
    ).all()
    return Choices(
        categories=[CategoryChoice(c.code, c.name, names.get(c.parent_code or "", ""), c.default_lead_unit_id)
                    for c in leaves],
        units=[Choice(i, c, n) for i, c, n in units],
        regions=[Choice(i, c, n) for i, c, n in regions],
    )
