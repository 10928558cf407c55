"""People, consent, opt-out, escalations, append-only audit, service heartbeats.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY_SQLITE = """
CREATE TRIGGER audit_events_no_{op} BEFORE {OP} ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
"""

APPEND_ONLY_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_events is append-only'; END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY_POSTGRES_TRIGGER = """
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("baby_birth_date", sa.Date, nullable=True),
        sa.Column("postcode_district", sa.String(4), nullable=True),
        sa.Column("registered_at", sa.DateTime, nullable=True),
        sa.Column("opted_out_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_people_conversation_id", "people", ["conversation_id"], unique=True)
    op.create_table(
        "channel_identities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.String(32), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("channel", "address", name="uq_channel_address"),
    )
    op.create_index("ix_channel_identities_person_id", "channel_identities", ["person_id"])
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.String(32), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("given", sa.Boolean, nullable=False),
        sa.Column("notice_version", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_consents_person_id", "consents", ["person_id"])
    op.create_table(
        "opt_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.String(32), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_opt_events_person_id", "opt_events", ["person_id"])
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.String(32), sa.ForeignKey("people.id"), nullable=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("trigger_text", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("acknowledged_at", sa.DateTime, nullable=True),
        sa.Column("acknowledged_by", sa.String(120), nullable=True),
        sa.Column("resolved_at", sa.DateTime, nullable=True),
        sa.Column("resolved_by", sa.String(120), nullable=True),
        sa.Column("outcome", sa.Text, nullable=True),
    )
    op.create_index("ix_escalations_person_id", "escalations", ["person_id"])
    op.create_index("ix_escalations_conversation_id", "escalations", ["conversation_id"])
    op.create_index("ix_escalations_status", "escalations", ["status"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject_type", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=True),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_table(
        "service_heartbeats",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("seen_at", sa.DateTime, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_POSTGRES_FUNCTION)
        op.execute(APPEND_ONLY_POSTGRES_TRIGGER)
    else:
        for name in ("update", "delete"):
            op.execute(APPEND_ONLY_SQLITE.format(op=name, OP=name.upper()))


def downgrade() -> None:
    for table in (
        "service_heartbeats",
        "audit_events",
        "escalations",
        "opt_events",
        "consents",
        "channel_identities",
        "people",
        "teams",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
