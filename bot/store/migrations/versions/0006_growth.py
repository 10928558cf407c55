"""Child growth: children, measurements (superseded, never overwritten), pictures for messages.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbound_images",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_outbound_images_created_at", "outbound_images", ["created_at"])
    with op.batch_alter_table("outbound_messages") as batch:
        batch.add_column(sa.Column("image_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_outbound_image", "outbound_images", ["image_id"], ["id"])
    op.create_table(
        "children",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.String(32), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("sex", sa.String(8), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("gestation_weeks", sa.Integer, nullable=False),
        sa.Column("gestation_days", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_children_person_id", "children", ["person_id"])
    op.create_table(
        "growth_measurements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("child_id", sa.Integer, sa.ForeignKey("children.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("observed_on", sa.Date, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("entered_by", sa.String(120), nullable=False),
        sa.Column("raw_text", sa.Text, nullable=True),
        sa.Column("sds", sa.Float, nullable=True),
        sa.Column("centile", sa.Float, nullable=True),
        sa.Column("age_days", sa.Integer, nullable=False),
        sa.Column("corrected_age_days", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("supersedes_id", sa.Integer, sa.ForeignKey("growth_measurements.id"),
                  nullable=True),
        sa.Column("superseded_at", sa.DateTime, nullable=True),
        sa.Column("escalation_id", sa.Integer, sa.ForeignKey("escalations.id"), nullable=True),
    )
    op.create_index("ix_growth_child_kind", "growth_measurements",
                    ["child_id", "kind", "superseded_at"])


def downgrade() -> None:
    op.drop_table("growth_measurements")
    op.drop_table("children")
    with op.batch_alter_table("outbound_messages") as batch:
        batch.drop_constraint("fk_outbound_image", type_="foreignkey")
        batch.drop_column("image_id")
    op.drop_table("outbound_images")
