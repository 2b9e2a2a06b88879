"""console: accounts, sessions, audit log, handoff notes and outcomes, published text, audio,
example questions, retrain jobs and anonymous insight counts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(40), nullable=False),
        sa.Column("languages", sa.String(40), nullable=False, server_default=""),
        sa.Column("locale", sa.String(8), nullable=False, server_default="en"),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_console_sessions_user_id", "console_sessions", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=False, server_default=""),
    )
    op.create_index("ix_audit_log_created_at", "audit_log", ["created_at"])
    op.create_table(
        "handoff_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_handoff_notes_handoff_id", "handoff_notes", ["handoff_id"])
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("claimed_by_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(20), nullable=True))
        batch.create_foreign_key(
            "fk_handoffs_claimed_by_user_id", "users", ["claimed_by_user_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("faq_answers") as batch:
        batch.add_column(sa.Column("published_text", sa.Text(), nullable=True))
    op.execute("UPDATE faq_answers SET published_text = text WHERE status = 'published'")
    # Champion replies used to come only from the group; from now on unrelayed ones are relayed there.
    op.execute("UPDATE handoff_messages SET relayed_at = created_at WHERE role = 'champion' AND relayed_at IS NULL")
    op.create_table(
        "faq_audio",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("answer_id", sa.Integer(), sa.ForeignKey("faq_answers.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("mime_type", sa.String(100), nullable=False),
        sa.Column("filename", sa.String(100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "nlu_examples",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("intent", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "retrain_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("step", sa.String(100), nullable=False, server_default=""),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("started_by", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "question_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("topic", sa.String(32), nullable=True),
        sa.Column("key", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
    )
    op.create_index("ix_question_events_week", "question_events", ["week"])
    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_unanswered_questions_conversation_id", "unanswered_questions", ["conversation_id"])


def downgrade() -> None:
    for table in ("unanswered_questions", "question_events", "retrain_jobs", "nlu_examples", "faq_audio"):
        op.drop_table(table)
    with op.batch_alter_table("faq_answers") as batch:
        batch.drop_column("published_text")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_constraint("fk_handoffs_claimed_by_user_id", type_="foreignkey")
        batch.drop_column("outcome")
        batch.drop_column("claimed_by_user_id")
    for table in ("handoff_notes", "audit_log", "console_sessions", "users"):
        op.drop_table(table)
