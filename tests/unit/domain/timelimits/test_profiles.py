from __future__ import annotations

import pytest

from qitong.domain.timelimits import (
    PROFILES,
    Complexity,
    SlaProfile,
    UnknownProfile,
    get_profile,
    with_overrides,
)

S, C, D, X = Complexity.simple, Complexity.complex, Complexity.difficult, Complexity.special


def test_complexity_values() -> None:
    assert [c.value for c in Complexity] == ["simple", "complex", "difficult", "special"]
    assert Complexity("difficult") is D
    assert D == "difficult"


def test_profile_codes() -> None:
    assert set(PROFILES) == {"135", "1-3-15-30", "5-10-15-30"}
    assert all(code == p.code for code, p in PROFILES.items())


def test_xiangshan_135() -> None:
    p = get_profile("135")
    assert "象山" in p.name
    assert p.contact_days == 1
    assert dict(p.reply_days) == {S: 1, C: 3, D: 5, X: 30}
    assert dict(p.resolve_days) == {S: 1, C: 3, D: 5, X: 30}


def test_jinan_1_3_15_30() -> None:
    p = get_profile("1-3-15-30")
    assert "济南" in p.name
    assert p.contact_days == 1
    assert dict(p.reply_days) == {S: 3, C: 3, D: 3, X: 3}
    assert dict(p.resolve_days) == {S: 15, C: 15, D: 30, X: 30}


def test_mianyang_5_10_15_30() -> None:
    p = get_profile("5-10-15-30")
    assert "绵阳" in p.name
    assert p.contact_days == 1
    assert dict(p.reply_days) == dict(p.resolve_days) == {S: 5, C: 10, D: 15, X: 30}


@pytest.mark.parametrize("code", sorted(PROFILES))
def test_defaults(code: str) -> None:
    p = PROFILES[code]
    assert (p.sign_hours, p.confirm_days, p.accept_days, p.dispatch_days) == (2, 5, 1, 1)


def test_unknown_profile_is_a_value_error_with_chinese_message() -> None:
    with pytest.raises(UnknownProfile, match="未知的时限方案") as info:
        get_profile("7-7-7")
    assert isinstance(info.value, ValueError)
    assert "7-7-7" in str(info.value)


def test_profiles_are_read_only() -> None:
    p = get_profile("135")
    with pytest.raises(TypeError):
        p.reply_days[S] = 9  # type: ignore[index]
    with pytest.raises(AttributeError):
        p.contact_days = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        PROFILES["x"] = p  # type: ignore[index]
    assert hash(p) == hash(get_profile("135"))


def test_caller_dict_is_copied() -> None:
    limits = dict.fromkeys(Complexity, 2)
    p = SlaProfile(code="t", name="测试", contact_days=1, reply_days=limits, resolve_days=limits)
    limits[S] = 99
    assert p.reply_days[S] == 2


def test_with_overrides_merges_partial_limits() -> None:
    base = get_profile("135")
    special = with_overrides(base, resolve_days={X: 60}, confirm_days=3, name="象山（专项）")
    assert special.resolve_days[X] == 60
    assert special.resolve_days[S] == 1
    assert dict(special.reply_days) == dict(base.reply_days)
    assert special.confirm_days == 3
    assert special.name == "象山（专项）"
    assert base.resolve_days[X] == 30  # the shared profile is untouched


def test_with_overrides_rejects_unknown_fields() -> None:
    with pytest.raises(TypeError):
        with_overrides(get_profile("135"), colour="red")


def test_validation() -> None:
    with pytest.raises(ValueError, match="缺少复杂度"):
        SlaProfile(code="t", name="测试", contact_days=1, reply_days={S: 1}, resolve_days={S: 1})
    full = dict.fromkeys(Complexity, 1)
    with pytest.raises(ValueError, match="不能为负数"):
        SlaProfile(code="t", name="测试", contact_days=1, reply_days={**full, S: -1}, resolve_days=full)
    with pytest.raises(ValueError, match="contact_days"):
        SlaProfile(code="t", name="测试", contact_days=-1, reply_days=full, resolve_days=full)
