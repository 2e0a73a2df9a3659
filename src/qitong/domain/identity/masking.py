"""Masking of personal and business identifiers for lists, exports, logs and the case library.

Each ``mask_*`` function never raises: input it does not recognise still comes back masked by a
generic rule (at most a third of the characters stay visible), because a masking helper that
fails open would leak the very value it was asked to hide.

Choices, and why:

* Mobile numbers keep the first 3 and last 4 digits ("138****5678"), the form Chinese users know
  from bank and courier apps; landlines keep the area code and the last 4 digits.
* ID numbers (居民身份证号码) keep only the first and last character: the first 6 digits name the
  place of registration (in a county system nearly everyone shares them, so they would not help
  tell people apart) and digits 7-14 are the birth date, which is personal information.
* Names keep the first character (usually the surname) and star the rest, one star per character.
  Compound surnames (欧阳, 司马 ...) are not special-cased: showing one character less is the
  safe direction.
* Enterprise names keep the leading region ("象湖县") and the legal-form suffix ("有限公司", "合作社"),
  and replace the 字号 and industry words in between with "***". Regions are recognised from the
  province list below, a generic "2-3 characters + 县" county pattern, and whatever names the
  caller passes; we do not guess 市/区/镇/乡 from text, since "超市", "小区" and "家乡" end in the
  same characters and guessing would leak part of the 字号.
* USCCs keep positions 1-8 (authority, category, region: shared by thousands of businesses) and
  the last 2 characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from qitong.domain.identity.uscc import is_valid_uscc

STAR = "*"
_PHONE_STARS = STAR * 4  # a fixed run, so the mask does not reveal the number's length

_MOBILE = re.compile(r"(?P<cc>(?:\+|00)?86)?(?P<num>1[3-9]\d{9})")
# Area codes: 010 and 02x are 3 digits, all others 4, which makes unseparated numbers unambiguous.
_LANDLINE = re.compile(
    r"[(（]?(?P<area>0(?:[12]\d|[3-9]\d{2}))[)）]?-?(?P<local>[2-9]\d{6,7})(?:(?:-|转|#)(?P<ext>\d{1,6}))?"
)
_LOCAL = re.compile(r"[2-9]\d{6,7}")
_WHITESPACE = re.compile(r"\s")
_ID18 = re.compile(r"\d{17}[\dX]")
_ID15 = re.compile(r"\d{15}")
_USCC_SHAPE = re.compile(r"[1-9ANY][0-9A-HJ-NP-RTUW-Y]\d{6}[0-9A-HJ-NP-RTUW-Y]{10}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_NAME_SEPARATORS = frozenset("·•・‧.． 　")

# Province-level divisions: short name -> full name; both forms appear at the start of names.
PROVINCES: Mapping[str, str] = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "河北": "河北省",
    "山西": "山西省", "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省", "江苏": "江苏省",
    "浙江": "浙江省", "安徽": "安徽省", "福建": "福建省", "江西": "江西省", "山东": "山东省",
    "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省", "广东": "广东省", "海南": "海南省",
    "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省", "甘肃": "甘肃省",
    "青海": "青海省", "台湾": "台湾省", "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区",
    "西藏": "西藏自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
    "香港": "香港特别行政区", "澳门": "澳门特别行政区",
}  # fmt: skip
_BUILTIN_REGIONS: frozenset[str] = frozenset(PROVINCES) | frozenset(PROVINCES.values())
_COUNTY = re.compile(r"[\u4e00-\u9fff]{2,3}(?:自治县|县)")

_LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "有限公司", "分公司", "公司",
    "（有限合伙）", "(有限合伙)", "（普通合伙）", "(普通合伙)", "合伙企业", "个人独资企业",
    "（个体工商户）", "(个体工商户)", "个体工商户",
    "农民专业合作社", "专业合作社", "股份经济合作社", "经济合作社", "合作社",
    "家庭农场", "农场", "养殖场", "经营部", "门市部", "商行", "工作室", "超市", "厂", "店",
)  # fmt: skip
# Longest first, so "股份有限公司" wins over "有限公司".
LEGAL_FORM_SUFFIXES: tuple[str, ...] = tuple(sorted(_LEGAL_FORMS, key=len, reverse=True))


def mask_phone(value: str) -> str:
    """Mobile "13812345678" -> "138****5678"; landline "0574-65123456" -> "0574-****3456"."""
    text = value.strip()
    compact = _WHITESPACE.sub("", text).replace("－", "-")
    if mobile := _MOBILE.fullmatch(compact.replace("-", "")):
        prefix = f"{mobile['cc']} " if mobile["cc"] else ""
        return f"{prefix}{mobile['num'][:3]}{_PHONE_STARS}{mobile['num'][-4:]}"
    if landline := _LANDLINE.fullmatch(compact):
        extension = f"-{landline['ext']}" if landline["ext"] else ""
        return f"{landline['area']}-{_PHONE_STARS}{landline['local'][-4:]}{extension}"
    if _LOCAL.fullmatch(compact):
        return f"{_PHONE_STARS}{compact[-4:]}"
    return _mask_generic(text)


def mask_id_number(value: str) -> str:
    """18- or 15-digit 身份证号码 -> first and last character kept: "3****************X"."""
    text = value.strip().upper()
    if _ID18.fullmatch(text) or _ID15.fullmatch(text):
        return _mask_middle(text, 1, 1)
    return _mask_generic(text)


def mask_name(value: str) -> str:
    """Keep the first character: 张三丰 -> 张**, 张三 -> 张*, 张 -> *; keeps the · in 阿依古丽·买买提."""
    text = value.strip()
    if len(text) <= 1:
        return STAR * len(text)
    rest = "".join(c if c in _NAME_SEPARATORS else STAR for c in text[1:])
    return text[0] + rest


def mask_enterprise_name(value: str, *, regions: Iterable[str] = ()) -> str:
    """Keep region and legal form: 象山县鑫达机械有限公司 -> 象山县***有限公司.

    ``regions`` adds place names to keep (e.g. the deployment's own city, county and towns); see
    the module docstring for how regions are found.
    """
    text = value.strip()
    if not text:
        return ""
    prefix = _region_prefix(text, frozenset(regions) | _BUILTIN_REGIONS)
    suffix = _legal_form_suffix(text[len(prefix) :])
    if len(prefix) + len(suffix) >= len(text):
        return _mask_generic(text)
    return f"{prefix}***{suffix}"


def mask_uscc(value: str) -> str:
    """Keep positions 1-8 and the last 2: 91330299MA2ABCDE1X -> 91330299********1X."""
    text = value.strip().upper()
    if len(text) == 18:
        return _mask_middle(text, 8, 2)
    return _mask_generic(text)


_SENSITIVE = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"(?P<token18>[0-9A-Za-z]{18})"
    r"|(?P<mobile>(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2})"
    r"|(?P<landline>(?:[(（]0\d{2,3}[)）]|0\d{2,3}-)[2-9]\d{6,7}(?:-\d{1,6})?)"
    r")(?![0-9A-Za-z])"
)


def redact_text(text: str) -> str:
    """Mask phone numbers, 18-digit ID numbers and USCCs inside free text.

    Matches must stand apart from other ASCII letters and digits (so an order number is not cut
    into a phone number); Chinese characters around them do not matter. Not covered, because
    they cannot be told from ordinary numbers in prose: 15-digit legacy ID numbers, bare
    7-8 digit local numbers and bank card numbers.
    """
    return _SENSITIVE.sub(_redact_match, text)


def _redact_match(match: re.Match[str]) -> str:
    if token := match["token18"]:
        return _mask_token18(token)
    return mask_phone(match[0])


def _mask_token18(token: str) -> str:
    upper = token.upper()
    # An all-digit token can be either; prefer the stronger ID masking unless it is clearly a USCC.
    if _ID18.fullmatch(upper) and (_id_check_ok(upper) or not is_valid_uscc(upper)):
        return mask_id_number(upper)
    if _USCC_SHAPE.fullmatch(upper):
        return mask_uscc(upper)
    return token  # some other 18-character code (a file hash, an order number)


def _id_check_ok(number: str) -> bool:
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def _region_prefix(text: str, regions: frozenset[str]) -> str:
    """The chain of leading place names, e.g. "浙江省宁波市象湖县"."""
    ordered = sorted(regions, key=len, reverse=True)
    end = 0
    while True:
        rest = text[end:]
        found = next((r for r in ordered if r and rest.startswith(r)), None)
        county = _COUNTY.match(rest)
        step = len(found) if found else (county.end() if county else 0)
        if step == 0:
            return text[:end]
        end += step


def _legal_form_suffix(text: str) -> str:
    return next((s for s in LEGAL_FORM_SUFFIXES if text.endswith(s)), "")


def _mask_middle(text: str, head: int, tail: int) -> str:
    return text[:head] + STAR * (len(text) - head - tail) + text[len(text) - tail :]


def _mask_generic(text: str) -> str:
    """Show at most a third of the characters (never more than 3 in front and 4 behind)."""
    visible = len(text) // 3
    tail = min((visible + 1) // 2, 4)
    head = min(visible - tail, 3)
    return _mask_middle(text, head, tail)
