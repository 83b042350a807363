"""The therapist's review and the home programme: notes on clips, measurements marked
untrustworthy, and goals (minutes a day of an activity) per child.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _owned(name: str, parent: str, *columns: sa.Column, unique: tuple[str, ...] = ()) -> None:
    """A table with ``id``, ``owner_id`` and ``<parent>_id`` (deleted with its parent);
    ``unique``: a constraint's name, then its columns after ``<parent>_id``."""
    key = f"{parent}_id"
    table = f"{parent}s" if parent == "clip" else "children"
    constraints = [sa.UniqueConstraint(key, *unique[1:], name=unique[0])] if unique else []
    op.create_table(name,
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("owner_id", sa.Integer(), nullable=False),
                    sa.Column(key, sa.Integer(), nullable=False),
                    *columns,
                    sa.ForeignKeyConstraint([key], [f"{table}.id"], ondelete="CASCADE"),
                    sa.ForeignKeyConstraint(["owner_id"], ["users.id"]),
                    sa.PrimaryKeyConstraint("id"), *constraints)
    op.create_index(op.f(f"ix_{name}_{key}"), name, [key])
    op.create_index(op.f(f"ix_{name}_owner_id"), name, ["owner_id"])


def upgrade() -> None:
    _owned("clip_notes", "clip",
           sa.Column("text", sa.Text(), nullable=False),
           sa.Column("author", sa.String(length=64), nullable=False),
           sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
    _owned("measurement_marks", "clip",
           sa.Column("metric", sa.String(length=64), nullable=False),
           sa.Column("side", sa.String(length=8), nullable=False),
           sa.Column("reason", sa.String(length=300), nullable=False),
           sa.Column("author", sa.String(length=64), nullable=False),
           sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
           unique=("uq_marks_clip_metric_side", "metric", "side"))
    _owned("programme_goals", "child",
           sa.Column("activity", sa.String(length=32), nullable=False),
           sa.Column("minutes_per_day", sa.Float(), nullable=False),
           sa.Column("author", sa.String(length=64), nullable=False),
           sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
           unique=("uq_goals_child_activity", "activity"))


def downgrade() -> None:
    for name, key in (("programme_goals", "child_id"), ("measurement_marks", "clip_id"),
                      ("clip_notes", "clip_id")):
        op.drop_index(op.f(f"ix_{name}_owner_id"), table_name=name)
        op.drop_index(op.f(f"ix_{name}_{key}"), table_name=name)
        op.drop_table(name)
