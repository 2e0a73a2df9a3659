"""Near-duplicate detection (重复件 / 集中反映 / 热点问题): pure.

Character-bigram shingles, MinHash with LSH banding to find candidates, exact Jaccard to decide;
the concentrated-report rule and hot-topic grouping. docs/duplicates.md explains the parameters."""

from qitong.domain.duplicates.minhash import DEFAULT_PARAMS, LshParams, MinHasher, Signature, estimate
from qitong.domain.duplicates.rules import (
    ConcentratedRule,
    Report,
    clusters,
    enterprise_key,
    is_concentrated,
    within_window,
)
from qitong.domain.duplicates.text import (
    EMPTY,
    Shingles,
    from_bytes,
    jaccard,
    mask_title,
    normalize,
    shingles,
    ticket_text,
    to_bytes,
)

__all__ = [
    "DEFAULT_PARAMS",
    "EMPTY",
    "ConcentratedRule",
    "LshParams",
    "MinHasher",
    "Report",
    "Shingles",
    "Signature",
    "clusters",
    "enterprise_key",
    "estimate",
    "from_bytes",
    "is_concentrated",
    "jaccard",
    "mask_title",
    "normalize",
    "shingles",
    "ticket_text",
    "to_bytes",
    "within_window",
]
