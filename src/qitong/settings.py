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
    # due-soon warning: "last_workday" (from the start of the deadline's last working day) or
    # "share:0.2" (when 20 % of the stage's time is left)
    due_soon_mode: str = "last_workday"
    # an overdue matter is proposed for escalation after this many working days late
    escalate_after_overdue_days: int = 3
    worker_interval_seconds: float = 60.0
    sweep_batch: int = 1000
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
    # notifications and the outbox (docs/notifications.md)
    smtp_host: str | None = None  # unset: no email is sent
    smtp_port: int = 25
    smtp_from: str = "企通 <noreply@qitong.local>"
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    sms_gateway_url: str | None = None  # unset: SMS are appended to sms_log_path (demo)
    sms_gateway_secret: str = ""
    sms_log_path: Path = Path("var/sms.log")
    delivery_timeout_seconds: float = 10.0
    outbox_max_attempts: int = 10  # 1, 2, 4 … 256 minutes apart: about 8.5 hours before dead
    outbox_backoff_base_seconds: float = 60.0
    outbox_backoff_cap_seconds: float = 6 * 3600.0
    outbox_lease_seconds: int = 300
    # web pages (docs/adr/0004-web-ui.md): a signed cookie session, HttpOnly, SameSite=Lax;
    # set QITONG_SESSION_COOKIE_SECURE=true when the site is served over https
    session_cookie_secure: bool = False
    session_max_age_hours: int = 12
    # demo only: an enterprise may sign in with its USCC and a code shown on screen (stands in for an SMS)
    demo_login_code: bool = True
    # supervision (docs/supervision.md): working days a department has to answer a notice, and who issues it
    supervision_response_days: int = 3
    supervision_issuer: str = "象湖县企业综合服务中心"
    # routing (docs/routing.md): the trained classifier's file; at or above the threshold the dispatcher's
    # form comes preselected; the periodic retrain needs this many closed tickets
    routing_model_path: Path = Path("var/models/routing.joblib")
    routing_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    # auto-dispatch (docs/routing.md): off by default; when on, a ticket is dispatched right after it is
    # accepted if the pick's confidence is at or above this second threshold
    routing_autodispatch: bool = False
    routing_autodispatch_threshold: float = Field(default=0.9, ge=0.0, le=1.0)
    routing_min_training: int = 30
    # near-duplicates (docs/duplicates.md): the exact bigram Jaccard at which two tickets are the same
    # matter; "recent" = finished within this many days (open tickets always count); a concentrated
    # report = near-duplicates from this many enterprises within this many days; hot topics look back
    duplicate_threshold: float = Field(default=0.4, gt=0.0, le=1.0)
    duplicate_recent_days: int = Field(default=90, ge=1)
    concentrated_enterprises: int = Field(default=3, ge=2)
    concentrated_window_days: int = Field(default=7, ge=1)
    hot_topic_days: int = Field(default=30, ge=1)
