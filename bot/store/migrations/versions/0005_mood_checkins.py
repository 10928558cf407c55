"""Mood check-ins: results with their scoring-key version, offers made, escalation summaries.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("summary", sa.Text, nullable=True))
    op.create_table(
        "mood_checkins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.String(32), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("completed_at", sa.DateTime, nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("scores", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("scoring_key_version", sa.String(32), nullable=False),
        sa.Column("escalation_id", sa.Integer, sa.ForeignKey("escalations.id"), nullable=True),
    )
    op.create_index("ix_mood_checkins_person_id", "mood_checkins", ["person_id"])
    op.create_table(
        "mood_offers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.String(32), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("moment", sa.String(32), nullable=False),
        sa.Column("offered_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("person_id", "moment", name="uq_mood_offer_moment"),
    )
    op.create_index("ix_mood_offers_person_id", "mood_offers", ["person_id"])


def downgrade() -> None:
    op.drop_table("mood_offers")
    op.drop_table("mood_checkins")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("summary")
