"""Dashboard sessions: a signed HttpOnly cookie after one API-key login, accepted next to the headers.

The cookie holds `<key_id>.<expiry>.<HMAC-SHA256>`, signed with a key derived from
Settings.hmac_key, never the API key itself. Each request re-checks that the key id is not revoked
(cached for AUTH_TTL_S like header keys). The cookie is SameSite=Strict, so a cross-site page can
neither send it nor read what it unlocks; the UI's state-changing POSTs (login, logout, lookup)
also refuse a foreign Origin.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Annotated

from fastapi import Depends, Request

from lianfang.api.auth import cached_principal, presented_key, principal
from lianfang.api.state import Platform, PlatformDep
from lianfang.errors import Unauthorized
from lianfang.store.accounts import Principal
from lianfang.store.sessions import principal_by_key_id

SESSION_COOKIE = "lf_session"
SESSION_TTL_S = 12 * 3600


def _signing_key(p: Platform) -> bytes:
    return hashlib.sha256(b"lianfang-ui-session:" + p.settings.hmac_key.encode()).digest()


def issue_session(p: Platform, who: Principal, now: float | None = None) -> str:
    """A session token for `who`, valid SESSION_TTL_S seconds."""
    payload = f"{who.key_id}.{int((now or time.time()) + SESSION_TTL_S)}"
    sig = hmac.new(_signing_key(p), payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{sig}"


def _key_id_of(p: Platform, token: str, now: float | None = None) -> str | None:
    """The key id a well-signed, unexpired token names, else None."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[0]) > 32:
        return None
    payload = f"{parts[0]}.{parts[1]}"
    want = hmac.new(_signing_key(p), payload.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, parts[2]) or int(parts[1]) < (now or time.time()):
        return None
    return parts[0]


async def session_principal(request: Request, p: Platform) -> Principal | None:
    """The principal of the request's session cookie, or None when absent, forged, expired or revoked."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    key_id = _key_id_of(p, token)
    if key_id is None:
        return None
    digest = "session:" + hashlib.sha256(token.encode()).hexdigest()
    return await cached_principal(p, digest, lambda session: principal_by_key_id(session, key_id))


async def viewer(request: Request, p: PlatformDep) -> Principal:
    """FastAPI dependency: the caller by API-key header, else by session cookie.

    Raises Unauthorized (401) when neither authenticates.
    """
    if presented_key(request):
        return await principal(request)
    found = await session_principal(request, p)
    if found is None:
        raise Unauthorized("API key or dashboard login required")
    return found


Viewer = Annotated[Principal, Depends(viewer)]
