"""Audit log: who did what when. Callers pass ids and counts, never secrets, keys or report text."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lianfang.store.models import AuditEntry


def record(
    session: Session,
    action: str,
    *,
    org_id: int | None = None,
    user_id: int | None = None,
    target: str = "",
    **detail: Any,
) -> None:
    """Add an audit entry to the caller's transaction (it commits or rolls back with the action)."""
    session.add(AuditEntry(action=action, org_id=org_id, user_id=user_id, target=target[:200], detail=detail))
