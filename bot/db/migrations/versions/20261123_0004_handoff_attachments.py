"""handoff attachments: media a person sent during a handoff, kept for the champion

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 07:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoff_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["handoff_messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handoff_attachments_message_id", "handoff_attachments", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_handoff_attachments_message_id", table_name="handoff_attachments")
    op.drop_table("handoff_attachments")
