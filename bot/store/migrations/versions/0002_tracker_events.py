"""Rasa's tracker `events` table, with indexes for loading only the latest session.

Rasa creates the same table itself if missing; creating it here first puts it under
migrations. The composite indexes turn Rasa's "latest session_started" subquery and
"events since then" query into index seeks, so an old conversation is as fast as a new one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("events"):
        op.create_table(
            "events",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("sender_id", sa.String(255), nullable=False),
            sa.Column("type_name", sa.String(255), nullable=False),
            sa.Column("timestamp", sa.Float),
            sa.Column("intent_name", sa.String(255)),
            sa.Column("action_name", sa.String(255)),
            sa.Column("data", sa.Text),
        )
        op.create_index("ix_events_sender_id", "events", ["sender_id"])
    op.create_index(
        "ix_events_sender_type_timestamp", "events", ["sender_id", "type_name", "timestamp"]
    )
    op.create_index("ix_events_sender_timestamp", "events", ["sender_id", "timestamp"])


def downgrade() -> None:
    op.drop_index("ix_events_sender_timestamp", "events")
    op.drop_index("ix_events_sender_type_timestamp", "events")
