"""Content for the demo county 象湖县: places, units, the classification tree, enterprises and the
texts of their tickets.

Everything here is invented for demonstrations and tests: the county, its towns, codes, the
enterprises, people, phone numbers and all wording. The province (浙江省, 330000) and city
(宁波市, 330200) are real so that the demo reads naturally; the county code 330299 is unused in
reality, so demo data can never be mistaken for a real registration.

Generators take a ``random.Random`` and use nothing else, so a seed always gives the same data.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from qitong.domain.identity.uscc import ALPHABET, compute_organisation_check_char, make_uscc
from qitong.domain.tickets.vocab import Complexity, TicketType, Tier

# ---- regions ----------------------------------------------------------------------------------

RegionKind = Literal["province", "city", "county", "street", "town", "township"]


@dataclass(frozen=True, slots=True)
class Region:
    """An administrative division. Province to county use 6-digit GB/T 2260 codes; towns use the
    9-digit 乡级 code (county code + 3 digits, GB/T 10114: 街道 001-099, 镇 100-199, 乡 200-399)."""

    code: str
    name: str
    kind: RegionKind
    tier: Tier
    parent_code: str | None


PROVINCE_CODE = "330000"
CITY_CODE = "330200"
COUNTY_CODE = "330299"
COUNTY_NAME = "象湖县"

REGIONS: tuple[Region, ...] = (
    Region(PROVINCE_CODE, "浙江省", "province", Tier.province, None),
    Region(CITY_CODE, "宁波市", "city", Tier.city, PROVINCE_CODE),
    Region(COUNTY_CODE, COUNTY_NAME, "county", Tier.county, CITY_CODE),
    Region("330299001", "湖滨街道", "street", Tier.local, COUNTY_CODE),
    Region("330299002", "东城街道", "street", Tier.local, COUNTY_CODE),
    Region("330299003", "新桥街道", "street", Tier.local, COUNTY_CODE),
    Region("330299101", "南湾镇", "town", Tier.local, COUNTY_CODE),
    Region("330299102", "青屿镇", "town", Tier.local, COUNTY_CODE),
    Region("330299103", "白沙镇", "town", Tier.local, COUNTY_CODE),
    Region("330299104", "梅林镇", "town", Tier.local, COUNTY_CODE),
    Region("330299201", "云岭乡", "township", Tier.local, COUNTY_CODE),
)
REGIONS_BY_CODE: Mapping[str, Region] = {r.code: r for r in REGIONS}
TOWNS: tuple[Region, ...] = tuple(r for r in REGIONS if r.tier is Tier.local)

# ---- classification tree ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Category:
    """A node of the two-level 问题分类 tree with its default 主办单位 and 协办单位 (unit codes).

    ``town_assists``: the enterprise's own town or street joins as a co-unit (e.g. land clearance,
    where only the 属地 can talk to the villagers)."""

    code: str
    name: str
    parent: str | None
    lead_unit: str
    co_units: tuple[str, ...] = ()
    town_assists: bool = False


def _c(code: str, name: str, lead: str, co: tuple[str, ...] = (), *, town: bool = False) -> Category:
    parent = code.rpartition(".")[0] or None
    return Category(code, name, parent, lead, co, town)


CATEGORIES: tuple[Category, ...] = (
    _c("major_project", "重大项目", "fgj"),
    _c("major_project.preparation", "项目前期", "fgj", ("zgj", "sthjj")),
    _c("major_project.land_clearance", "政策处理", "fgj", ("zgj",), town=True),
    _c("major_project.construction", "建设推进", "fgj", ("zjj",)),
    _c("major_project.investment", "招商落地", "shangwj", ("fgj", "zgj")),
    _c("gov_service", "政务服务", "yysb"),
    _c("gov_service.approval", "审批效率", "yysb", ("zwfwbk",)),
    _c("gov_service.license", "证照办理", "scjgj", ("zwfwbk",)),
    _c("gov_service.tax", "税费办理", "swj"),
    _c("gov_service.construction_permit", "工程建设审批", "zjj", ("zgj", "zwfwbk")),
    _c("enforcement", "执法监督", "sfj"),
    _c("enforcement.inspection", "涉企检查", "sfj", ("scjgj",)),
    _c("enforcement.penalty", "行政处罚", "sfj", ("scjgj",)),
    _c("enforcement.safety", "安全生产与消防", "yjglj", ("xfdd",)),
    _c("enforcement.environment", "环保执法", "sthjj", ("sfj",)),
    _c("policy", "政策服务", "jxj"),
    _c("policy.subsidy", "惠企政策兑现", "jxj", ("zcfwbk",)),
    _c("policy.consultation", "政策咨询", "zcfwbk", ("jxj",)),
    _c("policy.innovation", "科技创新扶持", "kjj"),
    _c("policy.trade", "外贸与商务", "shangwj"),
    _c("factor", "要素保障", "ysbzbk"),
    _c("factor.land", "用地", "zgj", ("fgj",)),
    _c("factor.power", "用电", "gdgs"),
    _c("factor.water", "用水", "swjt"),
    _c("factor.labour", "用工", "rsj"),
    _c("factor.finance", "融资", "jrb"),
    _c("other", "其他", "qyzx"),
    _c("other.legal", "法律服务", "flfwbk", ("sfj",)),
    _c("other.public_security", "治安环境", "gaj", town=True),
    _c("other.transport", "交通物流", "jtysj"),
    _c("other.agriculture", "农业经营", "nyncj", town=True),
    _c("other.misc", "其他事项", "qyzx"),
)
CATEGORIES_BY_CODE: Mapping[str, Category] = {c.code: c for c in CATEGORIES}
LEAF_CATEGORIES: tuple[Category, ...] = tuple(c for c in CATEGORIES if c.parent is not None)

# ---- units ------------------------------------------------------------------------------------

DepartmentKind = Literal["center", "board", "department", "utility", "town"]


@dataclass(frozen=True, slots=True)
class Department:
    """A unit tickets can be dispatched to. ``leads``: the categories it is the default 主办单位 of
    (derived from ``CATEGORIES``, so the two can never disagree). Boards sit inside the center
    (``parent_code``); towns name their region (``region_code``)."""

    code: str
    name: str
    short_name: str
    kind: DepartmentKind
    tier: Tier
    leads: tuple[str, ...] = ()
    parent_code: str | None = None
    region_code: str | None = None


CENTER_CODE = "qyzx"

_UNITS: tuple[tuple[str, str, str, DepartmentKind], ...] = (
    (CENTER_CODE, "象湖县企业综合服务中心", "县企服中心", "center"),
    ("zwfwbk", "象湖县企业综合服务中心政务服务板块", "政务服务板块", "board"),
    ("zcfwbk", "象湖县企业综合服务中心政策服务板块", "政策服务板块", "board"),
    ("ysbzbk", "象湖县企业综合服务中心要素保障板块", "要素保障板块", "board"),
    ("flfwbk", "象湖县企业综合服务中心法律服务板块", "法律服务板块", "board"),
    # The four lead coordinators of "1+4+N": 重大项目, 政务服务, 执法监督, 政策服务.
    ("fgj", "象湖县发展和改革局", "县发改局", "department"),
    ("yysb", "象湖县营商环境建设办公室", "县营商办", "department"),
    ("sfj", "象湖县司法局", "县司法局", "department"),
    ("jxj", "象湖县经济和信息化局", "县经信局", "department"),
    # The "N": member units.
    ("scjgj", "象湖县市场监督管理局", "县市场监管局", "department"),
    ("zgj", "象湖县自然资源和规划局", "县资规局", "department"),
    ("zjj", "象湖县住房和城乡建设局", "县住建局", "department"),
    ("rsj", "象湖县人力资源和社会保障局", "县人社局", "department"),
    ("swj", "国家税务总局象湖县税务局", "县税务局", "department"),
    ("gdgs", "国网象湖县供电公司", "县供电公司", "utility"),
    ("swjt", "象湖县水务集团有限公司", "县水务集团", "utility"),
    ("shangwj", "象湖县商务局", "县商务局", "department"),
    ("sthjj", "宁波市生态环境局象湖分局", "县生态环境分局", "department"),
    ("jtysj", "象湖县交通运输局", "县交通运输局", "department"),
    ("yjglj", "象湖县应急管理局", "县应急管理局", "department"),
    ("nyncj", "象湖县农业农村局", "县农业农村局", "department"),
    ("kjj", "象湖县科学技术局", "县科技局", "department"),
    ("jrb", "象湖县人民政府金融工作办公室", "县金融办", "department"),
    ("gaj", "象湖县公安局", "县公安局", "department"),
    ("xfdd", "象湖县消防救援大队", "县消防救援大队", "department"),
)
# Town and street governments, keyed to their region.
_TOWN_UNITS: tuple[tuple[str, str], ...] = (
    ("hbjd", "330299001"),
    ("dcjd", "330299002"),
    ("xqjd", "330299003"),
    ("nwz", "330299101"),
    ("qyz", "330299102"),
    ("bsz", "330299103"),
    ("mlz", "330299104"),
    ("ylx", "330299201"),
)


def _leads(unit_code: str) -> tuple[str, ...]:
    return tuple(c.code for c in CATEGORIES if c.lead_unit == unit_code)


def _town_unit(code: str, region_code: str) -> Department:
    region = REGIONS_BY_CODE[region_code]
    office = "办事处" if region.kind == "street" else "人民政府"
    return Department(
        code=code,
        name=f"{COUNTY_NAME}{region.name}{office}",
        short_name=region.name,
        kind="town",
        tier=Tier.local,
        leads=_leads(code),
        region_code=region_code,
    )


DEPARTMENTS: tuple[Department, ...] = (
    *(
        Department(
            code=code,
            name=name,
            short_name=short,
            kind=kind,
            tier=Tier.county,
            leads=_leads(code),
            parent_code=CENTER_CODE if kind == "board" else None,
        )
        for code, name, short, kind in _UNITS
    ),
    *(_town_unit(code, region) for code, region in _TOWN_UNITS),
)
DEPARTMENTS_BY_CODE: Mapping[str, Department] = {d.code: d for d in DEPARTMENTS}
TOWN_UNIT_BY_REGION: Mapping[str, Department] = {
    d.region_code: d for d in DEPARTMENTS if d.region_code is not None
}

# ---- industries (GB/T 4754-2017 divisions) ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Industry:
    code: str  # section letter + 2-digit division, e.g. "C34"
    name: str


@dataclass(frozen=True, slots=True)
class _Profile:
    """How businesses of one industry are named: words for companies, shops and cooperatives."""

    industry: Industry
    weight: int
    company: tuple[str, ...] = ()
    shop: tuple[str, ...] = ()
    coop: tuple[str, ...] = ()


def _p(
    code: str,
    name: str,
    weight: int,
    company: tuple[str, ...] = (),
    shop: tuple[str, ...] = (),
    coop: tuple[str, ...] = (),
) -> _Profile:
    return _Profile(Industry(code, name), weight, company, shop, coop)


_PROFILES: tuple[_Profile, ...] = (
    _p("A01", "农业", 2, ("农业开发", "生态农业"), ("家庭农场",), ("柑橘", "果蔬", "茶叶", "蔬菜")),
    _p("A03", "畜牧业", 1, ("畜牧",), ("养殖场",), ("生猪养殖", "蜂业")),
    _p("A04", "渔业", 2, ("海洋渔业", "水产养殖"), ("养殖场",), ("水产养殖", "海水养殖")),
    _p("C13", "农副食品加工业", 3, ("水产食品", "冷冻食品")),
    _p("C14", "食品制造业", 2, ("食品", "烘焙食品"), ("糕点店",)),
    _p("C18", "纺织服装、服饰业", 3, ("针织", "服饰", "制衣")),
    _p("C21", "家具制造业", 2, ("家具", "木业")),
    _p("C29", "橡胶和塑料制品业", 4, ("塑业", "橡塑", "塑料制品")),
    _p("C33", "金属制品业", 4, ("五金", "金属制品", "紧固件")),
    _p("C34", "通用设备制造业", 6, ("机械", "泵阀", "轴承", "液压设备")),
    _p("C35", "专用设备制造业", 3, ("智能装备", "模具")),
    _p("C37", "铁路、船舶、航空航天和其他运输设备制造业", 3, ("船舶修造", "游艇", "船舶配件")),
    _p("C38", "电气机械和器材制造业", 4, ("电器", "电机", "照明电器")),
    _p("C39", "计算机、通信和其他电子设备制造业", 2, ("电子", "光电科技")),
    _p("D44", "电力、热力生产和供应业", 1, ("新能源", "光伏电力")),
    _p("E47", "房屋建筑业", 3, ("建设", "建筑工程")),
    _p("E48", "土木工程建筑业", 2, ("市政工程", "交通工程", "水利建设")),
    _p("E50", "建筑装饰、装修和其他建筑业", 2, ("装饰工程", "幕墙装饰"), ("装潢店",)),
    _p("F51", "批发业", 4, ("商贸", "贸易", "进出口"), ("商行",)),
    _p("F52", "零售业", 6, ("商贸", "超市"), ("便利店", "水果店", "日用品店", "五金店")),
    _p("G54", "道路运输业", 3, ("物流", "运输"), ("货运部",)),
    _p("G59", "装卸搬运和仓储业", 1, ("仓储", "冷链物流")),
    _p("H61", "住宿业", 2, ("酒店管理",), ("民宿",)),
    _p("H62", "餐饮业", 4, ("餐饮管理",), ("小吃店", "面馆", "海鲜排档", "饭店")),
    _p("I65", "软件和信息技术服务业", 2, ("信息技术", "软件", "网络科技")),
    _p("L72", "商务服务业", 2, ("企业管理咨询", "人力资源服务")),
    _p("M75", "科技推广和应用服务业", 1, ("科技", "新材料科技")),
    _p("N77", "生态保护和环境治理业", 1, ("环保科技", "环境工程")),
    _p("O80", "居民服务业", 2, (), ("理发店", "洗衣店")),
    _p("O81", "机动车、电子产品和日用产品修理业", 2, (), ("汽车修理店", "家电维修部")),
)
# Industries of the few non-enterprise registrants (associations, schools, village collectives).
_S95 = Industry("S95", "群众团体、社会团体和其他成员组织")
_P83 = Industry("P83", "教育")
_A05 = Industry("A05", "农、林、牧、渔专业及辅助性活动")

INDUSTRIES: tuple[Industry, ...] = (*(p.industry for p in _PROFILES), _A05, _P83, _S95)
INDUSTRIES_BY_CODE: Mapping[str, Industry] = {i.code: i for i in INDUSTRIES}

# ---- enterprises ------------------------------------------------------------------------------

LegalForm = Literal[
    "company", "individual", "cooperative", "social_group", "private_non_enterprise", "collective"
]
Size = Literal["micro", "small", "medium", "large"]


@dataclass(frozen=True, slots=True)
class EnterpriseSeed:
    uscc: str
    name: str
    legal_form: LegalForm
    region_code: str  # the town or street it is located in
    industry_code: str
    industry_name: str
    size: Size
    contact_name: str
    contact_phone: str  # fictional mobile number


_TRADE_FIRST = "鑫恒宏振海瑞华金明永嘉博天万联蓝浩新旭弘德康凯远顺汇泽盈锦翔昌云润星立东佳诚甬"
_TRADE_SECOND = "达润远华晟丰茂鼎泰盛宇隆帆航通程辉源力创邦业凯欣"
# Combinations that are, or sound like, well-known real brands.
_TRADE_AVOID = frozenset((
    "万达", "华润", "新华", "联通", "万科", "金茂", "华泰", "海通", "汇源", "东华", "金科", "信达",
    "天润", "恒丰", "华远", "盈科", "德邦", "顺丰", "汇丰", "恒力", "海航", "东航", "永辉", "远程",
    "海信", "天通", "华通", "立邦", "东方", "润泰", "明源", "嘉华", "华创", "博源",
))  # fmt: skip
_SHOP_NAMES = ("惠民", "顺心", "便民", "家和", "福满", "鸿运", "好客", "平安", "兴旺", "康乐", "诚信", "邻里")
_SURNAMES = "王陈张李林周吴徐黄郑杨胡俞应叶何朱钱孙邵史赵金蒋沈韩鲍潘罗汪"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华建国海波辉志红燕斌宇浩凯婷雪琳晨亮峰"
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "158", "159", "177", "180", "186", "187", "188", "189", "198", "199",
)  # fmt: skip
# Streets and industrial towns host more businesses; farms and cooperatives are rural.
_TOWN_WEIGHTS: Mapping[str, int] = {
    "330299001": 3, "330299002": 3, "330299003": 2, "330299101": 3,
    "330299102": 2, "330299103": 2, "330299104": 2, "330299201": 1,
}  # fmt: skip
_FORM_WEIGHTS: tuple[tuple[LegalForm, int], ...] = (
    ("company", 70),
    ("individual", 15),
    ("cooperative", 9),
    ("social_group", 2),
    ("private_non_enterprise", 2),
    ("collective", 2),
)
_ORG_DIGITS = string.digits
_SIZES: tuple[Size, ...] = ("micro", "small", "medium", "large")
_MAX_TRIES_PER_ENTERPRISE = 50


def generate_enterprises(rng: random.Random, n: int = 200) -> list[EnterpriseSeed]:
    """``n`` enterprises with distinct names and valid, distinct USCCs, all registered in 象湖县.

    Raises ValueError when ``n`` is beyond what the name pools can make distinct."""
    seeds: list[EnterpriseSeed] = []
    names: set[str] = set()
    codes: set[str] = set()
    for _ in range(_MAX_TRIES_PER_ENTERPRISE * n):
        if len(seeds) == n:
            break
        seed = _enterprise(rng)
        if seed.name not in names and seed.uscc not in codes:
            names.add(seed.name)
            codes.add(seed.uscc)
            seeds.append(seed)
    if len(seeds) < n:
        raise ValueError(f"could only make {len(seeds)} distinct demo enterprises, not {n}")
    return seeds


def _enterprise(rng: random.Random) -> EnterpriseSeed:
    form = rng.choices([f for f, _ in _FORM_WEIGHTS], [w for _, w in _FORM_WEIGHTS])[0]
    name, industry, size, town = _NAMERS[form](rng)
    return EnterpriseSeed(
        uscc=_uscc(rng, form),
        name=name,
        legal_form=form,
        region_code=town.code,
        industry_code=industry.code,
        industry_name=industry.name,
        size=size,
        contact_name=_person_name(rng),
        contact_phone=rng.choice(_MOBILE_PREFIXES) + "".join(rng.choices(_ORG_DIGITS, k=8)),
    )


def _town(rng: random.Random, industry: Industry | None = None) -> Region:
    rural = industry is not None and industry.code.startswith("A")
    towns = [t for t in TOWNS if not rural or t.kind != "street"]
    return rng.choices(towns, [_TOWN_WEIGHTS[t.code] for t in towns])[0]


def _trade_name(rng: random.Random) -> str:
    while True:
        first, second = rng.choice(_TRADE_FIRST), rng.choice(_TRADE_SECOND)
        if first != second and first + second not in _TRADE_AVOID:
            return first + second


def _profile(rng: random.Random, kind: Literal["company", "shop", "coop"]) -> _Profile:
    profiles = [p for p in _PROFILES if getattr(p, kind)]
    return rng.choices(profiles, [p.weight for p in profiles])[0]


_Named = tuple[str, Industry, Size, Region]


def _company(rng: random.Random) -> _Named:
    profile = _profile(rng, "company")
    size = rng.choices(_SIZES, (45, 35, 15, 5))[0]
    big = size in ("medium", "large")
    region = rng.choices((COUNTY_NAME, "宁波", "浙江"), (8, 2, 1) if big else (1, 0, 0))[0]
    form = rng.choices(("有限公司", "股份有限公司", "集团有限公司"), (10, 3, 1) if big else (1, 0, 0))[0]
    name = f"{region}{_trade_name(rng)}{rng.choice(profile.company)}{form}"
    return name, profile.industry, size, _town(rng, profile.industry)


def _individual(rng: random.Random) -> _Named:
    profile = _profile(rng, "shop")
    town = _town(rng, profile.industry)
    owner = rng.choice((f"阿{rng.choice(_GIVEN)}", f"老{rng.choice(_SURNAMES)}", rng.choice(_SHOP_NAMES)))
    return f"{COUNTY_NAME}{town.name}{owner}{rng.choice(profile.shop)}", profile.industry, "micro", town


def _cooperative(rng: random.Random) -> _Named:
    profile = _profile(rng, "coop")
    town = _town(rng, profile.industry)
    size = rng.choices(_SIZES[:2], (7, 3))[0]
    name = f"{COUNTY_NAME}{town.name}{_trade_name(rng)}{rng.choice(profile.coop)}专业合作社"
    return name, profile.industry, size, town


def _social_group(rng: random.Random) -> _Named:
    trade = rng.choice(("机械行业", "水产流通", "电子商务", "青年企业家", "民营企业", "模具行业", "民宿"))
    kind = "商会" if trade == "民营企业" else "协会"
    return f"{COUNTY_NAME}{trade}{kind}", _S95, "micro", _town(rng)


def _private_non_enterprise(rng: random.Random) -> _Named:
    field = rng.choice(("职业技能培训学校", "艺术培训学校", "外语培训学校"))
    return f"{COUNTY_NAME}{_trade_name(rng)}{field}", _P83, "small", _town(rng)


def _collective(rng: random.Random) -> _Named:
    town = _town(rng, _A05)
    village = rng.choice(("塘头", "西岙", "上林", "桥头", "后洋", "沙塘", "岭下", "东港", "前湾"))
    return f"{COUNTY_NAME}{town.name}{village}村股份经济合作社", _A05, "small", town


_NAMERS: Mapping[LegalForm, Callable[[random.Random], _Named]] = {
    "company": _company,
    "individual": _individual,
    "cooperative": _cooperative,
    "social_group": _social_group,
    "private_non_enterprise": _private_non_enterprise,
    "collective": _collective,
}
# Registration authority and category (USCC positions 1-2) for each legal form.
_USCC_HEAD: Mapping[LegalForm, str] = {
    "company": "91",
    "individual": "92",
    "cooperative": "93",
    "social_group": "51",
    "private_non_enterprise": "52",
    "collective": "N2",
}


def _uscc(rng: random.Random, form: LegalForm) -> str:
    return make_uscc(_USCC_HEAD[form] + COUNTY_CODE + _organisation_code(rng, form))


def _organisation_code(rng: random.Random, form: LegalForm) -> str:
    """9 characters with a correct GB 11714 check: "MA..." (enterprises registered since 2015),
    "MJ..." (social organisations) or, for some companies and collectives, an older all-digit code."""
    if form == "collective" or (form == "company" and rng.random() < 0.25):
        body = rng.choice("5678") + "".join(rng.choices(_ORG_DIGITS, k=7))
    else:
        series = "MJ" if form in ("social_group", "private_non_enterprise") else "MA"
        body = series + "".join(rng.choices(ALPHABET, k=6))
    return body + compute_organisation_check_char(body)


def _person_name(rng: random.Random) -> str:
    given_length = rng.choices((1, 2), (2, 3))[0]
    return rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=given_length))


# ---- ticket texts -----------------------------------------------------------------------------


# Who can plausibly have written a template: companies only (factories, projects), anyone
# (shops, cooperatives and associations too), or farming businesses (GB/T 4754 section A).
Audience = Literal["company", "any", "agriculture"]


@dataclass(frozen=True, slots=True)
class TicketTemplate:
    """One way a business might raise a matter of a category, and the lead unit's reply.

    ``title`` and ``content`` may use ``{enterprise}`` and ``{town}``; ``reply`` may also use
    ``{department}`` (the lead unit's short name)."""

    category_code: str
    ticket_type: TicketType
    complexity: Complexity
    title: str
    content: str
    reply: str
    audience: Audience = "company"


@dataclass(frozen=True, slots=True)
class TicketText:
    """A filled-in template, ready to become a demo ticket."""

    category_code: str
    lead_unit: str
    co_units: tuple[str, ...]
    ticket_type: TicketType
    complexity: Complexity
    title: str
    content: str
    reply: str
    enterprise_uscc: str
    enterprise_name: str
    region_code: str


_T = TicketType
_X = Complexity

_TEMPLATE_ROWS: tuple[tuple[str, TicketType, Complexity, str, str, str], ...] = (
    # 重大项目 > 项目前期
    (
        "major_project.preparation", _T.help, _X.complex,
        "扩建项目节能审查迟迟未出意见",
        "我们{enterprise}在{town}的年产五万台电机扩建项目，节能报告两个月前就提交了，至今没有收到审查意见。"
        "设备已经订好，能评不过就没法开工，厂里很着急。希望有关部门帮忙催一催，告诉我们还缺什么材料。",
        "{enterprise}：您好！关于贵公司扩建项目节能审查一事，{department}已会同相关单位调阅材料。"
        "经核实，报告中能源消费量测算口径需要补充说明，已安排专人一对一指导修改，材料补齐后五个工作日内出具审查意见。",
    ),
    (
        "major_project.preparation", _T.consultation, _X.simple,
        "新建生产线项目备案还是核准",
        "我公司计划在{town}投资建设一条智能化生产线，总投资约八千万元。"
        "想了解这个项目是走备案还是核准，在哪个平台申报，大概需要多长时间。",
        "{enterprise}：您好！经查，贵公司项目属于企业投资的一般工业项目，实行备案管理，可通过投资项目在线审批监管平台自行申报，"
        "材料齐全的当场即可完成备案。如需帮办代办，可联系{department}项目服务专员。",
    ),
    (
        "major_project.preparation", _T.help, _X.difficult,
        "项目环评与规划选址意见不一致",
        "{enterprise}的新材料项目选址在{town}工业功能区，环评单位说该地块与居民区的防护距离不够，规划部门又说选址意见已经出了。"
        "两边说法不一致，项目卡在前期一个多月，请帮忙协调出一个明确的意见。",
        "{enterprise}：您好！{department}已牵头组织县资规局、县生态环境分局召开专题协调会，现场复核了地块与居民区的防护距离。"
        "会议明确在厂区东侧调整车间布局后可满足要求，请按会议纪要修改总平面图后报送环评。",
    ),
    # 重大项目 > 政策处理
    (
        "major_project.land_clearance", _T.help, _X.difficult,
        "项目红线内两户附属房未签协议",
        "我们在{town}的厂房项目用地红线内还有两户村民的附属房没有签协议，施工队进不了场，已经停工二十多天。"
        "每天光设备租金就要好几千元，恳请政府帮忙做好政策处理工作。",
        "{enterprise}：您好！{department}已会同{town}召开政策处理推进会，由镇里落实专人逐户上门做工作。"
        "目前一户已签订协议，另一户正在评估附属物补偿，预计两周内完成交地，期间请施工单位先行开展红线外的准备工作。",
    ),
    (
        "major_project.land_clearance", _T.complaint, _X.complex,
        "施工期间村民堵门阻工",
        "{enterprise}承建的{town}道路配套工程，近一周连续有村民以噪音扰民为由堵在工地门口，不让车辆进出。"
        "我们的施工时间都在规定范围内，希望属地政府出面协调，保障正常施工。",
        "{enterprise}：您好！接件后，{town}会同派出所到现场了解情况，组织村民代表与施工方座谈，"
        "约定夜间二十二时后不进行高噪声作业、运输车辆绕行村道。目前工地已恢复正常施工，如再有阻工情况请及时反映。",
    ),
    (
        "major_project.land_clearance", _T.consultation, _X.simple,
        "项目用地青苗补偿标准咨询",
        "我公司在{town}取得了一块地准备建设冷库，地上还有村民种的蔬菜。"
        "想问一下青苗补偿按什么标准执行，是企业直接付给村民还是通过镇里统一发放。",
        "{enterprise}：您好！青苗补偿按县政府公布的现行标准执行，由{town}统一核实面积和品种后通过村集体发放，"
        "企业将补偿款拨付至镇指定账户即可。具体标准可向{department}或镇政策处理办公室查询。",
    ),
    # 重大项目 > 建设推进
    (
        "major_project.construction", _T.help, _X.complex,
        "重点项目消防审查与施工许可能否并联",
        "{enterprise}的厂房项目列入今年县重点项目，设计已经完成，但消防设计审查和施工许可要分别排队，担心影响年底投产。"
        "能否并联审查、提前介入？",
        "{enterprise}：您好！{department}已将贵公司项目纳入重点项目全程代办服务，协调县住建局对消防设计审查和施工许可实行并联办理，"
        "并安排专人跟进。预计本月内可取得施工许可证。",
    ),
    (
        "major_project.construction", _T.help, _X.difficult,
        "园区配套道路迟迟未动工",
        "我们在{town}的新厂区已经建成，但当初承诺的园区配套道路到现在还没动工，大货车只能绕行乡道。"
        "运输很不方便，也有安全隐患。请问道路什么时候能建好？",
        "{enterprise}：您好！经了解，该配套道路因涉及一处林地审批，进度滞后。{department}已协调县资规局加快办理，"
        "道路计划下月开工、年底前通车。通车前已请交警部门在乡道路口增设临时警示标志。",
    ),
    (
        "major_project.construction", _T.suggestion, _X.simple,
        "建议重点项目进度集中公开",
        "我们企业有两个项目在县里推进，每次都要分别跑好几个部门了解进度。"
        "建议对重点项目建立进度周报，让企业在一个地方就能看到各环节办到了哪一步。",
        "{enterprise}：您好！感谢您的建议。{department}已在重点项目管理系统中开放企业查询功能，"
        "贵公司可查看各审批环节的办理进度，并已确定一名项目服务专员作为联络人。",
    ),
    # 重大项目 > 招商落地
    (
        "major_project.investment", _T.consultation, _X.simple,
        "新落户制造业项目扶持政策咨询",
        "我们是外地一家装备制造企业，打算在{town}设立分厂，计划投资约两亿元。"
        "想了解县里对新落地的制造业项目有哪些扶持政策，需要满足什么条件。",
        "{enterprise}：您好！我县对新引进的制造业项目在设备投资补助、人才引进和用地保障等方面均有扶持政策，具体以当年产业政策文件为准。"
        "{department}已安排招商专员与贵公司对接，近期将上门详细介绍。",
    ),
    (
        "major_project.investment", _T.complaint, _X.complex,
        "招商协议约定的补助未兑现",
        "{enterprise}三年前签约落户{town}，协议约定厂房建成达产后给予设备补助。"
        "我们去年已经达产，申请补助至今没有答复，希望相关部门按协议兑现，给企业一个说法。",
        "{enterprise}：您好！{department}已调取当年的投资协议，并会同县经信局核对贵公司达产情况。"
        "经核实，贵公司符合协议约定条件，补助资金已列入本季度拨付计划，拨付前将由专人与贵公司确认。",
    ),
    (
        "major_project.investment", _T.help, _X.special,
        "新能源项目用地指标不足",
        "我公司拟投资的新能源项目需要约两百亩土地，{town}现有的存量工业用地不够。"
        "听说可以申请用地指标调剂，但涉及市里审批，企业自己不知道从哪里入手，请求政府帮助。",
        "{enterprise}：您好！该事项已提交县分管领导“三分”例会研究，明确由{department}牵头、县资规局配合，向上级部门争取用地指标调剂。"
        "目前已完成项目预审材料报送，后续进展我们会及时告知。",
    ),
    # 政务服务 > 审批效率
    (
        "gov_service.approval", _T.complaint, _X.simple,
        "食品经营许可变更超过承诺时限",
        "{enterprise}上个月在网上提交了食品经营许可变更申请，承诺时限是十个工作日，现在已经过去十五个工作日，还显示“审核中”。"
        "新店等着证开业，请尽快处理。",
        "{enterprise}：您好！经核查，贵单位的申请因系统推送异常未进入审批人员待办，{department}已督促承办科室当日完成审核，许可证已发放。"
        "我们已要求排查同类问题，给您带来的不便深表歉意。",
    ),
    (
        "gov_service.approval", _T.complaint, _X.complex,
        "窗口要求重复提交复印件",
        "我们去行政服务中心办理变更手续，窗口要求提供营业执照和法定代表人身份证复印件。"
        "这些在系统里都能查到，我们已经交过好几次了。希望减少重复提交材料，别让企业来回跑。",
        "{enterprise}：您好！{department}已核实情况，相关事项已实现电子证照共享，窗口不应再要求提供复印件。"
        "已对窗口人员进行提醒培训，并在办事指南中删除了这两项材料。",
    ),
    (
        "gov_service.approval", _T.suggestion, _X.simple,
        "建议开设周末服务窗口",
        "我们是小微企业，平时人手紧张，工作日很难抽人去办事大厅。"
        "建议行政服务中心在周六上午开设几个综合窗口，方便企业办理常见业务。",
        "{enterprise}：您好！感谢您的建议。经{department}协调，行政服务中心已在每周六上午开设综合窗口，"
        "可办理营业执照、社保、税务等常见业务，具体事项清单可在服务中心公众号查询。",
    ),
    # 政务服务 > 证照办理
    (
        "gov_service.license", _T.consultation, _X.simple,
        "增加经营范围如何变更营业执照",
        "{enterprise}准备增加食品销售的经营范围。"
        "想问一下变更营业执照需要准备哪些材料，能不能全程网上办理，多久可以拿到新执照。",
        "{enterprise}：您好！经营范围变更可全程网上办理，需上传股东会决议和章程修正案，材料齐全的当日即可核准。"
        "增加食品销售的，还需另行办理食品经营许可或备案，{department}可提供预审服务。",
    ),
    (
        "gov_service.license", _T.help, _X.complex,
        "企业迁入登记卡在档案调取",
        "我公司从外市迁入{town}，迁出地登记机关说档案已经寄出，这边说还没收到，两边都让我们自己去问。"
        "公司已经在新址经营，营业执照地址一直变更不了，开票都受到影响。",
        "{enterprise}：您好！{department}已与迁出地市场监管部门对接，确认档案已寄出，并同步启动电子档案调取。"
        "贵公司迁入登记已于今日办结，新营业执照可到窗口领取或选择邮寄。",
    ),
    (
        "gov_service.license", _T.consultation, _X.simple,
        "生产许可证到期延续办理",
        "我们的工业产品生产许可证下个月就到期了，听说现在可以告知承诺方式办理延续。"
        "想确认一下要准备什么，到期前来不及审查会不会影响正常生产。",
        "{enterprise}：您好！贵公司产品属于实行告知承诺的目录范围，可在有效期届满前网上申请延续并签署承诺书，当场即可换发新证。"
        "核查在发证后进行，不影响正常生产，{department}会提前告知核查时间。",
    ),
    # 政务服务 > 税费办理
    (
        "gov_service.tax", _T.consultation, _X.simple,
        "小规模纳税人增值税优惠咨询",
        "{enterprise}是小规模纳税人，想了解现在的增值税减免政策。"
        "季度销售额多少以内可以免征，开了专用发票的部分怎么处理？",
        "{enterprise}：您好！小规模纳税人增值税优惠以国家现行规定为准，{department}已将最新政策解读和申报操作指引推送至贵单位办税人员。"
        "如有具体业务问题，可预约税务专员一对一辅导。",
    ),
    (
        "gov_service.tax", _T.complaint, _X.complex,
        "出口退税审核通过后迟迟未到账",
        "{enterprise}上季度申报的出口退税，资料齐全也通过了审核，但到现在还没有到账。"
        "公司资金周转压力很大，想了解卡在哪个环节。",
        "{enterprise}：您好！经{department}核查，贵公司退税款因国库退库批次原因延迟，现已完成退库，预计三个工作日内到账。"
        "我们将持续压缩出口退税的办理时间。",
    ),
    (
        "gov_service.tax", _T.help, _X.simple,
        "电子发票开具提示额度不足",
        "今天上午开始，我们开票一直提示授信额度不足，但本月开票金额并不大，客户等着要发票。"
        "请帮忙看看是什么原因。",
        "{enterprise}：您好！经核查，贵单位为新办纳税人，系统按初始额度授信。"
        "{department}已根据实际经营情况临时调增授信额度，现已可以正常开具发票。",
    ),
    # 政务服务 > 工程建设审批
    (
        "gov_service.construction_permit", _T.help, _X.complex,
        "竣工联合验收材料反复被退回",
        "{enterprise}在{town}的厂房已经完工，申请竣工联合验收被退回了三次，每次提出的问题都不一样。"
        "希望能一次性告知需要整改的内容，尽快组织验收。",
        "{enterprise}：您好！{department}已组织消防、规划、人防等验收部门召开预验收会，一次性列出四项整改内容并书面告知贵公司。"
        "整改完成后三个工作日内组织联合验收。",
    ),
    (
        "gov_service.construction_permit", _T.consultation, _X.simple,
        "自有厂区新建小型仓库审批流程",
        "{enterprise}准备在自有厂区内新建一座单层仓库，面积不到两千平方米。"
        "请问这类低风险项目能否简化审批，施工许可需要多长时间？",
        "{enterprise}：您好！符合条件的社会投资简易低风险工程项目可实行简化审批，施工许可可与规划许可合并办理。"
        "{department}已安排专人与贵公司联系，指导准备申报材料。",
    ),
    (
        "gov_service.construction_permit", _T.complaint, _X.difficult,
        "调整规划条件申请半年无结果",
        "我公司厂区原规划容积率较低，为提高土地利用率申请调整规划条件，半年前就已提交，至今没有结果。"
        "新增产能只能租用外面的厂房，成本增加不少。",
        "{enterprise}：您好！该事项涉及控制性详细规划局部调整，需经专家论证和公示。"
        "{department}已会同县资规局制定时间表，论证会定于本月召开，公示期满后即可出具新的规划条件。",
    ),
    # 执法监督 > 涉企检查
    (
        "enforcement.inspection", _T.complaint, _X.complex,
        "一个月内被多个部门重复检查",
        "本月以来，{enterprise}先后接待了四批检查，内容都是安全生产和消防，有的问题上一批已经看过了。"
        "频繁检查影响正常生产，希望能统筹安排、合并检查。",
        "{enterprise}：您好！{department}已核实本月对贵公司的检查记录，协调相关部门将后续检查纳入“综合查一次”统一安排，"
        "同一事项年内不再重复检查。检查人员入企前须扫码登记，贵公司可随时查看。",
    ),
    (
        "enforcement.inspection", _T.report, _X.complex,
        "检查人员未出示执法证件",
        "前天有两名自称执法人员的人到{enterprise}检查，没有出示执法证件，也没有扫码登记，临走时还暗示我们“自己看着办”。"
        "我们怀疑有问题，特此反映，请核实。",
        "{enterprise}：您好！{department}接件后已调取当天全县入企检查登记记录，未发现对贵公司的检查备案。"
        "该情况已移交公安机关核查。如再遇到未出示证件的检查人员，可拒绝检查并立即反映。",
    ),
    (
        "enforcement.inspection", _T.consultation, _X.simple,
        "如何核验入企检查是否备案",
        "听说现在执法人员进企业检查需要扫码登记。"
        "我们企业怎么查询来检查的人员是否经过备案，检查结果在哪里能看到？",
        "{enterprise}：您好！执法人员入企检查前须扫码登记检查事项和人员信息，企业扫描检查人员出示的二维码即可核验。"
        "检查结果将在结束后推送至企业账号，如有异议可向{department}反映。",
    ),
    # 执法监督 > 行政处罚
    (
        "enforcement.penalty", _T.complaint, _X.complex,
        "首次轻微违法被顶格处罚",
        "{enterprise}因为产品标签少标了一项内容被罚款两万元。这是我们第一次被查到，发现后马上就改正了，也没有造成任何后果。"
        "我们认为处罚过重，希望按照轻微违法不罚的规定重新考虑。",
        "{enterprise}：您好！{department}已对该案件开展执法监督审查。经查，贵公司情形符合首次轻微违法且及时改正的免罚条件，"
        "已建议办案单位依法撤销原处罚决定，改为责令改正并进行行政指导。",
    ),
    (
        "enforcement.penalty", _T.consultation, _X.simple,
        "行政处罚记录信用修复",
        "我公司去年有一条行政处罚记录，罚款早已缴清，但现在参加招投标时被查到，影响了评分。"
        "请问怎么申请信用修复，需要多长时间？",
        "{enterprise}：您好！已履行处罚决定且满足最短公示期的，可在线申请信用修复，提交履行证明和信用承诺书即可。"
        "{department}已将操作指引发送给贵公司联系人。",
    ),
    (
        "enforcement.penalty", _T.help, _X.difficult,
        "处罚认定与事实不符申请复核",
        "执法部门认定我们在{town}的仓库超量存放危险化学品，但那批货是客户临时寄存、第二天就运走了，有出入库单据可以证明。"
        "我们已经提交了陈述申辩材料，希望有部门能客观复核。",
        "{enterprise}：您好！{department}已调阅案卷并听取双方意见，认为原认定事实存在疑点，已要求办案单位补充调查出入库记录。"
        "结果出来后我们将告知贵公司，如仍有异议可依法申请行政复议。",
    ),
    # 执法监督 > 安全生产与消防
    (
        "enforcement.safety", _T.help, _X.complex,
        "老厂房消防整改标准不明确",
        "{enterprise}的厂房是二十年前建的，现在检查要求按新规范整改消防设施，但很多条件客观上达不到。"
        "希望能上门指导，给一个切实可行的整改方案。",
        "{enterprise}：您好！县消防救援大队已安排技术人员上门查看，结合厂房实际提出增设自动喷淋、分隔防火分区等五项整改措施，"
        "并给予合理整改期限。整改中遇到困难可随时联系{department}。",
    ),
    (
        "enforcement.safety", _T.consultation, _X.simple,
        "小微企业安全生产标准化怎么做",
        "我们是一家小型机械加工企业，听说要开展安全生产标准化建设。"
        "小微企业有没有简化的评定方式，需要请第三方机构吗？",
        "{enterprise}：您好！小微企业可按简化的评定标准开展自评，县里每年组织免费的专家指导服务，不强制委托第三方机构。"
        "{department}已将贵公司列入本年度指导名单。",
    ),
    (
        "enforcement.safety", _T.report, _X.complex,
        "邻近企业在通道堆放易燃物",
        "{town}工业区内我们隔壁的一家企业长期在厂房外通道上堆放油漆和稀释剂，离我们的仓库不到十米。"
        "一旦起火后果不堪设想，请尽快检查处理。",
        "{enterprise}：您好！{department}接件后会同县消防救援大队到现场检查，已责令该企业当日清理通道堆放物，"
        "并对其危险化学品储存情况立案调查。感谢您的反映。",
    ),
    # 执法监督 > 环保执法
    (
        "enforcement.environment", _T.complaint, _X.complex,
        "停产整改期限过短",
        "{enterprise}的废气处理设施被查出活性炭更换不及时，要求三天内停产整改。"
        "更换材料需要从外地采购，三天根本来不及，停产会导致订单违约。希望给予合理的整改期限。",
        "{enterprise}：您好！{department}经现场复核，贵公司问题属于可以边生产边整改的情形，已调整为限期十五日整改，"
        "期间须加强日常监测并留存记录。整改完成后请及时申请复查。",
    ),
    (
        "enforcement.environment", _T.consultation, _X.simple,
        "新增喷涂线是否需要排污许可证",
        "我们新上了一条喷涂生产线。"
        "想了解是需要申请排污许可证，还是只做排污登记，在哪里办理？",
        "{enterprise}：您好！是否需要申领排污许可证，要根据固定污染源排污许可分类管理名录确定。"
        "{department}已安排工作人员根据贵公司的工艺和规模进行判定，并指导网上办理。",
    ),
    (
        "enforcement.environment", _T.help, _X.difficult,
        "生产废水无法纳管只能转运",
        "我公司位于{town}，生产废水预处理后需要纳入污水管网，但附近管网还没有铺设到位。"
        "目前只能委托转运，成本很高，请问管网什么时候能接通？",
        "{enterprise}：您好！{department}已会同县住建局、县水务集团实地踏勘，该区域污水支管已列入今年管网提升工程，预计年内完成接驳。"
        "在此之前，我们将协助贵公司与处置单位商谈转运价格。",
    ),
    # 政策服务 > 惠企政策兑现
    (
        "policy.subsidy", _T.help, _X.complex,
        "技改补助资金迟迟未拨付",
        "{enterprise}去年实施的数字化改造项目已通过验收并公示，按政策应给予设备投资补助。"
        "但到现在补助资金还没有到账，想了解一下什么时候能拨付。",
        "{enterprise}：您好！{department}已与县财政局核实，贵公司补助资金已列入本批次拨付计划，将在本月底前拨付到位。"
        "今后政策兑现进度可在平台“政策直通”专区查询。",
    ),
    (
        "policy.subsidy", _T.consultation, _X.simple,
        "专精特新企业认定奖励咨询",
        "我们是一家做精密零部件的中小企业，想申报省级专精特新中小企业。"
        "请问申报条件有哪些，县里对认定企业有没有奖励？",
        "{enterprise}：您好！认定条件以当年申报通知为准，主要看专业化、精细化、特色化和创新能力指标。"
        "县里对首次认定的企业给予一次性奖励，{department}已将申报指南发送给贵公司。",
    ),
    (
        "policy.subsidy", _T.complaint, _X.complex,
        "申请奖励要交的材料太多",
        "申请一笔几万元的稳产奖励，要求提供十多项材料，其中纳税证明、用电量等很多是政府部门自己就有的数据。"
        "希望简化兑现流程，最好能做到免申即享。",
        "{enterprise}：您好！感谢您的意见。{department}已会同税务、供电等部门打通相关数据，"
        "稳产奖励自本年度起实行“免申即享”，符合条件的企业无需申报，资金直接拨付。",
    ),
    # 政策服务 > 政策咨询
    (
        "policy.consultation", _T.consultation, _X.simple,
        "新办小微企业能享受哪些政策",
        "{enterprise}是今年新成立的小微企业，主要做电子商务。"
        "想系统了解一下我们这类企业能享受哪些政策，有没有一个地方可以集中查询。",
        "{enterprise}：您好！您可以登录县企业综合服务平台“政策直通”专区，按企业类型和行业查询可享受的政策。"
        "{department}已根据贵公司的登记信息匹配出六项政策，并推送至企业账号。",
    ),
    (
        "policy.consultation", _T.consultation, _X.complex,
        "市县两级补助能否叠加享受",
        "我们同时符合县里的技改奖励和市里的智能制造补助条件。"
        "想问一下这两项政策能否同时享受，还是只能选其中一项？",
        "{enterprise}：您好！经{department}会同政策制定部门确认，同一项目的市、县两级补助按“就高不重复”原则执行，不同项目可分别申报。"
        "建议申报前对照两项政策的具体条款再确认一次。",
    ),
    (
        "policy.consultation", _T.suggestion, _X.simple,
        "建议政策文件配发计算案例",
        "县里出台的政策文件条款比较专业，我们的财务人员看了也不太确定自己符不符合条件。"
        "建议发布政策时配上具体的计算案例和常见问题解答。",
        "{enterprise}：您好！感谢您的建议。{department}将在今后发布的惠企政策中同步配发图解和计算示例，"
        "并每季度举办一次政策宣讲会，欢迎参加。",
    ),
    # 政策服务 > 科技创新扶持
    (
        "policy.innovation", _T.consultation, _X.simple,
        "高新技术企业申报辅导",
        "{enterprise}有三项发明专利，研发投入占比也比较高，想申报高新技术企业，但对申报材料不熟悉。"
        "县里有没有辅导服务？",
        "{enterprise}：您好！{department}每年组织高新技术企业申报培训和一对一辅导，已将贵公司纳入今年的培育库。"
        "辅导人员近期将与贵公司联系，帮助梳理研发费用归集和知识产权材料。",
    ),
    (
        "policy.innovation", _T.help, _X.complex,
        "希望对接高校共建研发中心",
        "我们想建立企业研发中心，重点攻关船舶配件的新材料应用，但缺少和高校、科研院所合作的渠道。"
        "希望县里帮忙牵线搭桥。",
        "{enterprise}：您好！{department}已通过科技特派员渠道为贵公司对接了一所高校材料学院的研究团队，"
        "双方将于下周到企业实地交流，合作项目可按规定申报县级科技计划。",
    ),
    (
        "policy.innovation", _T.complaint, _X.simple,
        "科技创新券兑付不及时",
        "我们上半年用科技创新券购买了检测服务，服务完成后已提交兑付申请。"
        "但检测机构说一直没收到款，现在催我们先付钱。",
        "{enterprise}：您好！经{department}核查，该笔创新券兑付因服务机构账户信息有误被退回，现已更正并重新提交，预计一周内兑付到位。"
        "已告知检测机构不得向贵公司另行收费。",
    ),
    # 政策服务 > 外贸与商务
    (
        "policy.trade", _T.consultation, _X.simple,
        "出口信用保险保费补助咨询",
        "{enterprise}今年开始做出口业务，想投保出口信用保险，听说县里对保费有补助。"
        "请问补助比例是多少，怎么申请？",
        "{enterprise}：您好！我县对符合条件的出口企业投保短期出口信用保险给予保费补助，具体比例以当年商务发展资金政策为准。"
        "{department}已将申报通知和材料清单发送给贵公司联系人。",
    ),
    (
        "policy.trade", _T.help, _X.complex,
        "参加境外展会人员出境手续紧张",
        "我们计划参加下个月的一个境外行业展会，展位已经订好，但部分业务人员的出境手续还没办下来，担心赶不上。"
        "另外想了解展位费有没有补助。",
        "{enterprise}：您好！{department}已联系出入境管理部门为贵公司人员开通加急通道，展位费可在展会结束后按境外展会补助政策申报。"
        "请保留展位合同和付款凭证。",
    ),
    (
        "policy.trade", _T.suggestion, _X.simple,
        "建议组织跨境电商实务培训",
        "县里不少做小商品的企业想转型做跨境电商，但缺少平台运营和物流方面的经验。"
        "建议组织系统培训，并引进一些专业服务机构。",
        "{enterprise}：您好！感谢您的建议。{department}计划下季度举办跨境电商实务培训班，并在{town}设立跨境电商服务站，"
        "届时将通知您报名。",
    ),
    # 要素保障 > 用地
    (
        "factor.land", _T.help, _X.difficult,
        "企业扩产急需新增工业用地",
        "{enterprise}订单增长很快，现有厂房已经满负荷，需要新增约三十亩工业用地。"
        "{town}目前没有可供应的地块，希望县里帮助寻找合适的用地。",
        "{enterprise}：您好！{department}已将贵公司需求纳入全县工业用地保障清单，经梳理，可通过低效用地再开发在相邻园区提供一块约二十八亩的地块。"
        "近期将组织现场踏勘。",
    ),
    (
        "factor.land", _T.consultation, _X.simple,
        "工业用地能否先租后让",
        "我们想了解县里工业用地是否可以弹性年期出让或先租后让。"
        "企业初期资金有限，希望能减轻一次性拿地的资金压力。",
        "{enterprise}：您好！我县工业用地可采取长期租赁、先租后让、弹性年期出让等方式供应，具体方式结合项目情况确定。"
        "{department}已安排工作人员与贵公司对接，介绍供地流程。",
    ),
    (
        "factor.land", _T.complaint, _X.complex,
        "厂房不动产权证办理时间过长",
        "我公司在{town}的厂房竣工验收已经完成一个多月，申请办理不动产权证书一直没有下来。"
        "银行贷款要用产权证抵押，请尽快办理。",
        "{enterprise}：您好！经查，贵公司申请因测绘成果未及时汇交导致延误。{department}已督促测绘单位当日汇交，"
        "不动产权证书已于今日登簿，可到不动产登记窗口领取。",
    ),
    # 要素保障 > 用电
    (
        "factor.power", _T.help, _X.complex,
        "新厂房高压用电报装进度慢",
        "{enterprise}在{town}的新厂房马上要投产，高压用电报装申请提交一个月了，还没确定供电方案。"
        "设备调试需要用电，请帮忙加快办理。",
        "{enterprise}：您好！{department}已安排客户经理上门，当日确定供电方案，并开辟重点项目绿色通道，"
        "外线工程与厂内配电同步施工，预计两周内完成送电。",
    ),
    (
        "factor.power", _T.complaint, _X.simple,
        "工业区近期频繁停电",
        "最近两周我们所在的{town}工业区已经停电三次，每次都没有提前通知。"
        "注塑机突然停机，造成一批产品报废，希望查明原因、减少停电。",
        "{enterprise}：您好！经{department}排查，停电原因为该区域一条老旧线路故障，目前已完成抢修和更换。"
        "今后计划检修将至少提前七天通知，同时建议贵公司为关键设备加装不间断电源。",
    ),
    (
        "factor.power", _T.consultation, _X.simple,
        "厂房屋顶光伏并网咨询",
        "我公司厂房屋顶面积约八千平方米，打算安装分布式光伏。"
        "想了解并网申请的流程和时间，余电能否上网？",
        "{enterprise}：您好！分布式光伏并网可在线提交申请，{department}将在受理后安排现场勘查并出具接入方案，余电可选择上网。"
        "客户经理会与贵公司联系具体事宜。",
    ),
    # 要素保障 > 用水
    (
        "factor.water", _T.help, _X.complex,
        "新厂区供水管道接入费用过高",
        "{enterprise}的新厂区在{town}，市政供水管道离厂区还有五百多米，接入费用报价很高。"
        "请问接入工程的费用由谁承担，能不能加快施工？",
        "{enterprise}：您好！按照我县有关规定，红线外供水管网由{department}负责投资建设，企业只需承担红线内的工程费用。"
        "接入工程已列入本月施工计划，预计二十天内完成。",
    ),
    (
        "factor.water", _T.complaint, _X.simple,
        "用水高峰水压不足影响生产",
        "我们厂每天下午用水高峰时水压明显不足，清洗工序经常中断。"
        "这个问题已经持续一个多月，希望尽快解决。",
        "{enterprise}：您好！经{department}现场测压，贵公司所在片区管径偏小，高峰时段水压不足。"
        "已临时调整该片区供水调度，并计划对主管进行扩径改造，改造期间如需停水将提前通知。",
    ),
    (
        "factor.water", _T.consultation, _X.simple,
        "新增产线后用水计划如何调整",
        "{enterprise}今年新增了生产线，用水量比去年增加不少，担心超出用水计划要加价收费。"
        "请问如何申请调整用水计划指标？",
        "{enterprise}：您好！企业可凭新增产能的相关材料向{department}申请调整年度用水计划，"
        "我们将在受理后五个工作日内核定新的计划指标。",
    ),
    # 要素保障 > 用工
    (
        "factor.labour", _T.help, _X.complex,
        "生产旺季招工困难",
        "{enterprise}每年下半年是生产旺季，需要临时招聘约五十名操作工，今年到现在只招到十几个人。"
        "希望帮助对接劳务资源。",
        "{enterprise}：您好！{department}已将贵公司岗位信息发布至县公共就业服务平台，并联系两地劳务协作部门组织专场招聘，"
        "首批约二十名工人将于下周到岗。",
    ),
    (
        "factor.labour", _T.consultation, _X.simple,
        "稳岗返还和社保补贴怎么申请",
        "我们公司近一年没有裁员，想问一下能不能享受失业保险稳岗返还。"
        "另外，招用就业困难人员的社保补贴怎么申请？",
        "{enterprise}：您好！符合条件的企业稳岗返还实行“免申即享”，无需申请。"
        "招用就业困难人员的社保补贴可在网上申报，{department}已将操作指南发送给贵公司。",
    ),
    (
        "factor.labour", _T.help, _X.difficult,
        "引进人才子女入学问题",
        "我公司引进的一名技术总监全家从外省迁来，孩子明年上小学，目前户口还没迁过来。"
        "希望县里协调解决人才子女就近入学问题。",
        "{enterprise}：您好！经审核，该人员符合我县高层次人才认定条件，{department}已会同教育部门按人才子女入学政策安排就近入学，"
        "相关手续可在开学前一个月办理。",
    ),
    # 要素保障 > 融资
    (
        "factor.finance", _T.help, _X.complex,
        "流动资金贷款到期续贷困难",
        "{enterprise}有一笔五百万元的流动资金贷款下个月到期，银行要求先还后贷，我们一时拿不出这么多资金。"
        "希望帮助协调无还本续贷或转贷资金。",
        "{enterprise}：您好！{department}已协调贷款银行对贵公司开展续贷评估，贵公司符合无还本续贷条件，"
        "银行已同意办理，近期将与贵公司签订续贷合同。",
    ),
    (
        "factor.finance", _T.consultation, _X.simple,
        "缺少抵押物如何申请担保贷款",
        "我们是一家小微企业，缺少抵押物。"
        "想了解县里政府性融资担保的条件和担保费率，能担保多少额度？",
        "{enterprise}：您好！县政府性融资担保机构为小微企业提供信用担保，担保费率低于市场水平，额度根据经营情况评估确定。"
        "{department}已将您的需求推送至担保机构，客户经理将与您联系。",
    ),
    (
        "factor.finance", _T.complaint, _X.complex,
        "银行放贷附加购买理财条件",
        "我公司在一家银行申请贷款，银行要求购买理财产品和保险作为放款条件，否则不予放款。"
        "我们认为这是变相提高融资成本，请有关部门调查。",
        "{enterprise}：您好！{department}已将该情况转交金融监管部门核查，并约谈了相关银行支行负责人。"
        "银行已承诺取消附加条件，贷款正常审批。今后如遇类似情况可直接向我们反映。",
    ),
    # 其他 > 法律服务
    (
        "other.legal", _T.help, _X.complex,
        "外地客户拖欠货款一年多",
        "{enterprise}给外地一家公司供货，对方拖欠货款八十多万元已经一年多，多次催收都没有结果。"
        "想了解怎样通过法律途径追讨，县里有没有相关法律服务。",
        "{enterprise}：您好！{department}已为您安排律师提供免费法律咨询，建议先发送律师函催告，并准备合同、送货单和对账单等证据，"
        "必要时可申请诉前调解或提起诉讼。",
    ),
    (
        "other.legal", _T.consultation, _X.simple,
        "劳动合同和规章制度合规审查",
        "我们准备修订员工劳动合同和规章制度。"
        "想请专业人员帮忙看看有没有不合规的地方，避免以后发生劳动纠纷。",
        "{enterprise}：您好！{department}提供免费的合同审查服务，可将劳动合同和规章制度文本提交至板块，"
        "律师将在五个工作日内出具审查意见。",
    ),
    (
        "other.legal", _T.help, _X.difficult,
        "注册商标被外地企业仿冒",
        "我们公司的注册商标被外地一家企业仿冒使用，产品在电商平台上低价销售，对我们的市场影响很大。"
        "请问应该向哪里投诉，怎样维权？",
        "{enterprise}：您好！{department}已协助贵公司整理商标注册证和侵权证据，向电商平台发起侵权投诉，"
        "并将线索移送侵权企业所在地市场监管部门查处。如需提起诉讼，可申请知识产权维权援助。",
    ),
    # 其他 > 治安环境
    (
        "other.public_security", _T.help, _X.complex,
        "工业区夜间频繁发生盗窃",
        "最近一个月{town}工业区内有好几家企业的电缆和铜材被盗，我们厂也丢了一批原材料。"
        "希望加强夜间巡逻，尽快破案。",
        "{enterprise}：您好！{department}已成立专案组开展侦查，并会同{town}在工业区增设监控、加强夜间巡逻。"
        "目前已抓获一名嫌疑人，部分被盗物资已追回，将依法返还。",
    ),
    (
        "other.public_security", _T.consultation, _X.simple,
        "外籍工程师居留许可办理",
        "我公司聘请了一名外籍工程师。"
        "想了解工作类居留许可需要准备哪些材料，在县里能不能办理。",
        "{enterprise}：您好！外国人工作类居留许可需先取得工作许可，再向出入境管理部门申请。"
        "{department}出入境窗口可受理申请，材料清单已发送给贵公司联系人。",
    ),
    (
        "other.public_security", _T.report, _X.complex,
        "有人强揽渣土运输并堵路",
        "我们在{town}的工地运输渣土，有几个人自称当地车队，强行要求由他们承运，价格比市场高很多，不同意就堵路。"
        "请依法处理。",
        "{enterprise}：您好！{department}接件后立即开展调查，已依法传唤相关人员并予以处理，同时会同{town}加强工地周边治安巡查。"
        "如再遇到强揽工程等行为，请第一时间报警。",
    ),
    # 其他 > 交通物流
    (
        "other.transport", _T.help, _X.complex,
        "大件设备运输许可办理",
        "{enterprise}需要把一批大型设备运到码头出口，货物超宽超高，需要办理大件运输许可。"
        "时间比较紧，请帮助加快办理。",
        "{enterprise}：您好！{department}已开通绿色通道，指导贵公司在线申请，并协调路政部门提前勘验通行路线，"
        "预计三个工作日内完成许可。",
    ),
    (
        "other.transport", _T.suggestion, _X.simple,
        "建议公交线路延伸到工业区",
        "{town}工业区有近千名员工，上下班只能自己骑车或开车，很多外地员工出行不便。"
        "建议增开经过工业区的公交线路，或在早晚高峰增加班次。",
        "{enterprise}：您好！感谢您的建议。{department}已会同公交公司开展客流调查，计划在现有线路上增设工业区站点，"
        "并在早晚高峰加密班次。",
    ),
    (
        "other.transport", _T.complaint, _X.simple,
        "厂区门口道路破损严重",
        "我们厂门口的公路路面破损、坑洼很多，大货车进出颠簸严重，下雨天还积水，已经发生过车辆侧滑。"
        "请尽快维修。",
        "{enterprise}：您好！{department}已安排养护单位现场查看，坑洼路面已先行修补，"
        "整段路面的中修工程已列入今年养护计划。",
    ),
    # 其他 > 农业经营
    (
        "other.agriculture", _T.consultation, _X.simple,
        "育苗大棚和农机库房用地手续",
        "{enterprise}打算在{town}建一个育苗大棚和一间农机库房。"
        "想了解设施农业用地要办什么手续，需不需要占用建设用地指标。",
        "{enterprise}：您好！设施农业用地按农用地管理，不需要办理建设用地审批，但需在动工前向{town}备案。"
        "{department}已将备案材料清单发送给您。",
    ),
    (
        "other.agriculture", _T.help, _X.complex,
        "台风过后大棚受损申请补助",
        "上周台风过境，{enterprise}的二十多个蔬菜大棚被掀翻，损失很大。"
        "想了解农业保险理赔和灾后生产补助怎么申请，希望尽快帮助恢复生产。",
        "{enterprise}：您好！{department}已联系保险公司到现场查勘定损，理赔款将在核定后十日内支付。"
        "同时已将贵单位列入灾后生产恢复补助名单，并派农技人员上门指导。",
    ),
    (
        "other.agriculture", _T.help, _X.simple,
        "柑橘申请绿色食品认证",
        "{enterprise}种植的柑橘品质不错，想申请绿色食品认证、提高产品附加值。"
        "但我们不了解申请流程和检测要求，希望得到指导。",
        "{enterprise}：您好！{department}已安排农产品质量安全专员上门，指导贵单位建立生产记录、开展产地环境检测，"
        "材料齐全后可协助提交认证申请。",
    ),
    # 其他 > 其他事项
    (
        "other.misc", _T.suggestion, _X.simple,
        "建议办理进度短信提醒",
        "我们在平台上反映的问题，办理进度只能自己登录查看。"
        "建议每个环节办结后发短信通知企业，方便及时跟进。",
        "{enterprise}：您好！感谢您的建议。{department}已在平台中增加短信提醒，工单受理、分派和办结时将自动通知企业联系人。",
    ),
    (
        "other.misc", _T.help, _X.complex,
        "新厂区门前道路没有名称和门牌",
        "{enterprise}搬入{town}的新厂区后，门口的道路还没有命名，也没有门牌号。"
        "快递和客户都很难找到我们，办理部分证照时地址也无法填写。",
        "{enterprise}：您好！{department}已协调民政部门和{town}将该路段纳入本年度道路命名计划，"
        "在正式命名前先行编制临时门牌，近期将上门安装。",
    ),
    (
        "other.misc", _T.consultation, _X.simple,
        "企业服务专员是谁",
        "我们是新落户的企业，听说县里为企业配备了服务专员。"
        "想知道我们公司对应的服务专员是谁，平时遇到问题应该找谁。",
        "{enterprise}：您好！贵公司的助企服务专员由{town}安排，{department}已将专员信息推送至企业账号，"
        "日常问题可直接联系专员或通过平台反映。",
    ),
)  # fmt: skip

_OPEN_TO_ALL = frozenset((
    "食品经营许可变更超过承诺时限", "窗口要求重复提交复印件", "建议开设周末服务窗口",
    "增加经营范围如何变更营业执照", "小规模纳税人增值税优惠咨询", "电子发票开具提示额度不足",
    "缺少抵押物如何申请担保贷款", "外地客户拖欠货款一年多", "建议办理进度短信提醒",
    "建议组织跨境电商实务培训", "建议政策文件配发计算案例", "建议公交线路延伸到工业区",
))  # fmt: skip


def _audience(category_code: str, title: str) -> Audience:
    if category_code == "other.agriculture":
        return "agriculture"
    return "any" if title in _OPEN_TO_ALL else "company"


TICKET_TEMPLATES: tuple[TicketTemplate, ...] = tuple(
    TicketTemplate(*row, audience=_audience(row[0], row[3])) for row in _TEMPLATE_ROWS
)
_AUDIENCE_FITS: Mapping[Audience, Callable[[EnterpriseSeed], bool]] = {
    "company": lambda e: e.legal_form == "company",
    "any": lambda e: True,
    "agriculture": lambda e: e.industry_code.startswith("A"),
}


def generate_ticket_texts(
    rng: random.Random, n: int, enterprises: Sequence[EnterpriseSeed] | None = None
) -> list[TicketText]:
    """``n`` filled-in templates, each raised by one of ``enterprises`` (by default 50 generated
    from ``rng``)."""
    pool = list(enterprises) if enterprises is not None else generate_enterprises(rng, 50)
    if not pool:
        raise ValueError("need at least one enterprise to raise tickets")
    return [_ticket(rng, pool) for _ in range(n)]


def _ticket(rng: random.Random, pool: Sequence[EnterpriseSeed]) -> TicketText:
    template = rng.choice(TICKET_TEMPLATES)
    fits = _AUDIENCE_FITS[template.audience]
    enterprise = rng.choice([e for e in pool if fits(e)] or list(pool))
    return fill_template(template, enterprise)


def fill_template(template: TicketTemplate, enterprise: EnterpriseSeed) -> TicketText:
    """The template's texts for ``enterprise``, with the category's default units."""
    category = CATEGORIES_BY_CODE[template.category_code]
    lead = DEPARTMENTS_BY_CODE[category.lead_unit]
    town = REGIONS_BY_CODE[enterprise.region_code]
    co_units = category.co_units
    if category.town_assists:
        co_units = (*co_units, TOWN_UNIT_BY_REGION[town.code].code)
    values = {"enterprise": enterprise.name, "town": town.name, "department": lead.short_name}
    return TicketText(
        category_code=category.code,
        lead_unit=lead.code,
        co_units=co_units,
        ticket_type=template.ticket_type,
        complexity=template.complexity,
        title=template.title.format(**values),
        content=template.content.format(**values),
        reply=template.reply.format(**values),
        enterprise_uscc=enterprise.uscc,
        enterprise_name=enterprise.name,
        region_code=town.code,
    )
