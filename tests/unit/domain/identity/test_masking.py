"""Masking of phones, ID numbers, names, enterprise names and USCCs, alone and inside free text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qitong.domain.identity.masking import (
    LEGAL_FORM_SUFFIXES,
    mask_enterprise_name,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_uscc,
    redact_text,
)
from qitong.domain.identity.uscc import is_valid_uscc

SAMPLE_ID = "11010519491231002X"  # the worked example printed in GB 11643
FICTIONAL_ID = "330299199001011239"
# All digits, and valid both as a USCC and as an ID number: masked as the ID (the stronger mask).
BOTH_VALID = "913302990000000628"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        (" 139 1234 5678 ", "139****5678"),
        ("150-1234-5678", "150****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("0086-13812345678", "0086 138****5678"),
        ("0574-65123456", "0574-****3456"),
        ("0574－65123456", "0574-****3456"),  # full-width hyphen
        ("057465123456", "0574-****3456"),  # 4-digit area code inferred
        ("01062345678", "010-****5678"),  # 3-digit area code inferred
        ("(0574)65123456", "0574-****3456"),
        ("（0574）6512345", "0574-****2345"),
        ("0574-65123456-801", "0574-****3456-801"),
        ("0574-65123456转801", "0574-****3456-801"),
        ("65123456", "****3456"),
    ],
)
def test_mask_phone(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("", ""),
        ("12", "**"),
        ("12345", "****5"),
        ("4008123123", "4*******23"),  # not a personal number, still masked generically
        ("12345678901", "1********01"),  # 12x is not a mobile prefix
    ],
)
def test_mask_phone_unrecognised_input_is_still_masked(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        (SAMPLE_ID, "1****************X"),
        ("11010519491231002x", "1****************X"),
        ("330299900101123", "3*************3"),  # 15-digit legacy number
        ("3302991990", "3*******90"),  # truncated: generic rule
    ],
)
def test_mask_id_number(raw: str, masked: str) -> None:
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("张三丰", "张**"),
        ("张三", "张*"),
        ("张", "*"),
        ("", ""),
        (" 欧阳娜娜 ", "欧***"),
        ("阿依古丽·买买提", "阿***·***"),
        ("Li Ming", "L* ****"),
    ],
)
def test_mask_name(raw: str, masked: str) -> None:
    assert mask_name(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("象山县鑫达机械有限公司", "象山县***有限公司"),
        ("象湖县恒润塑业股份有限公司", "象湖县***股份有限公司"),
        ("象湖县鑫达超市有限公司", "象湖县***有限公司"),  # "超市" is not mistaken for a city
        ("浙江恒润新材料有限公司", "浙江***有限公司"),
        ("浙江省宏远建设集团有限公司", "浙江省***有限公司"),
        ("广西壮族自治区宏远物流有限公司", "广西壮族自治区***有限公司"),
        ("鑫达机械（象湖）有限公司", "***有限公司"),
        ("象湖县张三（个体工商户）", "象湖县***（个体工商户）"),
        ("象湖县海晟水产专业合作社", "象湖县***专业合作社"),
        ("象湖县鑫达五金店", "象湖县***店"),
        ("鑫达", "***"),
        ("有限公司", "***司"),  # nothing between region and form: generic rule
        ("象湖县", "**县"),
        ("   ", ""),
    ],
)
def test_mask_enterprise_name(raw: str, masked: str) -> None:
    assert mask_enterprise_name(raw) == masked


def test_mask_enterprise_name_with_deployment_regions() -> None:
    regions = ["宁波市", "宁波", "象湖县", "南湾镇"]
    assert mask_enterprise_name("宁波鑫达机械有限公司", regions=regions) == "宁波***有限公司"
    assert (
        mask_enterprise_name("浙江省宁波市象湖县宏远股份有限公司", regions=regions)
        == "浙江省宁波市象湖县***股份有限公司"
    )
    assert mask_enterprise_name("象湖县南湾镇阿明水果店", regions=regions) == "象湖县南湾镇***店"
    # Without the town in the list, it is hidden along with the 字号.
    assert mask_enterprise_name("象湖县南湾镇阿明水果店") == "象湖县***店"


def test_legal_form_suffixes_are_longest_first() -> None:
    lengths = [len(s) for s in LEGAL_FORM_SUFFIXES]
    assert lengths == sorted(lengths, reverse=True)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("91330100716105852F", "91330100********2F"),
        (" 91330100716105852f ", "91330100********2F"),
        ("9133", "***3"),
    ],
)
def test_mask_uscc(raw: str, masked: str) -> None:
    assert mask_uscc(raw) == masked


def test_redact_text_masks_everything_it_recognises() -> None:
    text = (
        "联系人王先生，电话13812345678，座机0574-65123456转人工；"
        f"法人身份证{SAMPLE_ID}；统一社会信用代码91330100716105852F。"
        "另有手机+86 139-1234-5678，区号（0574）65123456。"
    )
    assert redact_text(text) == (
        "联系人王先生，电话138****5678，座机0574-****3456转人工；"
        "法人身份证1****************X；统一社会信用代码91330100********2F。"
        "另有手机+86 139****5678，区号0574-****3456。"
    )


def test_redact_text_leaves_numbers_inside_longer_codes_alone() -> None:
    text = "订单号A13812345678901，批次2024051300000000001，金额13812345.00元，文件e3b0c44298fc1c149afb"
    assert redact_text(text) == text


def test_redact_text_all_digit_tokens() -> None:
    assert is_valid_uscc(BOTH_VALID)
    assert redact_text(f"代码{BOTH_VALID}") == "代码9****************8"
    # A valid all-digit USCC that fails the ID checksum keeps its USCC mask.
    assert redact_text("代码121200004013590816") == "代码12120000********16"
    # Neither valid: treated as a mistyped ID number.
    assert redact_text("身份证330299199001011230") == "身份证3****************0"
    assert redact_text(f"身份证{FICTIONAL_ID}") == "身份证3****************9"


def test_redact_text_lowercase_uscc_and_other_18_char_tokens() -> None:
    assert redact_text("代码91330100716105852f。") == "代码91330100********2F。"
    assert redact_text("编号ABCDEFGHJKLMNPQRTU") == "编号ABCDEFGHJKLMNPQRTU"


def test_redact_text_without_anything_sensitive() -> None:
    assert redact_text("") == ""
    assert redact_text("营业执照变更审批超时，已催办3次") == "营业执照变更审批超时，已催办3次"


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_every_mobile_keeps_only_seven_digits(number: str) -> None:
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[-4:]
    assert redact_text(f"电话{number}。") == f"电话{masked}。"


@given(st.text(max_size=40))
def test_masks_never_raise_and_generic_rule_shows_at_most_a_third(text: str) -> None:
    for mask in (mask_name, mask_phone, mask_id_number, mask_uscc, mask_enterprise_name, redact_text):
        assert isinstance(mask(text), str)
    base = text.strip().upper()
    if len(base) != 18:
        masked = mask_uscc(text)
        assert len(masked) == len(base)
        assert sum(1 for c in masked if c != "*") <= len(base) // 3
