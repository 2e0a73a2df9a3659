"""Fixtures for the HTTP-level tests."""

from tests.support.api import api

__all__ = ["api"]
