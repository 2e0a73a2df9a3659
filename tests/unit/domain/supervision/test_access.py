from __future__ import annotations

import pytest

from qitong.domain.errors import Forbidden
from qitong.domain.supervision import SupervisionLevel
from qitong.domain.supervision.access import (
    can_view,
    check_bulletin,
    check_close,
    check_flag_major,
    check_open,
    check_respond,
    check_view,
)
from qitong.domain.tickets.access import Actor
from qitong.domain.tickets.lifecycle import Role

SCJ, ZJJ = 3, 4
handler = Actor(1, Role.handler, SCJ)
leader_of_scj = Actor(2, Role.department_leader, SCJ)
zjj = Actor(3, Role.handler, ZJJ)
supervisor, county_leader = Actor(4, Role.supervisor), Actor(5, Role.leader)
agent, dispatcher = Actor(6, Role.center_agent), Actor(7, Role.dispatcher)
enterprise = Actor(8, Role.enterprise_user, enterprise_id=1)


def test_departments_see_only_their_own() -> None:
    assert can_view(handler, SCJ) and can_view(leader_of_scj, SCJ)
    assert not can_view(zjj, SCJ) and not can_view(enterprise, SCJ)
    assert all(can_view(a, SCJ) for a in (supervisor, county_leader, agent, dispatcher, Actor(9, Role.auditor)))
    with pytest.raises(Forbidden):
        check_view(zjj, SCJ)
    check_view(handler, SCJ)


def test_who_opens_which_level() -> None:
    for a in (agent, dispatcher, supervisor, county_leader):
        check_open(a, SupervisionLevel.reminder)
    for level in (SupervisionLevel.listed, SupervisionLevel.interview):
        check_open(supervisor, level)
        check_open(county_leader, level)
        with pytest.raises(Forbidden):
            check_open(dispatcher, level)
    with pytest.raises(Forbidden):
        check_open(handler, SupervisionLevel.reminder)


def test_respond_close_flag_and_bulletin() -> None:
    check_respond(handler, SCJ)
    check_respond(leader_of_scj, SCJ)
    for a, dept in ((zjj, SCJ), (supervisor, SCJ), (agent, SCJ)):
        with pytest.raises(Forbidden):
            check_respond(a, dept)
    check_close(supervisor)
    check_close(county_leader)
    with pytest.raises(Forbidden):
        check_close(agent)
    for a in (agent, dispatcher, supervisor, county_leader):
        check_flag_major(a)
    with pytest.raises(Forbidden):
        check_flag_major(handler)
    check_bulletin(handler)
    with pytest.raises(Forbidden):
        check_bulletin(enterprise)
