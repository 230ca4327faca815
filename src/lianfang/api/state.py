"""Per-app platform state (no globals): settings, database, secrets, ingestor, index, caches, limiter."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from lianfang.config import Settings
from lianfang.intel.lookup import LookupIndex
from lianfang.pipeline_pool import PipelinePool
from lianfang.store.accounts import Principal
from lianfang.store.db import Database
from lianfang.store.ingest import Ingestor
from lianfang.store.values import Secrets

AUTH_TTL_S = 60.0


@dataclass(slots=True)
class AuthCache:
    """Verified principals by SHA-256 of the presented key, so argon2 runs once per key per TTL."""

    ttl_s: float = AUTH_TTL_S
    _items: dict[str, tuple[Principal, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, digest: str) -> Principal | None:
        """The cached principal for `digest`, or None when absent or expired (revocations apply then)."""
        item = self._items.get(digest)
        if item is None or item[1] < time.monotonic():
            return None
        return item[0]

    def put(self, digest: str, principal: Principal) -> None:
        """Remember a verified principal for `ttl_s` seconds."""
        with self._lock:
            if len(self._items) > 100_000:
                self._items.clear()  # bounded memory: a flood of distinct valid keys just re-verifies
            self._items[digest] = (principal, time.monotonic() + self.ttl_s)


@dataclass(slots=True)
class Platform:
    """Everything a request handler needs; lives on `app.state.platform`."""

    settings: Settings
    db: Database
    secrets: Secrets
    ingestor: Ingestor
    index: LookupIndex
    auth: AuthCache
    limiter: MovingWindowRateLimiter
    public_limit: RateLimitItem

    @classmethod
    def build(cls, settings: Settings, db: Database, index: LookupIndex) -> Platform:
        """Wire the parts for `settings`; the ingestor refreshes `index` after each commit.

        The ingestor's pipeline pool starts no process until a bulk chunk needs it; the owner
        closes it (`ingestor.pool.close()`, the app's lifespan does).
        """
        secrets = Secrets.from_setting(settings.hmac_key)
        ingestor = Ingestor(db, secrets, index=index, pool=PipelinePool(settings.pipeline_workers))
        return cls(
            settings,
            db,
            secrets,
            ingestor,
            index,
            AuthCache(),
            MovingWindowRateLimiter(MemoryStorage()),
            parse(settings.public_rate_limit),
        )


async def platform(request: Request) -> Platform:
    """FastAPI dependency: the app's Platform.

    Async on purpose: FastAPI runs a plain `def` dependency in the thread pool, and that hop cost
    more than the whole lookup on every request.
    """
    state: Platform = request.app.state.platform
    return state


PlatformDep = Annotated[Platform, Depends(platform)]
