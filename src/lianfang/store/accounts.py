"""Organisations, users and API keys.

Keys look like `lf_<key_id>_<secret>`; the database keeps the key id and an argon2 hash of the
secret only, so a stolen database does not yield working keys. The plain key is shown once.
"""

from __future__ import annotations

import secrets as _secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.errors import InputError, NotFound
from lianfang.store import audit
from lianfang.store.models import ApiKey, Organisation, User, utcnow

_HASHER = PasswordHasher()
KEY_PREFIX = "lf_"


class Role(StrEnum):
    """What a user may do; only police see personal data unmasked."""

    ANALYST = "analyst"
    ADMIN = "admin"
    POLICE = "police"


@dataclass(frozen=True, slots=True)
class OrgInfo:
    """An organisation's id and name."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: user, organisation and role behind one API key."""

    user_id: int
    org_id: int
    org_name: str
    role: Role
    key_id: str

    @property
    def sees_personal_data(self) -> bool:
        """True when personal data may be shown unmasked to this caller."""
        return self.role is Role.POLICE


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A freshly created key; `key` is the only time the secret exists in clear."""

    key: str
    key_id: str
    org: str
    role: Role


def parse_role(raw: str) -> Role:
    """Role from its name; raises InputError naming the valid roles."""
    try:
        return Role(raw.strip().lower())
    except ValueError:
        raise InputError(f"unknown role {raw!r}; use analyst, admin or police") from None


def create_org(session: Session, name: str) -> OrgInfo:
    """Create organisation `name`; raises InputError when the name is empty or taken."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InputError("organisation name must be 1–200 characters")
    if session.scalar(select(Organisation.id).where(Organisation.name == name)) is not None:
        raise InputError(f"organisation {name!r} already exists")
    org = Organisation(name=name)
    session.add(org)
    session.flush()
    audit.record(session, "org.create", org_id=org.id, target=name)
    return OrgInfo(org.id, org.name)


def get_org(session: Session, name: str) -> OrgInfo:
    """The organisation called `name`; raises NotFound."""
    row = session.execute(select(Organisation.id, Organisation.name).where(Organisation.name == name)).first()
    if row is None:
        raise NotFound(f"organisation {name!r} not found")
    return OrgInfo(row.id, row.name)


def org_ids(session: Session, names: list[str]) -> dict[str, int]:
    """Map organisation names to ids; raises InputError listing any unknown names."""
    if not names:
        return {}
    found = {
        name: oid
        for name, oid in session.execute(
            select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
        )
    }
    missing = sorted(set(names) - set(found))
    if missing:
        raise InputError(f"unknown organisation(s) in share_with: {', '.join(missing)}")
    return {str(k): int(v) for k, v in found.items()}


def create_key(
    session: Session, org_name: str, role: Role = Role.ANALYST, user_name: str | None = None
) -> IssuedKey:
    """Create a user of `org_name` with `role` (or reuse `user_name`) and issue it a new API key.

    Raises NotFound when the organisation does not exist.
    """
    org = get_org(session, org_name)
    key_id = _secrets.token_hex(6)
    name = user_name or f"key-{key_id}"
    user = session.scalar(select(User).where(User.org_id == org.id, User.name == name))
    if user is None:
        user = User(org_id=org.id, name=name, role=role.value)
        session.add(user)
        session.flush()
    secret = _secrets.token_urlsafe(32)
    session.add(ApiKey(key_id=key_id, secret_hash=_HASHER.hash(secret), user_id=user.id))
    audit.record(session, "key.create", org_id=org.id, user_id=user.id, target=key_id, role=user.role)
    return IssuedKey(f"{KEY_PREFIX}{key_id}_{secret}", key_id, org.name, Role(user.role))


def verify_key(session: Session, presented: str) -> Principal | None:
    """The principal behind a presented key, or None when it is malformed, unknown, revoked or wrong."""
    if not presented.startswith(KEY_PREFIX):
        return None
    key_id, sep, secret = presented[len(KEY_PREFIX) :].partition("_")
    if not sep or not secret or len(key_id) > 32:
        return None
    row = session.execute(
        select(ApiKey.secret_hash, ApiKey.revoked_at, User.id, User.role, Organisation.id, Organisation.name)
        .join(User, User.id == ApiKey.user_id)
        .join(Organisation, Organisation.id == User.org_id)
        .where(ApiKey.key_id == key_id)
    ).first()
    if row is None or row[1] is not None:
        return None
    try:
        _HASHER.verify(row[0], secret)
    except (VerificationError, InvalidHashError):
        return None
    return Principal(user_id=row[2], org_id=row[4], org_name=row[5], role=Role(row[3]), key_id=key_id)


def key_id_of(key_or_id: str) -> str:
    """The key id of a full key (`lf_<key_id>_<secret>`); anything else is taken as the id itself."""
    if key_or_id.startswith(KEY_PREFIX):
        return key_or_id[len(KEY_PREFIX) :].partition("_")[0]
    return key_or_id


def revoke_key(session: Session, key_id: str) -> None:
    """Revoke key `key_id`; raises NotFound. Caches holding it expire within their TTL."""
    key = session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
    if key is None:
        raise NotFound(f"key {key_id!r} not found")
    key.revoked_at = utcnow()
    audit.record(session, "key.revoke", user_id=key.user_id, target=key_id)
