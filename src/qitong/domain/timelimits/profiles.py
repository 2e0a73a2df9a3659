"""Service-level profiles: how many working days each step of a ticket may take.

Each district runs its own scheme, named after its figures.  All limits are in
working days (see :mod:`.calendar`) except ``sign_hours``, in working hours.

``Complexity.special`` tickets get a limit set by hand per ticket; the profile's
30 days is only the fallback used when nobody set one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from qitong.domain.tickets.vocab import Complexity

__all__ = ["PROFILES", "Complexity", "SlaProfile", "UnknownProfile", "get_profile", "with_overrides"]




def _frozen(limits: Mapping[Complexity, int], what: str) -> Mapping[Complexity, int]:
    missing = [c.value for c in Complexity if c not in limits]
    if missing:
        raise ValueError(f"{what}缺少复杂度：{', '.join(missing)}")
    if any(v < 0 for v in limits.values()):
        raise ValueError(f"{what}不能为负数")
    # A read-only copy, so a shared profile cannot be changed through a caller's dict.
    return MappingProxyType({Complexity(k): int(v) for k, v in limits.items()})


@dataclass(frozen=True, kw_only=True)
class SlaProfile:
    code: str
    name: str
    contact_days: int
    sign_hours: float = 2.0
    reply_days: Mapping[Complexity, int] = field(hash=False)
    resolve_days: Mapping[Complexity, int] = field(hash=False)
    confirm_days: int = 5
    accept_days: int = 1
    dispatch_days: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "reply_days", _frozen(self.reply_days, "答复时限"))
        object.__setattr__(self, "resolve_days", _frozen(self.resolve_days, "办结时限"))
        for name in ("contact_days", "confirm_days", "accept_days", "dispatch_days", "sign_hours"):
            if getattr(self, name) < 0:
                raise ValueError(f"时限不能为负数：{name}")


def _all(days: int) -> dict[Complexity, int]:
    return dict.fromkeys(Complexity, days)


_S, _C, _D, _X = Complexity.simple, Complexity.complex, Complexity.difficult, Complexity.special

PROFILES: Mapping[str, SlaProfile] = MappingProxyType(
    {
        p.code: p
        for p in (
            SlaProfile(
                code="135",
                name="象山“135”模式",
                contact_days=1,
                reply_days={_S: 1, _C: 3, _D: 5, _X: 30},
                resolve_days={_S: 1, _C: 3, _D: 5, _X: 30},
            ),
            SlaProfile(
                code="1-3-15-30",
                name="济南“1-3-15-30”模式",
                contact_days=1,
                reply_days=_all(3),
                resolve_days={_S: 15, _C: 15, _D: 30, _X: 30},
            ),
            SlaProfile(
                code="5-10-15-30",
                name="绵阳“5-10-15-30”模式",
                contact_days=1,
                reply_days={_S: 5, _C: 10, _D: 15, _X: 30},
                resolve_days={_S: 5, _C: 10, _D: 15, _X: 30},
            ),
        )
    }
)


class UnknownProfile(ValueError):
    """No profile has this code."""


def get_profile(code: str) -> SlaProfile:
    try:
        return PROFILES[code]
    except KeyError:
        choices = "、".join(PROFILES)
        raise UnknownProfile(f"未知的时限方案“{code}”，可选：{choices}") from None


def with_overrides(profile: SlaProfile, **changes: Any) -> SlaProfile:
    """A copy of ``profile`` with some limits changed, e.g. for one ticket type.

    ``reply_days`` / ``resolve_days`` may be partial: the given complexities are
    replaced and the others kept.  Unknown field names raise ``TypeError``.
    """
    for name in ("reply_days", "resolve_days"):
        if name in changes:
            changes[name] = {**getattr(profile, name), **changes[name]}
    return dataclasses.replace(profile, **changes)
