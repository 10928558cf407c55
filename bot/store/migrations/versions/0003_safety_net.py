"""Safety net: staff, rota, team districts, paging state on escalations, outbox, API tokens.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_districts",
        sa.Column("postcode_district", sa.String(4), primary_key=True),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("page_channel", sa.String(16), nullable=True),
        sa.Column("page_address", sa.String(128), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_team_id", "staff", ["team_id"])
    op.create_table(
        "rota_shifts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("ends_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_rota_shifts_team_id", "rota_shifts", ["team_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("next_page_due_at", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("last_paged_at", sa.DateTime, nullable=True))
        batch.add_column(
            sa.Column("page_count", sa.Integer, nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("cascade_level", sa.Integer, nullable=False, server_default="0")
        )
        batch.create_foreign_key("fk_escalations_team", "teams", ["team_id"], ["id"])
        batch.create_index("ix_escalations_team_id", ["team_id"])
        batch.create_index("ix_escalations_next_page_due_at", ["next_page_due_at"])
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient_type", sa.String(16), nullable=False),
        sa.Column("recipient_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("escalation_id", sa.Integer, sa.ForeignKey("escalations.id"), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime, nullable=True),
        sa.Column("last_error", sa.String(255), nullable=True),
    )
    op.create_index("ix_outbound_messages_escalation_id", "outbound_messages", ["escalation_id"])
    op.create_index("ix_outbound_messages_status", "outbound_messages", ["status"])


def downgrade() -> None:
    op.drop_table("outbound_messages")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_index("ix_escalations_next_page_due_at")
        batch.drop_index("ix_escalations_team_id")
        batch.drop_constraint("fk_escalations_team", type_="foreignkey")
        for column in ("cascade_level", "page_count", "last_paged_at", "next_page_due_at", "team_id"):
            batch.drop_column(column)
    for table in ("api_tokens", "rota_shifts", "staff", "team_districts"):
        op.drop_table(table)
