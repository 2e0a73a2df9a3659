"""Settings from the environment (QITONG_*). No module-level instance: create_app and the CLI
build one and pass it down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QITONG_", env_file=None, extra="ignore")

    database_url: str = Field(default="sqlite:///var/qitong.db")
    secret_key: str = Field(default="dev-only-change-me-please-0123456789abcdef")
    timezone: str = "Asia/Shanghai"
    # 135 (象山), 1-3-15-30 (济南) or 5-10-15-30 (绵阳)
    sla_profile: str = "135"
    # per ticket type, another profile: {"complaint": "5-10-15-30"}
    sla_profile_by_type: dict[str, str] = Field(default_factory=dict)
    after_hours_cutoff: str = "17:30"
    confirm_timeout_days: int = 5
    max_extensions: int = 2
    max_extension_days: int = 30
    token_ttl_hours: int = 12
    attachment_dir: Path = Path("var/attachments")
    max_attachment_bytes: int = 20 * 1024 * 1024
    allowed_attachment_types: tuple[str, ...] = (
        "application/pdf",
        "image/jpeg",
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/msword",
        "application/vnd.ms-excel",
        "text/plain",
    )
