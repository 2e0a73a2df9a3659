"""The demo county's content: consistent reference data and deterministic generators."""

from __future__ import annotations

import random
import re
import string
from collections import Counter

import pytest

from qitong.demo import content
from qitong.demo.content import (
    CATEGORIES,
    CATEGORIES_BY_CODE,
    CENTER_CODE,
    COUNTY_CODE,
    DEPARTMENTS,
    DEPARTMENTS_BY_CODE,
    INDUSTRIES,
    INDUSTRIES_BY_CODE,
    LEAF_CATEGORIES,
    REGIONS,
    REGIONS_BY_CODE,
    TICKET_TEMPLATES,
    TOWN_UNIT_BY_REGION,
    TOWNS,
    EnterpriseSeed,
    fill_template,
    generate_enterprises,
    generate_ticket_texts,
)
from qitong.domain.identity.masking import mask_enterprise_name, mask_phone
from qitong.domain.identity.uscc import organisation_code_valid, parse_uscc, validate_uscc
from qitong.domain.tickets.vocab import Complexity, TicketType, Tier


@pytest.fixture(scope="module")
def enterprises() -> list[EnterpriseSeed]:
    return generate_enterprises(random.Random(20250303), 400)


# ---- regions ----------------------------------------------------------------------------------


def test_region_codes_are_unique_and_linked_to_existing_parents() -> None:
    assert len(REGIONS_BY_CODE) == len(REGIONS)
    for region in REGIONS:
        assert region.parent_code is None or region.parent_code in REGIONS_BY_CODE
    assert [r.tier for r in REGIONS[:3]] == [Tier.province, Tier.city, Tier.county]
    assert REGIONS_BY_CODE[COUNTY_CODE].name == "象湖县"


def test_towns_have_nine_digit_codes_in_their_gb_t_10114_range() -> None:
    ranges = {"street": range(1, 100), "town": range(100, 200), "township": range(200, 400)}
    assert len(TOWNS) >= 8
    for town in TOWNS:
        assert re.fullmatch(rf"{COUNTY_CODE}\d{{3}}", town.code)
        assert town.parent_code == COUNTY_CODE
        assert town.tier is Tier.local
        assert int(town.code[6:]) in ranges[town.kind]
        assert town.name.endswith({"street": "街道", "town": "镇", "township": "乡"}[town.kind])


def test_upper_regions_have_six_digit_codes() -> None:
    for region in REGIONS:
        if region.tier is not Tier.local:
            assert re.fullmatch(r"\d{6}", region.code)


# ---- units ------------------------------------------------------------------------------------


def test_department_codes_and_names_are_unique() -> None:
    assert len(DEPARTMENTS_BY_CODE) == len(DEPARTMENTS) >= 25
    assert len({d.name for d in DEPARTMENTS}) == len(DEPARTMENTS)
    assert len({d.short_name for d in DEPARTMENTS}) == len(DEPARTMENTS)
    for department in DEPARTMENTS:
        assert re.fullmatch(r"[a-z][a-z0-9]*", department.code)


def test_one_center_with_four_boards() -> None:
    kinds = Counter(d.kind for d in DEPARTMENTS)
    assert kinds["center"] == 1
    assert DEPARTMENTS_BY_CODE[CENTER_CODE].name == "象湖县企业综合服务中心"
    boards = [d for d in DEPARTMENTS if d.kind == "board"]
    assert {b.short_name for b in boards} == {"政务服务板块", "政策服务板块", "要素保障板块", "法律服务板块"}
    assert all(b.parent_code == CENTER_CODE for b in boards)
    assert all(d.parent_code is None for d in DEPARTMENTS if d.kind != "board")


def test_every_town_has_a_local_unit_and_only_towns_are_local() -> None:
    assert set(TOWN_UNIT_BY_REGION) == {t.code for t in TOWNS}
    for department in DEPARTMENTS:
        assert (department.tier is Tier.local) == (department.kind == "town")
        if department.kind == "town":
            assert department.region_code is not None
            assert department.short_name == REGIONS_BY_CODE[department.region_code].name
        else:
            assert department.tier is Tier.county
            assert department.region_code is None


