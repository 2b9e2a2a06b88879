"""champions, processed updates, handoff cards, outbox retries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "champions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("languages", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("telegram_user_id"),
    )
    op.create_table(
        "processed_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("update_key", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "update_key"),
    )
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("champion_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("card_chat_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("card_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("thread_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("card_posted_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_handoffs_champion_id", "champions", ["champion_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("handoff_messages") as batch:
        batch.add_column(sa.Column("relayed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
    with op.batch_alter_table("handoff_messages") as batch:
        batch.drop_column("relayed_at")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_constraint("fk_handoffs_champion_id", type_="foreignkey")
        batch.drop_column("card_posted_at")
        batch.drop_column("thread_id")
        batch.drop_column("card_message_id")
        batch.drop_column("card_chat_id")
        batch.drop_column("champion_id")
    op.drop_table("processed_updates")
    op.drop_table("champions")
