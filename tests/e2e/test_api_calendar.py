from __future__ import annotations

from tests.support.api import Api


def test_admin_loads_a_year_and_everyone_counts_with_it(api: Api) -> None:
    assert api.get("agent", "/api/workdays/add?day=2027-02-05&n=1") == {"date": "2027-02-08", "provisional": True}
    body = {"days_off": [f"2027-02-{d:02d}" for d in range(6, 13)], "workdays": ["2027-02-13"]}
    r = api.c.put("/api/calendar/years/2027", json=body, headers=api.login("agent"))
    assert r.status_code == 403
    r = api.c.put("/api/calendar/years/2027", json={**body, "workdays": ["2026-02-13"]}, headers=api.login("admin"))
    assert r.status_code == 422 and r.json()["field"] == "workdays"
    r = api.c.put("/api/calendar/years/2027", json=body, headers=api.login("admin"))
    assert r.status_code == 200, r.text
    assert api.get("agent", "/api/workdays/add?day=2027-02-05&n=1") == {"date": "2027-02-13", "provisional": False}
    assert 2027 in api.get("agent", "/api/calendar")["known_years"]


def test_local_day_off(api: Api) -> None:
    r = api.c.put("/api/calendar/overrides/2026-11-24", json={"is_workday": False, "note": "县运动会"},
                  headers=api.login("admin"))
    assert r.status_code == 200
    assert api.get("agent", "/api/workdays/between?a=2026-11-23&b=2026-11-25")["days"] == 1
    assert api.c.delete("/api/calendar/overrides/2026-11-24", headers=api.login("admin")).status_code == 204
    assert api.get("agent", "/api/workdays/between?a=2026-11-23&b=2026-11-25")["days"] == 2
    assert api.c.delete("/api/calendar/overrides/2026-11-24", headers=api.login("admin")).status_code == 404
