"""The KPI counters a rollup row holds, the rates computed from them, and the composite index.

A counter is a plain sum, so rollup rows add up across days, departments, categories and regions;
every rate is a ratio of two sums, never an average of ratios."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from qitong.domain.errors import InvalidInput

COUNTERS: tuple[str, ...] = (
    "received",  # 受理量: taken in by the center (not rejected, not merged), on the day it came in
    "received_finished",  # of those received that day, the ones now closed or terminated (办结率's numerator)
    "dispatches",  # lead-unit assignments, on the day and to the department they were made
    "returns",  # 退回, on the day and by the department that returned the ticket
    "closed",  # 办结量, on the closing day, charged to the final lead unit ("0": the center itself)
    "closed_dispatched",  # closed tickets that went to a department (the denominator of unit rates)
    "resolved",  # closed after the business confirmed it (not closed on the confirmation time-out)
    "closed_on_time",  # replied within the reply limit (the center's own answers are on time)
    "contacted_in_time",  # the department contacted the business within its contact limit
    "signed_in_time",  # signed for without an "unsigned" timer firing
    "redispatches",  # 二次交办 rounds of closed tickets
    "extensions",  # approved extensions of closed tickets
    "solved_at_center",  # closed at the board or center layer
    "sent_to_leadership",  # closed at the county-leadership layers (三分例会, 县委县政府)
    "rated",  # ratings (一事一评) on the rating day, charged to that round's lead unit; minus upheld appeals
    "satisfied",  # result rated 基本满意 or better
    "dissatisfied",  # result rated 不满意 or worse
)


class Kpi(StrEnum):
    on_time = "on_time"
    resolution = "resolution"
    satisfaction = "satisfaction"
    contact = "contact"
    sign = "sign"
    return_rate = "return_rate"
    redispatch_rate = "redispatch_rate"
    extension_rate = "extension_rate"
    center_share = "center_share"
    leadership_share = "leadership_share"


KPI_LABELS: Mapping[Kpi, str] = {
    Kpi.on_time: "按时办结率",
    Kpi.resolution: "问题解决率",
    Kpi.satisfaction: "满意率",
    Kpi.contact: "1个工作日内联系率",
    Kpi.sign: "按时签收率",
    Kpi.return_rate: "退回率",
    Kpi.redispatch_rate: "二次交办率",
    Kpi.extension_rate: "延期率",
    Kpi.center_share: "中心层面解决占比",
    Kpi.leadership_share: "提交县领导协调占比",
}
# rates where less is better: the composite index scores them as 1 - rate
LOWER_IS_BETTER = frozenset({Kpi.return_rate, Kpi.redispatch_rate, Kpi.extension_rate, Kpi.leadership_share})
TARGETS: Mapping[Kpi, tuple[str, float]] = {Kpi.center_share: (">=", 0.90), Kpi.leadership_share: ("<=", 0.10)}

DEFAULT_WEIGHTS: Mapping[Kpi, float] = {
    Kpi.on_time: 25, Kpi.resolution: 15, Kpi.satisfaction: 30, Kpi.contact: 10, Kpi.sign: 5,
    Kpi.return_rate: 5, Kpi.redispatch_rate: 5, Kpi.extension_rate: 5,
    Kpi.center_share: 0, Kpi.leadership_share: 0,
}  # fmt: skip


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def rates(c: Mapping[str, int]) -> dict[Kpi, float | None]:
    """Every KPI of a set of summed counters; None where the denominator is nought."""
    closed, unit = c["closed"], c["closed_dispatched"]
    return {
        Kpi.on_time: _ratio(c["closed_on_time"], closed),
        Kpi.resolution: _ratio(c["resolved"], closed),
        Kpi.satisfaction: _ratio(c["satisfied"], c["rated"]),
        Kpi.contact: _ratio(c["contacted_in_time"], unit),
        Kpi.sign: _ratio(c["signed_in_time"], unit),
        Kpi.return_rate: _ratio(c["returns"], c["dispatches"]),
        Kpi.redispatch_rate: _ratio(c["redispatches"], unit),
        Kpi.extension_rate: _ratio(c["extensions"], unit),
        Kpi.center_share: _ratio(c["solved_at_center"], closed),
        Kpi.leadership_share: _ratio(c["sent_to_leadership"], closed),
    }


def check_weights(weights: Mapping[str, float]) -> dict[Kpi, float]:
    """Weights as an admin sets them: known KPIs, none negative, not all nought."""
    out: dict[Kpi, float] = {}
    for k, v in weights.items():
        try:
            kpi = Kpi(k)
        except ValueError:
            raise InvalidInput(f"未知的考核指标“{k}”", field="weights") from None
        if not isinstance(v, int | float) or v < 0 or v > 1000:
            raise InvalidInput(f"指标“{KPI_LABELS[kpi]}”的权重须在 0 到 1000 之间", field="weights")
        out[kpi] = float(v)
    if sum(out.values()) <= 0:
        raise InvalidInput("权重不能全部为 0", field="weights")
    return out


def composite(r: Mapping[Kpi, float | None], weights: Mapping[Kpi, float]) -> float | None:
    """The weighted score out of 100; KPIs without data drop out and the others are re-weighted."""
    num = den = 0.0
    for k, w in weights.items():
        v = r.get(k)
        if v is None or w <= 0:
            continue
        num += w * ((1 - v) if k in LOWER_IS_BETTER else v)
        den += w
    return None if den == 0 else round(100 * num / den, 2)


@dataclass(frozen=True)
class Ranked:
    key: int | str
    label: str
    index: float | None
    rank: int


def rank(scores: Mapping[int | str, tuple[str, float | None]]) -> list[Ranked]:
    """Highest index first; equal indexes share a rank; no index (no data) last, unranked (0)."""
    scored = sorted(((k, lab, v) for k, (lab, v) in scores.items() if v is not None),
                    key=lambda x: (-(x[2] or 0.0), str(x[0])))
    out: list[Ranked] = []
    prev: float | None = None
    place = 0
    for i, (k, lab, v) in enumerate(scored, 1):
        if v != prev:
            place, prev = i, v
        out.append(Ranked(k, lab, v, place))
    out += [Ranked(k, lab, None, 0) for k, (lab, v) in sorted(scores.items(), key=lambda x: str(x[0])) if v is None]
    return out


def red_black(ranked: list[Ranked], size: int = 3) -> tuple[list[Ranked], list[Ranked]]:
    """红黑榜: the best `size` and the worst `size` of the ranked, worst first; with fewer than
    2 × `size` ranked, half of them each (an odd one out in the middle), so no unit is on both."""
    scored = [r for r in ranked if r.index is not None]
    n = min(size, len(scored) // 2)
    return scored[:n], list(reversed(scored[len(scored) - n:])) if n else []
