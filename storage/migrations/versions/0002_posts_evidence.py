"""Posts with versions, findings, evidence; per-account crawl state.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("watched_accounts") as batch:
        batch.add_column(sa.Column("crawl_state", sa.JSON, nullable=False, server_default="{}"))
        batch.add_column(sa.Column("last_crawl_at", TIMESTAMP))
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("request_url", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("body_zlib", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("captured_at", TIMESTAMP, nullable=False),
        sa.Column("last_captured_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("sha256", "request_url", name="uq_evidence_body_url"),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("watched_accounts.id", ondelete="SET NULL"),
            index=True,
        ),
        sa.Column("account_url", sa.String(2048), nullable=False, index=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("post_id", sa.String(512), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("posted_at", TIMESTAMP, index=True),
        sa.Column("first_seen_at", TIMESTAMP, nullable=False),
        sa.Column("last_seen_at", TIMESTAMP, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("archive_timestamp", TIMESTAMP),
        sa.Column("language", sa.String(16)),
        sa.Column("severity", sa.String(8), index=True),
        sa.UniqueConstraint("platform", "post_id", name="uq_posts_platform_post"),
    )
    op.create_table(
        "post_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "post_id",
            sa.Integer,
            sa.ForeignKey("posts.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_warning", sa.Text, nullable=False),
        sa.Column("alt_texts", sa.JSON, nullable=False),
        sa.Column("quoted_text", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("captured_at", TIMESTAMP, nullable=False),
        sa.Column(
            "evidence_id",
            sa.Integer,
            sa.ForeignKey("evidence.id", ondelete="SET NULL"),
            index=True,
        ),
        sa.UniqueConstraint("post_id", "content_hash", name="uq_versions_post_hash"),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "version_id",
            sa.Integer,
            sa.ForeignKey("post_versions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(32), nullable=False, index=True),
        sa.Column("country", sa.String(2)),
        sa.Column("scheme", sa.String(32)),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("masked", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False, index=True),
        sa.Column("details", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("findings")
    op.drop_table("post_versions")
    op.drop_table("posts")
    op.drop_table("evidence")
    with op.batch_alter_table("watched_accounts") as batch:
        batch.drop_column("last_crawl_at")
        batch.drop_column("crawl_state")
