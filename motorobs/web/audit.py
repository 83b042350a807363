"""The audit log: who uploaded, viewed, exported and deleted what, and when.

Records are written in the same transaction as the change they describe, and copy in the
user's name and the object's pseudonymous code so that they outlive deleted rows.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from motorobs.web.accounts import CurrentUser
from motorobs.web.models import AuditEvent

ACTIONS = ("upload", "view", "export", "delete", "create", "sign-in", "sign-in-refused",
           "account", "token", "edit", "note", "mark", "goal")
"""What is recorded (``create``: a child added; ``account``/``token``: by admins and
``motorobs users``; ``edit``: a child's dates changed; ``note``, ``mark``, ``goal``: the
therapist's review and home programme)."""


def record(db: Session, user: CurrentUser | None, action: str, object_type: str = "",
           object_id: int | None = None, detail: str = "", *,
           username: str | None = None) -> None:
    """Add one audit record (``user`` ``None``: the command line or an unknown user)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.add(AuditEvent(user_id=user.id if user else None,
                      username=(username or (user.username if user else "(command line)"))[:64],
                      action=action, object_type=object_type, object_id=object_id,
                      detail=detail[:500]))


def recent(db: Session, limit: int = 200, offset: int = 0,
           action: str | None = None) -> tuple[list[AuditEvent], int]:
    """Newest records first, and how many there are in all."""
    query = select(AuditEvent)
    count = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
        count = count.where(AuditEvent.action == action)
    rows = list(db.scalars(query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)))
    return rows, db.scalar(count)
