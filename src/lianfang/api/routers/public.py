"""GET /public/check: no login, TLP:CLEAR data only, rate-limited per client address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from lianfang.api.errors import RateLimited
from lianfang.api.routers.indicators import canonical_values, fresh_index
from lianfang.api.schemas import PublicCheck
from lianfang.api.state import PlatformDep
from lianfang.store.models import utcnow

router = APIRouter(tags=["public"])


def rate_limit(request: Request, p: PlatformDep) -> None:
    """Dependency: raise RateLimited (429) when this client exceeds Settings.public_rate_limit."""
    client = request.client.host if request.client else "unknown"
    if not p.limiter.hit(p.public_limit, "public", client):
        raise RateLimited(f"rate limit {p.settings.public_rate_limit} exceeded; retry later")


@router.get("/public/check", response_model=PublicCheck, dependencies=[Depends(rate_limit)])
async def public_check(
    p: PlatformDep, value: Annotated[str, Query(min_length=1, max_length=2048)]
) -> PublicCheck:
    """Is `value` known-bad in data shared publicly (TLP:CLEAR)? Category and confidence, nothing else."""
    await fresh_index(p)
    sv = canonical_values(p, [value], None)[0]
    if sv is None:
        return PublicCheck(value=value, valid=False)
    hit = p.index.check_public([sv.key])[0]
    if hit is None:
        return PublicCheck(value=sv.display, valid=True, type=sv.type.value)
    return PublicCheck(
        value=sv.display,
        valid=True,
        type=sv.type.value,
        known_bad=True,
        category=hit.category,
        confidence=hit.confidence(utcnow()),
    )
