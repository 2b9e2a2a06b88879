"""rasa trackers: Rasa's tracker store in Drom's own database

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rasa_trackers",
        sa.Column("sender_id", sa.String(255), primary_key=True),
        sa.Column("dialogue", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rasa_trackers")
