"""A small county for tests: a center, three departments, a town, two enterprises, a user per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from qitong.db.models import Category, Department, DepartmentKind, Enterprise, Region, User
from qitong.domain.identity import make_uscc
from qitong.domain.tickets.lifecycle import Role
from qitong.domain.tickets.vocab import Tier
from qitong.services.auth import Principal, hash_password, principal_of
from qitong.services.context import Context

PASSWORD = "Qitong#2026"


@cache
def _hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per test session


@dataclass
class World:
    ctx: Context
    dept: dict[str, int] = field(default_factory=dict)
    ent: dict[str, int] = field(default_factory=dict)
    users: dict[str, Principal] = field(default_factory=dict)

    def __getitem__(self, username: str) -> Principal:
        return self.users[username]


def build_world(ctx: Context) -> World:
    w = World(ctx)
    now = ctx.clock.now()
    with ctx.sessions.begin() as s:
        county = Region(code="330299", name="象湖县", tier=Tier.county)
        s.add(county)
        s.flush()
        town = Region(code="330299101", name="湖东镇", tier=Tier.local, parent_id=county.id)
        s.add(town)
        for code, name, kind in (
            ("center", "县企业综合服务中心", DepartmentKind.center),
            ("board_zw", "政务服务板块", DepartmentKind.board),
            ("scj", "县市场监督管理局", DepartmentKind.department),
            ("zjj", "县住房和城乡建设局", DepartmentKind.department),
            ("zrj", "县自然资源和规划局", DepartmentKind.department),
            ("hdz", "湖东镇人民政府", DepartmentKind.town),
        ):
            d = Department(code=code, name=name, short_name=name, kind=kind,
                           tier=Tier.local if kind == DepartmentKind.town else Tier.county)
            s.add(d)
            s.flush()
            w.dept[code] = d.id
        s.add(Category(code="zwfw", name="政务服务"))
        s.flush()
        s.add(Category(code="zwfw.spxl", name="审批效率", parent_code="zwfw", default_lead_unit_id=w.dept["scj"]))
        for key, name, body in (("ent1", "象湖县鑫达机械有限公司", "91330299MA2H00001"),
                                ("ent2", "象湖县海湾水产养殖专业合作社", "93330299MA2H00002")):
            e = Enterprise(uscc=make_uscc(body), name=name, region_id=town.id, industry_code="C34",
                           size="small", contact_name="王经理", contact_phone="13800001111", created_at=now)
            s.add(e)
            s.flush()
            w.ent[key] = e.id
        specs = [
            ("agent", Role.center_agent, "center", None),
            ("dispatcher", Role.dispatcher, "center", None),
            ("scj_handler", Role.handler, "scj", None),
            ("scj_leader", Role.department_leader, "scj", None),
            ("zjj_handler", Role.handler, "zjj", None),
            ("zjj_leader", Role.department_leader, "zjj", None),
            ("zrj_handler", Role.handler, "zrj", None),
            ("supervisor", Role.supervisor, None, None),
            ("leader", Role.leader, None, None),
            ("admin", Role.admin, None, None),
            ("auditor", Role.auditor, None, None),
            ("ent1_user", Role.enterprise_user, None, "ent1"),
            ("ent2_user", Role.enterprise_user, None, "ent2"),
        ]
        for username, role, dept, ent in specs:
            u = User(username=username, display_name=username, password_hash=_hash(), role=role,
                     department_id=w.dept[dept] if dept else None, enterprise_id=w.ent[ent] if ent else None,
                     created_at=now)
            s.add(u)
            s.flush()
            w.users[username] = principal_of(u)
    return w
