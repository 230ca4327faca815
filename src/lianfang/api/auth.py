"""API-key authentication: `Authorization: Bearer lf_…` or `X-API-Key: lf_…`.

The first request with a key pays one argon2 verification (in a worker thread); the verified
principal is then cached in-process under the SHA-256 of the key for AUTH_TTL_S, so each later
request costs one hash and one dict lookup. The key itself is never stored or logged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from lianfang.api.state import Platform
from lianfang.errors import Forbidden, Unauthorized
from lianfang.store.accounts import Principal, Role, verify_key


def presented_key(request: HTTPConnection) -> str | None:
    """The API key in the request headers, if any."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    key = request.headers.get("x-api-key")
    return key.strip() if key else None


async def principal(request: HTTPConnection) -> Principal:
    """FastAPI dependency: the authenticated caller; raises Unauthorized (401) without a valid key.

    A cache hit costs one SHA-256 and one dict probe: no database, no argon2, no thread hop.
    """
    # The platform is read straight off the app, not through a sub-dependency: each dependency
    # level costs FastAPI's resolver work on every request of every authenticated endpoint.
    p: Platform = request.app.state.platform
    key = presented_key(request)
    if not key:
        raise Unauthorized("API key required (Authorization: Bearer <key> or X-API-Key)")
    found = await cached_principal(p, hashlib.sha256(key.encode()).hexdigest(),
                                   lambda session: verify_key(session, key))
    if found is None:
        raise Unauthorized("invalid or revoked API key")
    return found


async def cached_principal(
    p: Platform, digest: str, load: Callable[[Session], Principal | None]
) -> Principal | None:
    """The principal cached under `digest`, else `load`ed from the database (and cached when found).

    `load` runs in a worker thread inside a read session; a None answer (unknown or revoked) is
    returned and not cached.
    """
    found = p.auth.get(digest)
    if found is None:

        def fetch() -> Principal | None:
            with p.db.read() as session:
                return load(session)

        found = await run_in_threadpool(fetch)
        if found is not None:
            p.auth.put(digest, found)
    return found


async def admin(who: Annotated[Principal, Depends(principal)]) -> Principal:
    """FastAPI dependency: the caller must be an organisation admin, else Forbidden (403)."""
    if who.role is not Role.ADMIN:
        raise Forbidden(f"role {who.role.value} may not do this; needs admin")
    return who


Caller = Annotated[Principal, Depends(principal)]
Admin = Annotated[Principal, Depends(admin)]
