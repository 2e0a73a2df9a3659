"""系统管理 (admin only): departments (create, edit, turn off), users and roles (create, change role and
unit, reset the password, turn off), the time-limit profiles (read only: they are set by environment
variables), the holiday overrides. Each change goes through a service that audits it."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from qitong.db.models import DepartmentKind
from qitong.domain.errors import DomainError, InvalidInput, NotFound
from qitong.domain.ids import Id
from qitong.domain.tickets.vocab import COMPLEXITY_LABELS, Complexity
from qitong.domain.timelimits import PROFILES
from qitong.services import calendar as cal_service
from qitong.services.admin import (
    DepartmentUpdate,
    UserUpdate,
    org_lists,
    require_admin,
    reset_password,
    set_user_active,
    update_department,
    update_user,
)
from qitong.services.auth import Principal
from qitong.services.org import DepartmentCreate, UserCreate, create_department, create_user
from qitong.web.deps import Ctx
from qitong.web.pages.forms import form_values, invalid_input
from qitong.web.pages.render import ROLE_LABELS, render
from qitong.web.pages.route import PageRoute, status_of
from qitong.web.pages.session import flash, require_user
from qitong.web.pages.tickets import PostedForm

router = APIRouter(prefix="/admin", route_class=PageRoute, include_in_schema=False)

KIND_LABELS = {DepartmentKind.center: "企业综合服务中心", DepartmentKind.board: "中心服务板块",
               DepartmentKind.department: "职能部门", DepartmentKind.town: "镇（街道）",
               DepartmentKind.leadership: "县领导层面"}
LABELS = {"code": "单位代码", "name": "单位名称", "short_name": "简称", "kind": "单位类别", "tier": "层级",
          "parent_id": "上级单位", "username": "用户名", "display_name": "姓名", "password": "初始密码",
          "role": "角色", "department_id": "所属单位", "enterprise_id": "绑定企业", "phone": "手机号",
          "day": "日期", "year": "年份", "days_off": "放假日期", "workdays": "调休上班日期", "note": "说明",
          "region_id": "所属区划", "active": "状态"}
TABS = (("departments", "单位管理", "building"), ("users", "用户与角色", "users"),
        ("timelimits", "办理时限", "clock"), ("calendar", "节假日安排", "calendar"))


def require_admin_user(p: Annotated[Principal, Depends(require_user)]) -> Principal:
    require_admin(p)
    return p


Admin = Annotated[Principal, Depends(require_admin_user)]


M = TypeVar("M", bound=BaseModel)


SLUG_HINT = "只能使用小写字母、数字、下划线和连字符"


def _model(cls: type[M], data: dict[str, Any]) -> M:
    """A pydantic model from a form, its first error as a Chinese message naming the field."""
    try:
        return cls(**{k: v for k, v in data.items() if v not in ("", None)})
    except ValidationError as e:
        raise invalid_input(e, LABELS, hints={"string_pattern_mismatch": SLUG_HINT}) from None


def _page(request: Request, tab: str, ctx: dict[str, Any], status: int = 200) -> Response:
    return render(request, f"admin/{tab}.html", {"tabs": TABS, "tab": tab, "KIND_LABELS": KIND_LABELS,
                                                 "ROLE_CHOICES": list(ROLE_LABELS.items()), **ctx}, status=status)


@router.get("", name="admin_home")
def home(me: Admin) -> Response:
    return RedirectResponse("/admin/departments", status_code=303)


# ------------------------------------------------------------------------------------- departments


@router.get("/departments", name="admin_departments")
def departments(request: Request, ctx: Ctx, me: Admin) -> Response:
    return _page(request, "departments", {"lists": org_lists(ctx, me), "values": {}})


@router.post("/departments", name="admin_departments_post")
def department_create(request: Request, ctx: Ctx, me: Admin, form: PostedForm) -> Response:
    values = form_values(form)
    try:
        d = create_department(ctx, me, _model(DepartmentCreate, {k: values.get(k) for k in (
            "code", "name", "short_name", "kind", "tier", "parent_id")}))
    except DomainError as e:
        lists = org_lists(ctx, me)
        return _page(request, "departments", {"lists": lists, "values": values, "error": e}, status=status_of(e))
    flash(request, f"已新增单位：{d['name']}")
    return RedirectResponse("/admin/departments", status_code=303)


def _department_of(lists: Any, department_id: int) -> dict[str, Any]:
    d = next((d for d in lists.departments if d["id"] == department_id), None)
    if d is None:
        raise NotFound(f"单位 {department_id} 不存在", field="department_id")
    return dict(d)


def _department_page(request: Request, ctx: Ctx, me: Principal, department_id: int, values: dict[str, Any] | None,
                     error: DomainError | None = None) -> Response:
    lists = org_lists(ctx, me)
    d = _department_of(lists, department_id)
    return _page(request, "department_edit", {"lists": lists, "d": d, "values": values or d, "error": error,
                                              "tab": "departments"}, status=status_of(error) if error else 200)


@router.get("/departments/{department_id}", name="admin_department_edit")
def department_edit(request: Request, ctx: Ctx, me: Admin, department_id: Id) -> Response:
    return _department_page(request, ctx, me, department_id, None)


@router.post("/departments/{department_id}", name="admin_department_update")
def department_update(request: Request, ctx: Ctx, me: Admin, department_id: Id, form: PostedForm) -> Response:
    values = form_values(form)
    active = values.get("active") == "1"
    data = {k: values.get(k) for k in ("name", "short_name", "tier", "parent_id", "region_id")}
    try:
        d = update_department(ctx, me, department_id, _model(DepartmentUpdate, {**data, "active": active}))
    except DomainError as e:
        return _department_page(request, ctx, me, department_id, {**values, "active": active}, e)
    flash(request, f"已保存单位：{d['name']}{'' if d['active'] else '（已停用）'}")
    return RedirectResponse("/admin/departments", status_code=303)


# ------------------------------------------------------------------------------------------- users


@router.get("/users", name="admin_users")
def users(request: Request, ctx: Ctx, me: Admin) -> Response:
    return _page(request, "users", {"lists": org_lists(ctx, me), "values": {}})


@router.post("/users", name="admin_users_post")
def user_create(request: Request, ctx: Ctx, me: Admin, form: PostedForm) -> Response:
    values = form_values(form)
    try:
        u = create_user(ctx, me, _model(UserCreate, {k: values.get(k) for k in (
            "username", "display_name", "password", "role", "department_id", "enterprise_id", "phone")}))
    except DomainError as e:
        return _page(request, "users", {"lists": org_lists(ctx, me), "values": {**values, "password": ""},
                                        "error": e}, status=status_of(e))
    flash(request, f"已新增用户：{u['display_name']}（{u['username']}）")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/active", name="admin_user_active")
def user_active(request: Request, ctx: Ctx, me: Admin, user_id: Id, form: PostedForm) -> Response:
    active = form.get("active") == "1"
    u = set_user_active(ctx, me, user_id, active)
    flash(request, f"已{'启用' if active else '停用'}账号：{u['display_name']}（{u['username']}）")
    return RedirectResponse("/admin/users", status_code=303)


def _user_page(request: Request, ctx: Ctx, me: Principal, user_id: int, values: dict[str, Any] | None,
               error: DomainError | None = None, password: str | None = None) -> Response:
    lists = org_lists(ctx, me)
    u = next((u for u in lists.users if u["id"] == user_id), None)
    if u is None:
        raise NotFound(f"用户 {user_id} 不存在", field="user_id")
    out = _page(request, "user_edit", {"lists": lists, "u": u, "values": values or u, "error": error,
                                       "password": password, "tab": "users"},
                status=status_of(error) if error else 200)
    if password is not None:  # shown once: not kept by the browser or a proxy
        out.headers["Cache-Control"] = "no-store"
    return out


@router.get("/users/{user_id}", name="admin_user_edit")
def user_edit(request: Request, ctx: Ctx, me: Admin, user_id: Id) -> Response:
    return _user_page(request, ctx, me, user_id, None)


@router.post("/users/{user_id}", name="admin_user_update")
def user_update(request: Request, ctx: Ctx, me: Admin, user_id: Id, form: PostedForm) -> Response:
    values = form_values(form)
    try:
        u = update_user(ctx, me, user_id, _model(UserUpdate, {k: values.get(k) for k in (
            "display_name", "role", "department_id", "enterprise_id", "phone")}))
    except DomainError as e:
        return _user_page(request, ctx, me, user_id, values, e)
    flash(request, f"已保存用户：{u['display_name']}（{u['username']}）")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/password", name="admin_user_password")
def user_password(request: Request, ctx: Ctx, me: Admin, user_id: Id, form: PostedForm) -> Response:
    """The temporary password is in this response only (never in the cookie: the session is signed,
    not encrypted)."""
    _u, password = reset_password(ctx, me, user_id)
    return _user_page(request, ctx, me, user_id, None, password=password)


# -------------------------------------------------------------------------------------- time limits


@router.get("/timelimits", name="admin_timelimits")
def timelimits(request: Request, ctx: Ctx, me: Admin) -> Response:
    s = ctx.settings
    return _page(request, "timelimits", {
        "profiles": list(PROFILES.values()), "current": s.sla_profile, "by_type": s.sla_profile_by_type,
        "complexities": [(c, COMPLEXITY_LABELS[c]) for c in Complexity],
        "cutoff": s.after_hours_cutoff, "confirm_days": s.confirm_timeout_days,
        "max_extensions": s.max_extensions, "max_extension_days": s.max_extension_days,
    })


# ----------------------------------------------------------------------------------------- calendar

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _days(raw: str, field: str) -> list[date]:
    """Dates typed one per line or separated by commas/spaces; `2027-01-01~2027-01-03` is a range."""
    out: list[date] = []
    for token in re.split(r"[\s,，、;；]+", raw.strip()):
        if not token:
            continue
        ends = re.split(r"~|～|至|\.\.", token)
        try:
            first, last = date.fromisoformat(ends[0]), date.fromisoformat(ends[-1])
        except ValueError:
            msg = f"日期“{token}”格式不正确，应为 2027-01-01 或 2027-01-01~2027-01-03"
            raise InvalidInput(msg, field=field) from None
        if len(ends) > 2 or last < first or (last - first).days > 31:
            raise InvalidInput(f"日期范围“{token}”不正确", field=field)
        out.extend(date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1))
    return out


def _year(raw: str | None, default: int) -> int:
    return int(raw) if raw and raw.isdigit() and 2000 <= int(raw) <= 2100 else default


def _calendar(request: Request, ctx: Ctx, year: int, status: int = 200, **extra: Any) -> Response:
    data = cal_service.list_overrides(ctx, year)
    return _page(request, "calendar", {"year": year, "data": data, "values": extra.pop("values", {}), **extra},
                 status=status)


@router.get("/calendar", name="admin_calendar")
def calendar(request: Request, ctx: Ctx, me: Admin) -> Response:
    this_year = ctx.clock.now().year
    return _calendar(request, ctx, _year(request.query_params.get("year"), this_year))


@router.post("/calendar/day", name="admin_calendar_day")
def calendar_day(request: Request, ctx: Ctx, me: Admin, form: PostedForm) -> Response:
    values = form_values(form)
    raw = str(values.get("day", "")).strip()
    try:
        if not _DAY.fullmatch(raw):
            raise InvalidInput("请填写日期，格式如 2027-01-01", field="day")
        day = date.fromisoformat(raw)
        if values.get("delete") == "1":
            cal_service.delete_override(ctx, me, day)
            flash(request, f"已删除 {day.isoformat()} 的自定义安排")
        else:
            data = cal_service.OverrideIn(is_workday=values.get("is_workday") == "1",
                                          note=str(values.get("note", ""))[:128])
            cal_service.set_override(ctx, me, day, data)
            flash(request, f"已将 {day.isoformat()} 设为{'上班' if data.is_workday else '放假'}")
    except (DomainError, ValueError) as e:
        err = e if isinstance(e, DomainError) else InvalidInput("日期不存在", field="day")
        return _calendar(request, ctx, _year(raw[:4], ctx.clock.now().year), status_of(err), values=values,
                         error=err)
    return RedirectResponse(f"/admin/calendar?year={day.year}", status_code=303)


@router.post("/calendar/year", name="admin_calendar_year")
def calendar_year(request: Request, ctx: Ctx, me: Admin, form: PostedForm) -> Response:
    values = form_values(form)
    year = _year(str(values.get("year", "")), 0)
    try:
        if not year:
            raise InvalidInput("请填写年份（2000—2100）", field="year")
        schedule = cal_service.YearSchedule(days_off=_days(str(values.get("days_off", "")), "days_off"),
                                            workdays=_days(str(values.get("workdays", "")), "workdays"),
                                            note=str(values.get("note", ""))[:128])
        if not schedule.days_off:
            raise InvalidInput("请填写放假日期", field="days_off")
        out = cal_service.load_year(ctx, me, year, schedule)
    except DomainError as e:
        return _calendar(request, ctx, year or ctx.clock.now().year, status_of(e), values=values, error=e)
    flash(request, f"已载入 {year} 年安排：放假 {out['days_off']} 天，调休上班 {out['workdays']} 天")
    return RedirectResponse(f"/admin/calendar?year={year}", status_code=303)

