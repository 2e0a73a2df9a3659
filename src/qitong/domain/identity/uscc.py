"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015).

Layout of the 18 characters (1-based positions)::

    1      登记管理部门代码  registration authority: 1-9, A, N, Y
    2      机构类别代码      institution category (meaning depends on position 1)
    3-8    登记管理机关行政区划码  6-digit administrative division (GB/T 2260)
    9-17   主体标识码 (组织机构代码, GB 11714): 8 body characters + its own check character
    18     校验码           check character over positions 1-17

Every character comes from ``ALPHABET`` (digits and capitals without I, O, S, V, Z).

What we enforce, and what we deliberately do not:

* Position 1 must be a known authority. python-stdnum requires positions 1-8 to be digits and so
  rejects the authorities A (中央军委改革和编制办公室), N (农业农村) and Y (其他), which are real;
  we accept them.
* Position 2 only has to be in the alphabet. ``INSTITUTION_CATEGORIES`` lists the categories each
  authority defines, but registries keep adding categories, so a table miss is information, not
  an error: rejecting a real licence at intake is worse than accepting an unusual category.
* Positions 3-8 must be digits; we do not check them against a division list (codes are retired
  and re-issued, and a code keeps the division at the time of registration).
* Positions 9-17 are not required to carry a valid GB 11714 check character: codes issued to
  individual businesses (个体工商户, "92...") and some re-issued codes do not. ``organisation_code_valid``
  reports it as information only.
* Position 18 must be the GB 32100 check character.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from qitong.domain.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
# w_i = 3^i mod 31, i = 0..16: 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28.
WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))
USCC_LENGTH = 18
_EXCLUDED_LETTERS = frozenset("IOSVZ")

REGISTRATION_AUTHORITIES: Mapping[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监督管理（原工商）",
    "A": "中央军委改革和编制办公室",
    "N": "农业农村",
    "Y": "其他",
}

# Informational only (see the module docstring): category code -> name, per authority.
INSTITUTION_CATEGORIES: Mapping[str, Mapping[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "公证处",
        "3": "基层法律服务所",
        "4": "司法鉴定机构",
        "5": "仲裁委员会",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}

# GB 11714: body characters are digits (0-9) or capitals (A=10 ... Z=35).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARS = frozenset(string.digits + string.ascii_uppercase)

Problem = Literal["empty", "length", "character", "authority", "region", "check"]


class InvalidUSCC(InvalidInput, ValueError):
    """The text is not a valid 统一社会信用代码. ``reason`` says exactly why, in Chinese.

    It is an ``InvalidInput`` (so the web layer answers 422 naming the field) and a ``ValueError``
    (so plain callers and pydantic validators can catch it).
    """

    def __init__(self, reason: str, *, value: str, problem: Problem, position: int | None = None) -> None:
        super().__init__(reason, field="uscc")
        self.reason = reason
        self.value = value
        self.problem: Problem = problem
        # 1-based position of the offending character, for highlighting it in a form.
        self.position = position


@dataclass(frozen=True, slots=True)
class USCCParts:
    """A validated code split into its fields."""

    code: str
    authority: str
    category: str
    region_code: str
    organisation_code: str
    check_char: str

    @property
    def authority_name(self) -> str:
        return REGISTRATION_AUTHORITIES[self.authority]

    @property
    def category_name(self) -> str | None:
        """None when the category is not in our (informational) table."""
        return INSTITUTION_CATEGORIES[self.authority].get(self.category)

    def organisation_code_valid(self) -> bool:
        return organisation_code_valid(self.code)


def normalize_uscc(value: str) -> str:
    """NFKC (full-width "９１３３…" pasted from a Chinese document becomes ASCII), strip, upper-case."""
    return unicodedata.normalize("NFKC", value).strip().upper()


def compute_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters (already normalised)."""
    if len(first17) != USCC_LENGTH - 1 or any(c not in _VALUE for c in first17):
        raise ValueError(f"need 17 characters from the USCC alphabet, got {first17!r}")
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Return the normalised code, or raise ``InvalidUSCC`` saying what is wrong."""
    code = normalize_uscc(value)
    _check_length(code)
    _check_characters(code)
    _check_authority(code)
    _check_region(code)
    _check_check_char(code)
    return code


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except InvalidUSCC:
        return False
    return True


def parse_uscc(value: str) -> USCCParts:
    code = validate_uscc(value)
    return USCCParts(
        code=code,
        authority=code[0],
        category=code[1],
        region_code=code[2:8],
        organisation_code=code[8:17],
        check_char=code[17],
    )


def make_uscc(first17: str) -> str:
    """Append the check character and validate the result (for demo data and tests)."""
    prefix = normalize_uscc(first17)
    return validate_uscc(prefix + compute_check_char(prefix))


def compute_organisation_check_char(body8: str) -> str:
    """GB 11714 check character for the 8 body characters of an organisation code."""
    if len(body8) != 8 or not all(c in _ORG_CHARS for c in body8):
        raise ValueError(f"need 8 digits or capitals, got {body8!r}")
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else str(check % 11)


def organisation_code_valid(uscc: str) -> bool:
    """Whether positions 9-17 of a valid USCC carry a correct GB 11714 check character.

    Information only: many genuine codes (e.g. 个体工商户) fail this, see the module docstring.
    """
    code = validate_uscc(uscc)
    return compute_organisation_check_char(code[8:16]) == code[16]


def _fail(value: str, problem: Problem, reason: str, position: int | None = None) -> InvalidUSCC:
    return InvalidUSCC(reason, value=value, problem=problem, position=position)


def _check_length(code: str) -> None:
    if not code:
        raise _fail(code, "empty", "统一社会信用代码不能为空")
    if len(code) != USCC_LENGTH:
        raise _fail(code, "length", f"长度应为18位，实为{len(code)}位")


def _check_characters(code: str) -> None:
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            hint = "（统一社会信用代码不使用字母 I、O、S、V、Z）" if char in _EXCLUDED_LETTERS else ""
            raise _fail(code, "character", f"含有非法字符 “{char}”（第{position}位）{hint}", position)


def _check_authority(code: str) -> None:
    if code[0] not in REGISTRATION_AUTHORITIES:
        raise _fail(code, "authority", f"登记管理部门代码 “{code[0]}” 无效（第1位应为1-9、A、N或Y）", 1)


def _check_region(code: str) -> None:
    for position in range(3, 9):
        if not code[position - 1].isdigit():
            raise _fail(
                code,
                "region",
                f"登记管理机关行政区划码 “{code[2:8]}” 应为6位数字（第{position}位）",
                position,
            )


def _check_check_char(code: str) -> None:
    expected = compute_check_char(code[:17])
    if code[17] != expected:
        raise _fail(code, "check", f"校验码错误：应为 “{expected}”，实为 “{code[17]}”", 18)
