"""Identifiers of enterprises and people: USCC validation and masking for display."""

from qitong.domain.identity.masking import (
    mask_enterprise_name,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_uscc,
    redact_text,
)
from qitong.domain.identity.uscc import (
    InvalidUSCC,
    USCCParts,
    compute_check_char,
    is_valid_uscc,
    make_uscc,
    organisation_code_valid,
    parse_uscc,
    validate_uscc,
)

__all__ = [
    "InvalidUSCC",
    "USCCParts",
    "compute_check_char",
    "is_valid_uscc",
    "make_uscc",
    "mask_enterprise_name",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mask_uscc",
    "organisation_code_valid",
    "parse_uscc",
    "redact_text",
    "validate_uscc",
]
