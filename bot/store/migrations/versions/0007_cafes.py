"""Baby café directory: cafés, their weekly sessions and closures.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cafes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("postcode", sa.String(8), nullable=False),
        sa.Column("outward_code", sa.String(4), nullable=False),
        sa.Column("latitude", sa.Float, nullable=False),
        sa.Column("longitude", sa.Float, nullable=False),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("accessibility", sa.Text, nullable=True),
        sa.Column("languages", sa.String(200), nullable=True),
        sa.Column("last_verified", sa.Date, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("sample", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_cafes_outward_code", "cafes", ["outward_code"])
    op.create_table(
        "cafe_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cafe_id", sa.Integer, sa.ForeignKey("cafes.id"), nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("starts_at", sa.Time, nullable=False),
        sa.Column("ends_at", sa.Time, nullable=False),
    )
    op.create_index("ix_cafe_sessions_cafe_id", "cafe_sessions", ["cafe_id"])
    op.create_table(
        "cafe_closures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cafe_id", sa.Integer, sa.ForeignKey("cafes.id"), nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("reason", sa.String(120), nullable=True),
    )
    op.create_index("ix_cafe_closures_cafe_id", "cafe_closures", ["cafe_id"])


def downgrade() -> None:
    op.drop_table("cafe_closures")
    op.drop_table("cafe_sessions")
    op.drop_table("cafes")