def test_the_four_lead_coordinators_of_1_plus_4_plus_n() -> None:
    coordinators = {
        "major_project": "县发改局",
        "gov_service": "县营商办",
        "enforcement": "县司法局",
        "policy": "县经信局",
    }
    for category, short_name in coordinators.items():
        assert DEPARTMENTS_BY_CODE[CATEGORIES_BY_CODE[category].lead_unit].short_name == short_name


def test_department_leads_agree_with_categories() -> None:
    for department in DEPARTMENTS:
        for code in department.leads:
            assert CATEGORIES_BY_CODE[code].lead_unit == department.code
    for category in CATEGORIES:
        assert category.code in DEPARTMENTS_BY_CODE[category.lead_unit].leads


# ---- classification tree ----------------------------------------------------------------------


def test_category_tree_has_two_levels() -> None:
    assert len(CATEGORIES_BY_CODE) == len(CATEGORIES)
    tops = [c for c in CATEGORIES if c.parent is None]
    assert [c.name for c in tops] == ["重大项目", "政务服务", "执法监督", "政策服务", "要素保障", "其他"]
    for category in LEAF_CATEGORIES:
        assert category.parent is not None
        assert CATEGORIES_BY_CODE[category.parent].parent is None
        assert category.code.startswith(category.parent + ".")
    children = Counter(c.parent for c in LEAF_CATEGORIES)
    assert all(children[top.code] >= 4 for top in tops)


def test_every_category_has_an_existing_lead_and_co_units() -> None:
    for category in CATEGORIES:
        assert category.lead_unit in DEPARTMENTS_BY_CODE
        assert all(unit in DEPARTMENTS_BY_CODE for unit in category.co_units)
        assert category.lead_unit not in category.co_units
        assert len(set(category.co_units)) == len(category.co_units)


BRIEF_EXAMPLES = [
    ("政务服务", "审批效率"),
    ("政务服务", "证照办理"),
    ("要素保障", "用地"),
    ("要素保障", "用电"),
    ("要素保障", "用工"),
    ("要素保障", "融资"),
    ("执法监督", "涉企检查"),
    ("政策服务", "惠企政策兑现"),
]


def test_named_examples_from_the_brief() -> None:
    names = {(CATEGORIES_BY_CODE[c.parent].name if c.parent else "", c.name) for c in CATEGORIES}
    assert set(BRIEF_EXAMPLES) <= names


# ---- industries -------------------------------------------------------------------------------

# GB/T 4754-2017: the two-digit divisions each section letter covers.
SECTIONS = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
    "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
    "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
    "S": (91, 96), "T": (97, 97),
}  # fmt: skip


def test_industry_codes_are_gb_t_4754_divisions() -> None:
    assert len(INDUSTRIES_BY_CODE) == len(INDUSTRIES)
    for industry in INDUSTRIES:
        assert re.fullmatch(r"[A-T]\d{2}", industry.code)
        low, high = SECTIONS[industry.code[0]]
        assert low <= int(industry.code[1:]) <= high
    assert INDUSTRIES_BY_CODE["C34"].name == "通用设备制造业"
    assert INDUSTRIES_BY_CODE["I65"].name == "软件和信息技术服务业"


# ---- enterprises ------------------------------------------------------------------------------


def test_enterprises_are_deterministic_for_a_seed() -> None:
    assert generate_enterprises(random.Random(1), 30) == generate_enterprises(random.Random(1), 30)
    assert generate_enterprises(random.Random(1), 30) != generate_enterprises(random.Random(2), 30)
    assert generate_enterprises(random.Random(1), 0) == []


