"""The audit trail's tamper evidence: canonical JSON and a verifiable hash chain."""

from qitong.domain.audit.batch import FiringKey, batch_digest
from qitong.domain.audit.chain import (
    GENESIS,
    BreakKind,
    ChainItem,
    ChainReport,
    ChainVerifier,
    canonical_json,
    event_hash,
    verify_chain,
)

__all__ = [
    "GENESIS",
    "BreakKind",
    "ChainItem",
    "ChainReport",
    "ChainVerifier",
    "FiringKey",
    "batch_digest",
    "canonical_json",
    "event_hash",
    "verify_chain",
]
