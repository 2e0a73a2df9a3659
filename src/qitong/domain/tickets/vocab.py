"""The ticket's controlled vocabularies (see GLOSSARY.md), with their Chinese labels."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from qitong.domain.errors import InvalidInput


class Channel(StrEnum):
    web = "web"
    app = "app"
    qr = "qr"
    hotline_12345 = "hotline_12345"
    window = "window"
    phone = "phone"
    visit = "visit"
    forum = "forum"
    leader_assigned = "leader_assigned"
    supervision_found = "supervision_found"
    inspection_found = "inspection_found"
    proactive = "proactive"
    wechat_group = "wechat_group"
    import_ = "import"


class TicketType(StrEnum):
    consultation = "consultation"
    help = "help"
    complaint = "complaint"
    report = "report"
    suggestion = "suggestion"


class Complexity(StrEnum):
    simple = "simple"
    complex = "complex"
    difficult = "difficult"
    special = "special"


class Urgency(StrEnum):
    normal = "normal"
    urgent = "urgent"
    critical = "critical"


class Layer(StrEnum):
    """分层: who coordinates the matter, lowest first."""

    board = "board"
    center = "center"  # type: ignore[assignment]  # glossary name shadows str.center
    leader_meeting = "leader_meeting"
    county_committee = "county_committee"


class Tier(StrEnum):
    """分级: the administrative level the matter is handled at, lowest first."""

    local = "local"
    county = "county"
    city = "city"
    province = "province"


LAYER_ORDER: tuple[Layer, ...] = tuple(Layer)
TIER_ORDER: tuple[Tier, ...] = tuple(Tier)

CHANNEL_LABELS: Mapping[Channel, str] = {
    Channel.web: "网上平台",
    Channel.app: "移动端",
    Channel.qr: "扫码反映",
    Channel.hotline_12345: "12345热线",
    Channel.window: "窗口",
    Channel.phone: "电话",
    Channel.visit: "走访",
    Channel.forum: "政企座谈会",
    Channel.leader_assigned: "领导交办",
    Channel.supervision_found: "督查发现",
    Channel.inspection_found: "检查发现",
    Channel.proactive: "主动查找",
    Channel.wechat_group: "微信群",
    Channel.import_: "批量导入",
}
TICKET_TYPE_LABELS: Mapping[TicketType, str] = {
    TicketType.consultation: "咨询",
    TicketType.help: "求助/办事协调",
    TicketType.complaint: "投诉",
    TicketType.report: "举报",
    TicketType.suggestion: "意见建议",
}
COMPLEXITY_LABELS: Mapping[Complexity, str] = {
    Complexity.simple: "简单",
    Complexity.complex: "复杂",
    Complexity.difficult: "疑难",
    Complexity.special: "特别疑难",
}
URGENCY_LABELS: Mapping[Urgency, str] = {
    Urgency.normal: "一般",
    Urgency.urgent: "紧急",
    Urgency.critical: "特急",
}
LAYER_LABELS: Mapping[Layer, str] = {
    Layer.board: "服务板块",
    Layer.center: "企业综合服务中心",
    Layer.leader_meeting: "县分管领导“三分”例会",
    Layer.county_committee: "县委县政府",
}
TIER_LABELS: Mapping[Tier, str] = {
    Tier.local: "属地",
    Tier.county: "县级",
    Tier.city: "市级",
    Tier.province: "省级",
}
RATING_LABELS: Mapping[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
SATISFIED_MIN = 3  # 基本满意 and above count as satisfied


def escalation_target(
    layer: Layer, tier: Tier, to_layer: Layer | None, to_tier: Tier | None
) -> tuple[Layer, Tier]:
    """Where an escalation goes: strictly up in at least one dimension, never down in either.

    With neither target given, the next layer up (or, at the top layer, the next tier)."""
    if to_layer is None and to_tier is None:
        li = LAYER_ORDER.index(layer)
        if li + 1 < len(LAYER_ORDER):
            return LAYER_ORDER[li + 1], tier
        ti = TIER_ORDER.index(tier)
        if ti + 1 < len(TIER_ORDER):
            return layer, TIER_ORDER[ti + 1]
        raise InvalidInput("已是最高层级和最高级别，无法继续提级", field="to_layer")
    new_layer = to_layer or layer
    new_tier = to_tier or tier
    if LAYER_ORDER.index(new_layer) < LAYER_ORDER.index(layer):
        raise InvalidInput("提级不能降低办理层级", field="to_layer")
    if TIER_ORDER.index(new_tier) < TIER_ORDER.index(tier):
        raise InvalidInput("提级不能降低办理级别", field="to_tier")
    if (new_layer, new_tier) == (layer, tier):
        raise InvalidInput("提级须高于当前层级或级别", field="to_layer")
    return new_layer, new_tier