def test_enterprise_usccs_are_valid_unique_and_local(enterprises: list[EnterpriseSeed]) -> None:
    assert len(enterprises) == 400
    assert len({e.uscc for e in enterprises}) == 400
    heads = {"company": "91", "individual": "92", "cooperative": "93", "social_group": "51",
             "private_non_enterprise": "52", "collective": "N2"}  # fmt: skip
    for enterprise in enterprises:
        assert validate_uscc(enterprise.uscc) == enterprise.uscc
        assert organisation_code_valid(enterprise.uscc)
        parts = parse_uscc(enterprise.uscc)
        assert parts.region_code == COUNTY_CODE
        assert parts.authority + parts.category == heads[enterprise.legal_form]


def test_enterprise_mix(enterprises: list[EnterpriseSeed]) -> None:
    forms = Counter(e.legal_form for e in enterprises)
    assert forms["company"] > forms["individual"] > 0
    assert forms["cooperative"] > 0
    assert forms["social_group"] + forms["private_non_enterprise"] + forms["collective"] > 0
    assert {e.size for e in enterprises} == {"micro", "small", "medium", "large"}
    assert all(e.size == "micro" for e in enterprises if e.legal_form == "individual")


def test_enterprise_names_are_unique_and_plausible(enterprises: list[EnterpriseSeed]) -> None:
    assert len({e.name for e in enterprises}) == len(enterprises)
    suffixes = {"company": "公司", "cooperative": "专业合作社", "collective": "股份经济合作社",
                "private_non_enterprise": "学校", "social_group": "会"}  # fmt: skip
    for enterprise in enterprises:
        assert re.fullmatch(r"[\u4e00-\u9fff]+", enterprise.name)
        assert enterprise.name.startswith(("象湖县", "宁波", "浙江"))
        if enterprise.legal_form in suffixes:
            assert enterprise.name.endswith(suffixes[enterprise.legal_form])
        if enterprise.legal_form in ("individual", "cooperative", "collective"):
            assert REGIONS_BY_CODE[enterprise.region_code].name in enterprise.name


def test_enterprise_industry_region_and_contact(enterprises: list[EnterpriseSeed]) -> None:
    for enterprise in enterprises:
        assert INDUSTRIES_BY_CODE[enterprise.industry_code].name == enterprise.industry_name
        town = REGIONS_BY_CODE[enterprise.region_code]
        assert town in TOWNS
        if enterprise.industry_code.startswith("A"):
            assert town.kind != "street"  # farms are not in urban streets
        assert re.fullmatch(r"1[3-9]\d{9}", enterprise.contact_phone)
        assert mask_phone(enterprise.contact_phone).count("*") == 4
        assert 2 <= len(enterprise.contact_name) <= 3


def test_enterprise_names_mask_with_the_demo_regions(enterprises: list[EnterpriseSeed]) -> None:
    regions = [r.name for r in REGIONS] + ["宁波"]
    for enterprise in enterprises[:50]:
        masked = mask_enterprise_name(enterprise.name, regions=regions)
        assert "***" in masked
        assert masked.startswith(("象湖县", "宁波", "浙江"))


def test_generator_gives_up_when_names_run_out(monkeypatch: pytest.MonkeyPatch) -> None:
    only = generate_enterprises(random.Random(5), 1)[0]
    monkeypatch.setattr(content, "_enterprise", lambda rng: only)
    with pytest.raises(ValueError, match="could only make 1 distinct demo enterprises, not 2"):
        generate_enterprises(random.Random(5), 2)


# ---- ticket templates -------------------------------------------------------------------------

FIELDS_IN_TEXT = {"enterprise", "town"}
FIELDS_IN_REPLY = {"enterprise", "town", "department"}


def _fields(template_text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template_text) if name is not None}


def test_every_leaf_category_has_at_least_three_templates() -> None:
    per_category = Counter(t.category_code for t in TICKET_TEMPLATES)
    assert set(per_category) == {c.code for c in LEAF_CATEGORIES}
    assert min(per_category.values()) >= 3


def test_templates_use_the_controlled_vocabularies() -> None:
    assert {t.ticket_type for t in TICKET_TEMPLATES} == set(TicketType)
    assert {t.complexity for t in TICKET_TEMPLATES} == set(Complexity)
    assert len({t.title for t in TICKET_TEMPLATES}) == len(TICKET_TEMPLATES)


