"""handoff feedback, champions' rotas, the champion who helped last time, stored inbound updates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("helped", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("preferred_champion_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_handoffs_preferred_champion_id", "champions", ["preferred_champion_id"], ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("champions") as batch:
        batch.add_column(sa.Column("rota", sa.String(length=200), nullable=True))
    with op.batch_alter_table("processed_updates") as batch:
        batch.add_column(sa.Column("body", sa.Text(), nullable=True))
        batch.add_column(sa.Column("processed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("processed_updates") as batch:
        batch.drop_column("processed_at")
        batch.drop_column("body")
    with op.batch_alter_table("champions") as batch:
        batch.drop_column("rota")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_constraint("fk_handoffs_preferred_champion_id", type_="foreignkey")
        batch.drop_column("preferred_champion_id")
        batch.drop_column("helped")
