"""Watched accounts and crawl runs.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "watched_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False, index=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("handle", sa.String(512), nullable=False),
        sa.Column("platform_account_id", sa.String(256)),
        sa.Column("label", sa.String(512), nullable=False, server_default=""),
        sa.Column("interval_seconds", sa.Integer, nullable=False, server_default="21600"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("state", sa.String(16), nullable=False, server_default="ok"),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("last_error_at", TIMESTAMP),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("watched_accounts.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP),
        sa.Column("outcome", sa.String(16), nullable=False, server_default="running"),
        sa.Column("requests", sa.Integer, nullable=False, server_default="0"),
        sa.Column("posts_seen", sa.Integer, nullable=False, server_default="0"),
        sa.Column("new_posts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("flagged", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("crawl_runs")
    op.drop_table("watched_accounts")
