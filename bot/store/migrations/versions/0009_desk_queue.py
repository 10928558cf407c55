"""Desk queue: notes on escalations, who an escalation is assigned to, who sent a desk message.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalation_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("escalation_id", sa.Integer, sa.ForeignKey("escalations.id"), nullable=False,
                  index=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("assigned_staff_id", sa.Integer,
                                   sa.ForeignKey("staff.id", name="fk_escalations_assigned"),
                                   nullable=True))
    with op.batch_alter_table("outbound_messages") as batch:
        batch.add_column(sa.Column("sent_by_staff_id", sa.Integer,
                                   sa.ForeignKey("staff.id", name="fk_outbound_sent_by"),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbound_messages") as batch:
        batch.drop_column("sent_by_staff_id")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("assigned_staff_id")
    op.drop_table("escalation_notes")
