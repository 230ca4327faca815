"""Settings from environment variables with the LIANFANG_ prefix."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as LIANFANG_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="LIANFANG_")

    database_url: str = f"sqlite:///{Path('var') / 'lianfang.db'}"
    # Key for the keyed hash (HMAC) of personal-data indicators; set it in production.
    hmac_key: str = "lianfang-dev-key-change-me"
    max_body_bytes: int = 10 * 1024 * 1024
    public_rate_limit: str = "60/minute"
    lookup_max_values: int = 10_000
    allow_private_fetch: bool = False
    # Worker processes for bulk-intake analysis (0 = analyse in the server process).
    pipeline_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=0, le=256)
