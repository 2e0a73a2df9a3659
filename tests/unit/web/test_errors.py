"""`web.errors.refusal`: which database errors are the request's fault or a passing outage (4xx / 503)
and which stay 500s, from the exceptions the drivers raise."""

from __future__ import annotations

from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from qitong.web.errors import DISCONNECTED, NUL, OUT_OF_RANGE, refusal


def test_numbers_and_text_the_database_cannot_store_are_422() -> None:
    r = refusal(DataError("INSERT …", {}, Exception("value out of range for type integer")))
    assert r is not None and (r.status, r.message) == (422, OUT_OF_RANGE)
    r = refusal(OverflowError("Python int too large to convert to SQLite INTEGER"))
    assert r is not None and r.status == 422
    r = refusal(OperationalError("SELECT …", {}, OverflowError("int too large")))
    assert r is not None and r.status == 422
    r = refusal(DataError("INSERT …", {}, ValueError("PostgreSQL text fields cannot contain NUL (0x00) bytes")))
    assert r is not None and r.message == NUL


def test_a_lost_connection_is_503() -> None:
    e = OperationalError("SELECT 1", {}, Exception("terminating connection"), connection_invalidated=True)
    r = refusal(e)
    assert r is not None and (r.status, r.code, r.message) == (503, "database_unavailable", DISCONNECTED)


def test_anything_else_stays_a_bug() -> None:
    assert refusal(IntegrityError("INSERT …", {}, Exception("duplicate key"))) is None
    assert refusal(OverflowError("math range error")) is None
    assert refusal(ValueError("x")) is None
