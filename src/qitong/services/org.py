"""Enterprises, departments and users: registration and lookup, each change audited."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from qitong.db.models import Department, DepartmentKind, Enterprise, Region, User
from qitong.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from qitong.domain.identity import InvalidUSCC, mask_phone, validate_uscc
from qitong.domain.ids import Id
from qitong.domain.tickets.lifecycle import CENTER_ROLES, DEPARTMENT_ROLES, Role
from qitong.domain.tickets.vocab import Tier
from qitong.services.audit import record
from qitong.services.auth import Principal, hash_password
from qitong.services.context import Context

SIZES = ("micro", "small", "medium", "large")


class EnterpriseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    uscc: str = Field(description="统一社会信用代码（18位）")
    name: str = Field(min_length=2, max_length=128)
    region_code: str | None = Field(default=None, max_length=12)
    industry_code: str | None = Field(default=None, pattern=r"^[A-T](\d{2,4})?$", description="GB/T 4754")
    industry_name: str | None = Field(default=None, max_length=64)
    size: str | None = Field(default=None, pattern="^(micro|small|medium|large)$")
    contact_name: str | None = Field(default=None, max_length=64)
    contact_phone: str | None = Field(default=None, max_length=32)
    address: str | None = Field(default=None, max_length=255)

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, v: str) -> str:
        try:
            return validate_uscc(v)
        except InvalidUSCC as e:
            raise ValueError(e.reason) from None


def _enterprise_out(e: Enterprise, full: bool) -> dict[str, Any]:
    return {
        "id": e.id,
        "uscc": e.uscc,
        "name": e.name,
        "region_id": e.region_id,
        "industry_code": e.industry_code,
        "industry_name": e.industry_name,
        "size": e.size,
        "contact_name": e.contact_name,
        "contact_phone": e.contact_phone if full else (mask_phone(e.contact_phone) if e.contact_phone else None),
        "address": e.address,
    }


def _staff(p: Principal) -> bool:
    return p.actor.role != Role.enterprise_user


def create_enterprise(ctx: Context, p: Principal, data: EnterpriseCreate) -> dict[str, Any]:
    if p.actor.role not in (*CENTER_ROLES, Role.admin):
        raise Forbidden("只有中心工作人员或管理员可以登记企业", field="role")
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        if s.scalar(select(func.count()).where(Enterprise.uscc == data.uscc)):
            raise Conflict(f"统一社会信用代码 {data.uscc} 已登记", field="uscc")
        region_id = None
        if data.region_code:
            region_id = s.scalars(select(Region.id).where(Region.code == data.region_code)).one_or_none()
            if region_id is None:
                raise InvalidInput(f"行政区划代码“{data.region_code}”不存在", field="region_code")
        e = Enterprise(**data.model_dump(exclude={"region_code"}), region_id=region_id, created_at=now)
        s.add(e)
        s.flush()
        record(s, p.who, at=now, entity="enterprise", entity_id=e.id, action="create",
               after={"uscc": e.uscc, "name": e.name})
        return _enterprise_out(e, True)


def get_enterprise(ctx: Context, p: Principal, enterprise_id: int) -> dict[str, Any]:
    if not _staff(p) and p.actor.enterprise_id != enterprise_id:
        raise Forbidden("只能查看本企业信息", field="enterprise_id")
    with ctx.sessions() as s:
        e = s.get(Enterprise, enterprise_id)
        if e is None:
            raise NotFound(f"企业 {enterprise_id} 不存在", field="enterprise_id")
        return _enterprise_out(e, p.actor.role in (*CENTER_ROLES, Role.admin, Role.enterprise_user))


def list_enterprises(
    ctx: Context, p: Principal, q: str | None, page: int, per_page: int
) -> tuple[int, list[dict[str, Any]]]:
    if not _staff(p):
        if p.actor.enterprise_id is None:
            return 0, []
        return 1, [get_enterprise(ctx, p, p.actor.enterprise_id)]
    stmt = select(Enterprise)
    if q:
        stmt = stmt.where(or_(Enterprise.name.like(f"%{q}%"), Enterprise.uscc == q.upper()))
    with ctx.sessions() as s:
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = s.scalars(stmt.order_by(Enterprise.id).offset((page - 1) * per_page).limit(per_page))
        full = p.actor.role in (*CENTER_ROLES, Role.admin)
        return total, [_enterprise_out(e, full) for e in rows]


class DepartmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    code: str = Field(min_length=2, max_length=32, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=2, max_length=128)
    short_name: str | None = Field(default=None, max_length=64)
    kind: DepartmentKind = DepartmentKind.department
    tier: Tier = Tier.county
    parent_id: Id | None = None


def department_out(d: Department) -> dict[str, Any]:
    return {"id": d.id, "code": d.code, "name": d.name, "short_name": d.short_name, "kind": d.kind.value,
            "tier": d.tier.value, "parent_id": d.parent_id, "active": d.active}


def list_departments(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    with ctx.sessions() as s:
        return [department_out(d) for d in s.scalars(select(Department).order_by(Department.id))]


def create_department(ctx: Context, p: Principal, data: DepartmentCreate) -> dict[str, Any]:
    _admin(p)
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        if s.scalar(select(func.count()).where(Department.code == data.code)):
            raise Conflict(f"单位代码“{data.code}”已存在", field="code")
        if data.parent_id is not None and s.get(Department, data.parent_id) is None:
            raise InvalidInput("上级单位不存在", field="parent_id")
        d = Department(**data.model_dump(exclude={"short_name"}), short_name=data.short_name or data.name)
        s.add(d)
        s.flush()
        record(s, p.who, at=now, entity="department", entity_id=d.id, action="create",
               after=department_out(d))
        return department_out(d)


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    display_name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=8, max_length=128)
    role: Role
    department_id: Id | None = None
    enterprise_id: Id | None = None
    phone: str | None = Field(default=None, max_length=32)


def user_out(u: User) -> dict[str, Any]:
    return {"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role.value,
            "department_id": u.department_id, "enterprise_id": u.enterprise_id, "active": u.active}


def _admin(p: Principal) -> None:
    if p.actor.role != Role.admin:
        raise Forbidden("只有系统管理员可以执行此操作", field="role")


def create_user(ctx: Context, p: Principal, data: UserCreate) -> dict[str, Any]:
    _admin(p)
    if data.role in DEPARTMENT_ROLES and data.department_id is None:
        raise InvalidInput("经办人和分管负责人必须属于一个单位", field="department_id")
    if data.role == Role.enterprise_user and data.enterprise_id is None:
        raise InvalidInput("企业用户必须绑定企业", field="enterprise_id")
    now = ctx.clock.now()
    try:
        with ctx.sessions.begin() as s:
            if data.department_id is not None and s.get(Department, data.department_id) is None:
                raise InvalidInput("所属单位不存在", field="department_id")
            if data.enterprise_id is not None and s.get(Enterprise, data.enterprise_id) is None:
                raise InvalidInput("绑定的企业不存在", field="enterprise_id")
            u = User(**data.model_dump(exclude={"password"}), password_hash=hash_password(data.password),
                     created_at=now)
            s.add(u)
            s.flush()
            record(s, p.who, at=now, entity="user", entity_id=u.id, action="create", after=user_out(u))
            return user_out(u)
    except IntegrityError:
        raise Conflict(f"用户名“{data.username}”已被使用", field="username") from None


def list_users(ctx: Context, p: Principal) -> list[dict[str, Any]]:
    if p.actor.role not in (Role.admin, Role.auditor):
        raise Forbidden("只有系统管理员或审计员可以查看用户列表", field="role")
    with ctx.sessions() as s:
        return [user_out(u) for u in s.scalars(select(User).order_by(User.id))]
