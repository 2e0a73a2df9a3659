"""The ticket's controlled vocabularies and where an escalation (提级办理) goes."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from enum import StrEnum

import pytest

from qitong.domain.errors import InvalidInput
from qitong.domain.tickets.vocab import (
    CHANNEL_LABELS,
    COMPLEXITY_LABELS,
    LAYER_LABELS,
    LAYER_ORDER,
    RATING_LABELS,
    SATISFIED_MIN,
    TICKET_TYPE_LABELS,
    TIER_LABELS,
    TIER_ORDER,
    URGENCY_LABELS,
    Channel,
    Complexity,
    Layer,
    TicketType,
    Tier,
    Urgency,
    escalation_target,
)

L, T = Layer, Tier


@pytest.mark.parametrize(
    ("enum", "labels"),
    [
        (Channel, CHANNEL_LABELS),
        (TicketType, TICKET_TYPE_LABELS),
        (Complexity, COMPLEXITY_LABELS),
        (Urgency, URGENCY_LABELS),
        (Layer, LAYER_LABELS),
        (Tier, TIER_LABELS),
    ],
    ids=lambda v: getattr(v, "__name__", "labels"),
)
def test_every_member_has_a_unique_chinese_label(enum: type[StrEnum], labels: Mapping[StrEnum, str]) -> None:
    assert set(labels) == set(enum)
    assert all(label for label in labels.values())
    assert len(set(labels.values())) == len(labels)


def test_glossary_names() -> None:
    assert [c.value for c in Channel] == [
        "web",
        "app",
        "qr",
        "hotline_12345",
        "window",
        "phone",
        "visit",
        "forum",
        "leader_assigned",
        "supervision_found",
        "inspection_found",
        "proactive",
        "wechat_group",
        "import",
    ]
    assert [t.value for t in TicketType] == ["consultation", "help", "complaint", "report", "suggestion"]
    assert [c.value for c in Complexity] == ["simple", "complex", "difficult", "special"]
    assert TICKET_TYPE_LABELS[TicketType.report] == "举报"
    assert COMPLEXITY_LABELS[Complexity.difficult] == "疑难"
    assert CHANNEL_LABELS[Channel.hotline_12345] == "12345热线"
    assert LAYER_LABELS[Layer.leader_meeting] == "县分管领导“三分”例会"


def test_layer_and_tier_orders_run_lowest_first() -> None:
    assert (L.board, L.center, L.leader_meeting, L.county_committee) == LAYER_ORDER
    assert (T.local, T.county, T.city, T.province) == TIER_ORDER


def test_ratings_run_from_very_dissatisfied_to_very_satisfied() -> None:
    assert RATING_LABELS == {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
    assert RATING_LABELS[SATISFIED_MIN] == "基本满意"
    satisfied = [r for r in RATING_LABELS if r >= SATISFIED_MIN]
    assert sorted(satisfied) == [3, 4, 5]


# ---------------------------------------------------------------------------------------------
# escalation_target
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "tier", "expected"),
    [
        (L.board, T.local, (L.center, T.local)),
        (L.center, T.county, (L.leader_meeting, T.county)),
        (L.leader_meeting, T.county, (L.county_committee, T.county)),
        (L.county_committee, T.local, (L.county_committee, T.county)),
        (L.county_committee, T.county, (L.county_committee, T.city)),
        (L.county_committee, T.city, (L.county_committee, T.province)),
    ],
)
def test_default_goes_one_layer_up_then_one_tier_up(layer: Layer, tier: Tier, expected: tuple[Layer, Tier]) -> None:
    assert escalation_target(layer, tier, None, None) == expected


def test_nothing_above_the_county_committee_at_province_tier() -> None:
    with pytest.raises(InvalidInput) as info:
        escalation_target(L.county_committee, T.province, None, None)
    assert info.value.kind == "invalid_input"
    assert info.value.field == "to_layer"
    assert info.value.message == "已是最高层级和最高级别，无法继续提级"


@pytest.mark.parametrize(
    ("layer", "tier", "to_layer", "to_tier", "expected"),
    [
        # 服务板块解决不了, straight to the 三分例会
        (L.board, T.county, L.leader_meeting, None, (L.leader_meeting, T.county)),
        # up a tier, same layer
        (L.center, T.county, None, T.city, (L.center, T.city)),
        # both at once
        (L.board, T.local, L.county_committee, T.province, (L.county_committee, T.province)),
        # naming the current layer while raising the tier is fine
        (L.center, T.county, L.center, T.city, (L.center, T.city)),
        # naming the current tier while raising the layer is fine
        (L.center, T.county, L.leader_meeting, T.county, (L.leader_meeting, T.county)),
        # at the top layer only the tier can go up
        (L.county_committee, T.county, None, T.province, (L.county_committee, T.province)),
    ],
)
def test_explicit_targets(
    layer: Layer, tier: Tier, to_layer: Layer | None, to_tier: Tier | None, expected: tuple[Layer, Tier]
) -> None:
    assert escalation_target(layer, tier, to_layer, to_tier) == expected


@pytest.mark.parametrize(
    ("layer", "tier", "to_layer", "to_tier", "field", "message"),
    [
        (L.leader_meeting, T.county, L.center, None, "to_layer", "提级不能降低办理层级"),
        (L.leader_meeting, T.county, L.board, T.province, "to_layer", "提级不能降低办理层级"),
        (L.center, T.city, None, T.county, "to_tier", "提级不能降低办理级别"),
        (L.center, T.city, L.county_committee, T.local, "to_tier", "提级不能降低办理级别"),
        (L.center, T.county, L.center, None, "to_layer", "提级须高于当前层级或级别"),
        (L.center, T.county, None, T.county, "to_layer", "提级须高于当前层级或级别"),
        (L.center, T.county, L.center, T.county, "to_layer", "提级须高于当前层级或级别"),
        (L.county_committee, T.province, L.county_committee, T.province, "to_layer", "提级须高于当前层级或级别"),
    ],
    ids=["层级降低", "层级降低而级别升高", "级别降低", "级别降低而层级升高", "同层级", "同级别", "原地", "顶端原地"],
)
def test_downgrade_or_standstill_is_refused(
    layer: Layer, tier: Tier, to_layer: Layer | None, to_tier: Tier | None, field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        escalation_target(layer, tier, to_layer, to_tier)
    assert (info.value.field, info.value.message) == (field, message)


def test_every_explicit_target_is_up_in_one_dimension_and_down_in_none() -> None:
    targets_l: list[Layer | None] = [None, *Layer]
    targets_t: list[Tier | None] = [None, *Tier]
    for layer, tier, to_layer, to_tier in itertools.product(Layer, Tier, targets_l, targets_t):
        if to_layer is None and to_tier is None:
            continue
        want_l = LAYER_ORDER.index(to_layer or layer) - LAYER_ORDER.index(layer)
        want_t = TIER_ORDER.index(to_tier or tier) - TIER_ORDER.index(tier)
        legal = want_l >= 0 and want_t >= 0 and (want_l, want_t) != (0, 0)
        if legal:
            assert escalation_target(layer, tier, to_layer, to_tier) == (to_layer or layer, to_tier or tier)
        else:
            with pytest.raises(InvalidInput):
                escalation_target(layer, tier, to_layer, to_tier)


def test_default_escalation_climbs_every_layer_then_every_tier_and_stops() -> None:
    here: tuple[Layer, Tier] = (L.board, T.local)
    seen = [here]
    while True:
        try:
            here = escalation_target(*here, None, None)
        except InvalidInput:
            break
        seen.append(here)
    assert seen == [
        (L.board, T.local),
        (L.center, T.local),
        (L.leader_meeting, T.local),
        (L.county_committee, T.local),
        (L.county_committee, T.county),
        (L.county_committee, T.city),
        (L.county_committee, T.province),
    ]
