"""统一社会信用代码 validation (GB 32100-2015)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from qitong.domain.errors import InvalidInput
from qitong.domain.identity.uscc import (
    ALPHABET,
    INSTITUTION_CATEGORIES,
    REGISTRATION_AUTHORITIES,
    WEIGHTS,
    InvalidUSCC,
    compute_check_char,
    compute_organisation_check_char,
    is_valid_uscc,
    make_uscc,
    normalize_uscc,
    organisation_code_valid,
    parse_uscc,
    validate_uscc,
)

# Published codes of well-known organisations; each was checked against this implementation.
REAL_CODES = [
    "91110000600037341L",
    "121200004013590816",  # a 事业单位 (authority 1, category 2)
    "9144030071526726XG",  # 'X' inside the organisation code
    "914403001922038216",
    "91330100716105852F",
    "91310115MA1K3BTP2B",  # an "MA" code issued after the 2015 reform
    "92340602MA2PBMEM24",  # 个体工商户
    "91620105L015101280",
]


def _reason(value: str) -> InvalidUSCC:
    with pytest.raises(InvalidUSCC) as info:
        validate_uscc(value)
    return info.value


def test_weights_are_powers_of_three_mod_31() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_validate(code: str) -> None:
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)


@pytest.mark.parametrize("authority", sorted(REGISTRATION_AUTHORITIES))
def test_every_authority_is_accepted(authority: str) -> None:
    # python-stdnum rejects A, N and Y; GB 32100 (and its 2018 addition of N) allows them.
    code = make_uscc(f"{authority}1330299MA2ABCDE1")
    assert validate_uscc(code) == code
    assert parse_uscc(code).authority_name == REGISTRATION_AUTHORITIES[authority]


def test_normalises_whitespace_case_and_full_width() -> None:
    assert validate_uscc("  91330100716105852f\n") == "91330100716105852F"
    assert validate_uscc("９１３３０１００７１６１０５８５２Ｆ") == "91330100716105852F"
    assert normalize_uscc(" ma2 ") == "MA2"


def test_empty() -> None:
    error = _reason("   ")
    assert error.problem == "empty"
    assert error.reason == "统一社会信用代码不能为空"


@pytest.mark.parametrize("value", ["9133010071610585", "91330100716105852FF"])
def test_wrong_length(value: str) -> None:
    error = _reason(value)
    assert error.problem == "length"
    assert error.reason == f"长度应为18位，实为{len(value)}位"


def test_excluded_letter_names_the_character_and_position() -> None:
    error = _reason("9133I100716105852F")
    assert error.problem == "character"
    assert error.position == 5
    assert error.reason.startswith("含有非法字符 “I”（第5位）")
    assert "不使用字母" in error.reason


def test_other_illegal_character_has_no_letter_hint() -> None:
    error = _reason("91330100716105852-")
    assert error.reason == "含有非法字符 “-”（第18位）"
    assert error.position == 18


@pytest.mark.parametrize("authority", ["0", "B", "X"])
def test_unknown_authority(authority: str) -> None:
    error = _reason(authority + "1330100716105852F")
    assert error.problem == "authority"
    assert error.position == 1
    assert error.reason.startswith(f"登记管理部门代码 “{authority}” 无效")


def test_region_must_be_digits() -> None:
    error = _reason("9133A100716105852F")
    assert error.problem == "region"
    assert error.position == 5
    assert error.reason == "登记管理机关行政区划码 “33A100” 应为6位数字（第5位）"


def test_wrong_check_char_says_what_it_should_be() -> None:
    error = _reason("913301007161058523")
    assert error.problem == "check"
    assert error.position == 18
    assert error.reason == "校验码错误：应为 “F”，实为 “3”"
    assert str(error) == error.reason
    assert error.value == "913301007161058523"


def test_error_is_a_value_error_and_an_invalid_input() -> None:
    error = _reason("1")
    assert isinstance(error, ValueError)
    assert isinstance(error, InvalidInput)
    assert error.field == "uscc"
    assert not is_valid_uscc("1")


def test_category_is_not_restricted_per_authority() -> None:
    # "9Y" is not in our table of categories for authority 9, but we only report that.
    code = make_uscc("9Y330299MA2ABCDE1")
    parts = parse_uscc(code)
    assert parts.category_name is None
    assert parse_uscc("92340602MA2PBMEM24").category_name == "个体工商户"


def test_parse_splits_the_fields() -> None:
    parts = parse_uscc("91330100716105852F")
    assert (parts.authority, parts.category, parts.region_code) == ("9", "1", "330100")
    assert (parts.organisation_code, parts.check_char) == ("716105852", "F")
    assert parts.authority_name == "市场监督管理（原工商）"
    assert parts.organisation_code_valid()


def test_check_char_zero_when_sum_is_a_multiple_of_31() -> None:
    assert compute_check_char("0" * 17) == "0"


def test_compute_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="17 characters"):
        compute_check_char("9133")
    with pytest.raises(ValueError, match="17 characters"):
        compute_check_char("9133010071610585I")


def test_make_uscc_rejects_an_impossible_prefix() -> None:
    with pytest.raises(InvalidUSCC, match="登记管理部门代码"):
        make_uscc("01330299MA2ABCDE1")


def test_organisation_code_check() -> None:
    # GB 11714 worked by hand: M A 1 K 3 B T P -> 614 mod 11 = 9 -> 11 - 9 = 2.
    assert compute_organisation_check_char("MA1K3BTP") == "2"
    assert compute_organisation_check_char("00000000") == "0"  # 11 -> '0'
    assert compute_organisation_check_char("00000006") == "X"  # 12 mod 11 = 1 -> 10 -> 'X'
    with pytest.raises(ValueError, match="8 digits or capitals"):
        compute_organisation_check_char("ma1k3btp")
    with pytest.raises(ValueError, match="8 digits or capitals"):
        compute_organisation_check_char("MA1K3BT")


def test_invalid_organisation_code_is_information_not_rejection() -> None:
    code = make_uscc("92330299MA2ABCDE1")  # 9th-17th chars do not carry a GB 11714 check
    assert is_valid_uscc(code)
    assert not organisation_code_valid(code)
    assert not parse_uscc(code).organisation_code_valid()


def test_organisation_code_valid_requires_a_valid_uscc() -> None:
    with pytest.raises(InvalidUSCC):
        organisation_code_valid("91330100716105852A")


def test_every_table_authority_has_categories() -> None:
    assert set(INSTITUTION_CATEGORIES) == set(REGISTRATION_AUTHORITIES)


_alphabet_char = st.sampled_from(ALPHABET)
prefixes = st.builds(
    lambda a, c, region, org: a + c + region + "".join(org),
    st.sampled_from(sorted(REGISTRATION_AUTHORITIES)),
    _alphabet_char,
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.lists(_alphabet_char, min_size=9, max_size=9),
)


@given(prefixes)
def test_make_uscc_always_validates(prefix: str) -> None:
    code = make_uscc(prefix)
    assert code.startswith(prefix)
    assert validate_uscc(code) == code


@given(prefixes, st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET + "IOSVZ-"))
def test_changing_one_character_invalidates(prefix: str, index: int, replacement: str) -> None:
    # 31 is prime and no weight is 0 mod 31, so any single substitution moves the checksum.
    code = make_uscc(prefix)
    assume(code[index] != replacement)
    altered = code[:index] + replacement + code[index + 1 :]
    assert not is_valid_uscc(altered)
