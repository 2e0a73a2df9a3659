"""Document numbers (发文字号) for supervision notices: ``督〔2026〕12号``.

The form follows GB/T 9704-2012 §7.2.4: an issuing-office code (机关代字), the year in full in
hexagonal brackets 〔〕, then the sequence number with no leading zeros (不编虚位) and no 第,
followed by 号. Each level is its own series with its own code, numbered from 1 every year:

* 督 — 提醒敦促函 (reminder), the daily series, by far the largest;
* 督改 — 整改通知书 (listed): 督办 + 整改, so a listed notice is recognisable by its number;
* 约谈 — 约谈通知书 (interview).

Separate series keep each register gapless on its own and let a reader tell the weight of a
notice from its number alone. The counter is per (prefix, year), so two levels that ever shared
a code would share one series.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from qitong.domain.supervision.levels import SupervisionLevel

PREFIXES: Mapping[SupervisionLevel, str] = {
    SupervisionLevel.reminder: "督",
    SupervisionLevel.listed: "督改",
    SupervisionLevel.interview: "约谈",
}

_NUMBER = re.compile(r"^(?P<prefix>[^〔〕\d]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


@dataclass(frozen=True)
class DocumentNumber:
    prefix: str
    year: int
    seq: int

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.seq}号"


def prefix_for(level: SupervisionLevel) -> str:
    return PREFIXES[level]


def document_number(level: SupervisionLevel, year: int, seq: int) -> str:
    """``督改〔2026〕3号`` for the third listed notice of 2026."""
    if seq < 1:
        raise ValueError(f"发文顺序号须从 1 开始：{seq}")
    if not 1000 <= year <= 9999:
        raise ValueError(f"年份须为四位数：{year}")
    return str(DocumentNumber(prefix_for(level), year, seq))


def parse_document_number(text: str) -> DocumentNumber:
    m = _NUMBER.match(text.strip())
    if m is None:
        raise ValueError(f"文号格式不正确：{text}（应如“督〔2026〕12号”）")
    return DocumentNumber(m["prefix"], int(m["year"]), int(m["seq"]))
