"""Fixtures for the HTTP-level tests: the API client, and a page client on a small world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from qitong.domain.clock import FixedClock
from qitong.services.context import Context
from qitong.web.app import create_app
from tests.support.api import api
from tests.support.world import World, build_world

__all__ = ["api", "client", "world"]


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


@pytest.fixture
def client(ctx: Context, clock: FixedClock, world: World) -> Iterator[TestClient]:
    app = create_app(ctx.settings, clock=clock)
    with TestClient(app, follow_redirects=False) as c:
        yield c
    app.state.engine.dispose()
