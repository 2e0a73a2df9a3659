"""Who may do what with supervisions. Department users see and answer only their own
department's notices; the center, supervisors and leaders see them all."""

from __future__ import annotations

from qitong.domain.errors import Forbidden
from qitong.domain.supervision.levels import SupervisionLevel
from qitong.domain.tickets.access import Actor
from qitong.domain.tickets.lifecycle import CENTER_ROLES, DEPARTMENT_ROLES, OVERSIGHT_ROLES, Role

DECIDERS = frozenset({Role.supervisor, Role.leader})
# seeds/02: the center's office sends reminders; the supervision office lists; interviews are decided
OPENERS: dict[SupervisionLevel, frozenset[Role]] = {
    SupervisionLevel.reminder: frozenset({*CENTER_ROLES, *DECIDERS}),
    SupervisionLevel.listed: DECIDERS,
    SupervisionLevel.interview: DECIDERS,
}
MAJOR_FLAGGERS = frozenset({*CENTER_ROLES, *DECIDERS})
SEE_ALL = frozenset({*CENTER_ROLES, *OVERSIGHT_ROLES})


def sees_all(actor: Actor) -> bool:
    return actor.role in SEE_ALL


def can_view(actor: Actor, department_id: int) -> bool:
    if sees_all(actor):
        return True
    return actor.role in DEPARTMENT_ROLES and actor.department_id == department_id


def check_view(actor: Actor, department_id: int) -> None:
    if not can_view(actor, department_id):
        raise Forbidden("无权查看该督办事项：只能查看本单位收到的督办", field="supervision_id")


def check_open(actor: Actor, level: SupervisionLevel) -> None:
    if actor.role not in OPENERS[level]:
        raise Forbidden(f"当前角色无权发起“{level.value}”级督办", field="level")


def check_respond(actor: Actor, department_id: int) -> None:
    if actor.role not in DEPARTMENT_ROLES or actor.department_id != department_id:
        raise Forbidden("只有被督办单位的经办人或分管负责人可以反馈", field="supervision_id")


def check_close(actor: Actor) -> None:
    if actor.role not in DECIDERS:
        raise Forbidden("只有督查督办人员或县领导可以办结督办", field="supervision_id")


def check_flag_major(actor: Actor) -> None:
    if actor.role not in MAJOR_FLAGGERS:
        raise Forbidden("只有企业综合服务中心、督查督办人员或县领导可以认定重大事项", field="major")


def check_bulletin(actor: Actor) -> None:
    if actor.role == Role.enterprise_user:
        raise Forbidden("月度监测通报仅供政府工作人员查阅", field="bulletin")