@pytest.mark.parametrize("template", TICKET_TEMPLATES, ids=lambda t: t.title)
def test_template_formats(template: content.TicketTemplate) -> None:
    assert _fields(template.title) <= FIELDS_IN_TEXT
    assert _fields(template.content) <= FIELDS_IN_TEXT
    assert _fields(template.reply) <= FIELDS_IN_REPLY
    assert template.reply.startswith("{enterprise}：您好！")
    values = {"enterprise": "象湖县鑫达机械有限公司", "town": "南湾镇", "department": "县发改局"}
    for text in (template.title, template.content, template.reply):
        filled = text.format(**values)
        assert "{" not in filled and "}" not in filled
    sentences = re.findall(r"[^。？！]+[。？！]", template.content)
    assert 2 <= len(sentences) <= 4
    assert "".join(sentences) == template.content  # ends with a full stop, nothing dangling


def test_templates_open_to_all_do_not_assume_a_company() -> None:
    for template in TICKET_TEMPLATES:
        if template.audience != "company":
            assert "贵公司" not in template.reply
            assert "我公司" not in template.content


def test_fill_template_adds_the_town_when_it_assists(enterprises: list[EnterpriseSeed]) -> None:
    template = next(t for t in TICKET_TEMPLATES if t.category_code == "major_project.land_clearance")
    enterprise = enterprises[0]
    text = fill_template(template, enterprise)
    assert text.lead_unit == "fgj"
    assert text.co_units == ("zgj", TOWN_UNIT_BY_REGION[enterprise.region_code].code)
    assert enterprise.name in text.reply


# ---- ticket texts -----------------------------------------------------------------------------


def test_ticket_texts_are_deterministic_and_consistent(enterprises: list[EnterpriseSeed]) -> None:
    texts = generate_ticket_texts(random.Random(9), 300, enterprises)
    assert texts == generate_ticket_texts(random.Random(9), 300, enterprises)
    assert len(texts) == 300
    by_uscc = {e.uscc: e for e in enterprises}
    by_title = {t.title: t for t in TICKET_TEMPLATES}
    for text in texts:
        enterprise = by_uscc[text.enterprise_uscc]
        category = CATEGORIES_BY_CODE[text.category_code]
        assert text.lead_unit == category.lead_unit
        assert all(unit in DEPARTMENTS_BY_CODE for unit in text.co_units)
        assert text.region_code == enterprise.region_code
        assert text == fill_template(by_title[text.title], enterprise)
        if text.category_code == "other.agriculture":
            assert enterprise.industry_code.startswith("A")
    assert len({t.category_code for t in texts}) == len(LEAF_CATEGORIES)


def test_companies_raise_company_matters(enterprises: list[EnterpriseSeed]) -> None:
    forms = {e.uscc: e.legal_form for e in enterprises}
    audience = {t.title: t.audience for t in TICKET_TEMPLATES}
    for text in generate_ticket_texts(random.Random(11), 200, enterprises):
        if audience[text.title] == "company":
            assert forms[text.enterprise_uscc] == "company"


def test_ticket_texts_fall_back_to_any_enterprise(enterprises: list[EnterpriseSeed]) -> None:
    shop = next(e for e in enterprises if e.legal_form == "individual")
    texts = generate_ticket_texts(random.Random(3), 40, [shop])
    assert {t.enterprise_uscc for t in texts} == {shop.uscc}


def test_ticket_texts_generate_their_own_enterprises_by_default() -> None:
    texts = generate_ticket_texts(random.Random(4), 10)
    assert texts == generate_ticket_texts(random.Random(4), 10)
    assert all(validate_uscc(t.enterprise_uscc) for t in texts)


def test_ticket_texts_need_an_enterprise() -> None:
    with pytest.raises(ValueError, match="at least one enterprise"):
        generate_ticket_texts(random.Random(0), 1, [])
