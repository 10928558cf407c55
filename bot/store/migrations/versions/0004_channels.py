"""Channels: outbox delivery state, provider receipts, unreachable contacts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OUTBOX_COLUMNS = ("buttons", "choices_open", "next_attempt_at", "claimed_until", "provider_id",
                  "delivered_at")


def upgrade() -> None:
    with op.batch_alter_table("outbound_messages") as batch:
        batch.add_column(sa.Column("buttons", sa.Text, nullable=True))
        batch.add_column(
            sa.Column("choices_open", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("provider_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("delivered_at", sa.DateTime, nullable=True))
        batch.create_index("ix_outbound_messages_provider_id", ["provider_id"])
        batch.create_index(
            "ix_outbound_recipient", ["recipient_type", "recipient_id", "channel", "status"]
        )
    with op.batch_alter_table("channel_identities") as batch:
        batch.add_column(sa.Column("unreachable_at", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("unreachable_reason", sa.String(120), nullable=True))
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("page_failed_at", sa.DateTime, nullable=True))
    op.create_table(
        "inbound_receipts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("channel", "provider_id", name="uq_inbound_receipt"),
    )
    op.create_index("ix_inbound_receipts_received_at", "inbound_receipts", ["received_at"])


def downgrade() -> None:
    op.drop_table("inbound_receipts")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("page_failed_at")
    with op.batch_alter_table("channel_identities") as batch:
        batch.drop_column("unreachable_reason")
        batch.drop_column("unreachable_at")
    with op.batch_alter_table("outbound_messages") as batch:
        batch.drop_index("ix_outbound_recipient")
        batch.drop_index("ix_outbound_messages_provider_id")
        for column in reversed(OUTBOX_COLUMNS):
            batch.drop_column(column)
