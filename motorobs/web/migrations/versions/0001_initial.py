"""Initial schema: accounts, login sessions, API tokens, sign-in failures, children,
sessions, clips, jobs and the audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("login_failures",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("username", sa.String(length=64), nullable=False),
    sa.Column("client", sa.String(length=64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_login_failures_at"), "login_failures", ["at"])
    op.create_index(op.f("ix_login_failures_client"), "login_failures", ["client"])
    op.create_index(op.f("ix_login_failures_username"), "login_failures", ["username"])

    op.create_table("users",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("username", sa.String(length=64), nullable=False),
    sa.Column("role", sa.String(length=16), nullable=False),
    sa.Column("password_hash", sa.String(length=255), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("username")
    )
    op.create_table("api_tokens",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("token_hash", sa.String(length=64), nullable=False),
    sa.Column("label", sa.String(length=100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("token_hash")
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])

    op.create_table("audit_events",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=True),
    sa.Column("username", sa.String(length=64), nullable=False),
    sa.Column("action", sa.String(length=32), nullable=False),
    sa.Column("object_type", sa.String(length=16), nullable=False),
    sa.Column("object_id", sa.Integer(), nullable=True),
    sa.Column("detail", sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_audit_events_action"), "audit_events", ["action"])
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])
    op.create_index(op.f("ix_audit_events_user_id"), "audit_events", ["user_id"])

    op.create_table("children",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("owner_id", sa.Integer(), nullable=False),
    sa.Column("code", sa.String(length=32), nullable=False),
    sa.Column("birth_date", sa.Date(), nullable=False),
    sa.Column("due_date", sa.Date(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("owner_id", "code", name="uq_children_owner_code")
    )
    op.create_index(op.f("ix_children_owner_id"), "children", ["owner_id"])

    op.create_table("login_sessions",
    sa.Column("id", sa.String(length=64), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("csrf_token", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_login_sessions_user_id"), "login_sessions", ["user_id"])

    op.create_table("observation_sessions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("owner_id", sa.Integer(), nullable=False),
    sa.Column("child_id", sa.Integer(), nullable=False),
    sa.Column("date", sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(["child_id"], ["children.id"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("child_id", "date", name="uq_sessions_child_date")
    )
    op.create_index(op.f("ix_observation_sessions_child_id"), "observation_sessions", ["child_id"])
    op.create_index(op.f("ix_observation_sessions_owner_id"), "observation_sessions", ["owner_id"])

    op.create_table("clips",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("owner_id", sa.Integer(), nullable=False),
    sa.Column("child_id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("stored_name", sa.String(length=32), nullable=False),
    sa.Column("video_file", sa.String(length=64), nullable=True),
    sa.Column("original_name", sa.String(length=255), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("size_bytes", sa.BigInteger(), nullable=False),
    sa.Column("duration_s", sa.Float(), nullable=True),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["child_id"], ["children.id"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ),
    sa.ForeignKeyConstraint(["session_id"], ["observation_sessions.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("child_id", "sha256", name="uq_clips_child_sha256"),
    sa.UniqueConstraint("stored_name")
    )
    op.create_index(op.f("ix_clips_child_id"), "clips", ["child_id"])
    op.create_index(op.f("ix_clips_owner_id"), "clips", ["owner_id"])
    op.create_index(op.f("ix_clips_session_id"), "clips", ["session_id"])

    op.create_table("jobs",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("owner_id", sa.Integer(), nullable=False),
    sa.Column("clip_id", sa.Integer(), nullable=False),
    sa.Column("state", sa.String(length=16), nullable=False),
    sa.Column("frames_done", sa.Integer(), nullable=False),
    sa.Column("frames_total", sa.Integer(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("claimed_by", sa.String(length=128), nullable=True),
    sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("worker", sa.String(length=128), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["clip_id"], ["clips.id"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("clip_id")
    )
    op.create_index(op.f("ix_jobs_claimed_by"), "jobs", ["claimed_by"])
    op.create_index(op.f("ix_jobs_owner_id"), "jobs", ["owner_id"])
    op.create_index(op.f("ix_jobs_state"), "jobs", ["state"])



def downgrade() -> None:
    op.drop_index(op.f("ix_jobs_state"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_owner_id"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_claimed_by"), table_name="jobs")

    op.drop_table("jobs")
    op.drop_index(op.f("ix_clips_session_id"), table_name="clips")
    op.drop_index(op.f("ix_clips_owner_id"), table_name="clips")
    op.drop_index(op.f("ix_clips_child_id"), table_name="clips")

    op.drop_table("clips")
    op.drop_index(op.f("ix_observation_sessions_owner_id"), table_name="observation_sessions")
    op.drop_index(op.f("ix_observation_sessions_child_id"), table_name="observation_sessions")

    op.drop_table("observation_sessions")
    op.drop_index(op.f("ix_login_sessions_user_id"), table_name="login_sessions")

    op.drop_table("login_sessions")
    op.drop_index(op.f("ix_children_owner_id"), table_name="children")

    op.drop_table("children")
    op.drop_index(op.f("ix_audit_events_user_id"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_at"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_action"), table_name="audit_events")

    op.drop_table("audit_events")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")

    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_index(op.f("ix_login_failures_username"), table_name="login_failures")
    op.drop_index(op.f("ix_login_failures_client"), table_name="login_failures")
    op.drop_index(op.f("ix_login_failures_at"), table_name="login_failures")

    op.drop_table("login_failures")
