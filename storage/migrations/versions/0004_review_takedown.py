"""Review events (append-only), takedown cases and the posts in them.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER review_events_no_{verb.lower()} BEFORE {verb} ON review_events
    BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_TRIGGERS = [
    """CREATE FUNCTION review_events_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'review_events is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER review_events_append_only BEFORE UPDATE OR DELETE ON review_events
    FOR EACH ROW EXECUTE FUNCTION review_events_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "takedown_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(256), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "case_posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "case_id",
            sa.Integer,
            sa.ForeignKey("takedown_cases.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("added_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("case_id", "post_id", name="uq_case_posts_case_post"),
    )
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), index=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("takedown_cases.id"), index=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), index=True),
        sa.Column("actor", sa.String(256), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("reference", sa.String(512)),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    triggers = POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS review_events_append_only ON review_events")
        op.execute("DROP FUNCTION IF EXISTS review_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS review_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS review_events_no_delete")
    op.drop_table("review_events")
    op.drop_table("case_posts")
    op.drop_table("takedown_cases")
