"""POST /allowlist: an organisation's own never-bad values (admins only)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from lianfang.api.auth import Admin
from lianfang.api.schemas import AllowlistIn, AllowlistOut
from lianfang.api.state import PlatformDep
from lianfang.errors import InputError
from lianfang.indicators.canonical import canonicalize
from lianfang.store import audit
from lianfang.store.allowlist import add_entry
from lianfang.store.values import parse_type, stored

router = APIRouter(tags=["allowlist"])


@router.post("/allowlist", response_model=AllowlistOut, status_code=201)
async def add_allowlist(
    body: AllowlistIn,
    who: Admin,
    p: PlatformDep,
) -> AllowlistOut:
    """Add a value to the caller organisation's allow-list (canonicalised like lookups)."""
    kind = parse_type(body.type)
    found = canonicalize(body.value, kind)
    if found is None:
        raise InputError(f"value: {body.value!r} is not a valid {kind.value}")
    sv = stored(p.secrets, found[0], found[1])

    def add() -> AllowlistOut:
        with p.db.write.begin() as session:
            item = add_entry(session, who.org_id, sv, body.note)
            audit.record(
                session, "allowlist.add", org_id=who.org_id, user_id=who.user_id, target=sv.type.value
            )
        p.index.refresh(p.db)
        return AllowlistOut(
            id=item.id, type=item.type, value=item.value, scope=item.scope, source=item.source, note=item.note
        )

    return await run_in_threadpool(add)
