"""pending indexes: find unhandled updates and undelivered messages without reading every row

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_processed_updates_channel_processed_at", "processed_updates", ["channel", "processed_at"])
    op.create_index("ix_outbox_messages_delivered_at", "outbox_messages", ["delivered_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_delivered_at", table_name="outbox_messages")
    op.drop_index("ix_processed_updates_channel_processed_at", table_name="processed_updates")
