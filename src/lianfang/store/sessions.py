"""Dashboard login sessions: the principal behind a session cookie's key id (no argon2 on each page)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.store.accounts import Principal, Role
from lianfang.store.models import ApiKey, Organisation, User


def principal_by_key_id(session: Session, key_id: str) -> Principal | None:
    """The principal of API key `key_id` when it exists and is not revoked, else None.

    Only for session cookies that the server signed after a full key verification at login;
    revoking the key ends every session made with it.
    """
    row = session.execute(
        select(User.id, User.role, Organisation.id, Organisation.name)
        .join(ApiKey, ApiKey.user_id == User.id)
        .join(Organisation, Organisation.id == User.org_id)
        .where(ApiKey.key_id == key_id, ApiKey.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    return Principal(user_id=row[0], org_id=row[2], org_name=row[3], role=Role(row[1]), key_id=key_id)
