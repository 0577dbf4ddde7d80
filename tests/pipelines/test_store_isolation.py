"""A post the database cannot take loses only itself, on real SQLite and PostgreSQL; the
store pipeline cleans text every database stores and reports what it could not store."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from monitor.items import Post
from pipelines.store import storable, to_row
from storage.db import open_database, session_factory
from storage.models import PostVersion, StoredPost
from storage.posts import row_problem, save_posts_isolated
from tests.pipelines.test_save_posts import post


@pytest.fixture
def engine(db_url):
    engine = open_database(db_url)
    yield engine
    engine.dispose()


def stored_ids(engine) -> set[str]:
    with session_factory(engine)() as session:
        return set(session.scalars(select(StoredPost.post_id)))


def test_rows_with_bad_fields_are_left_out_and_the_rest_stored(engine):
    long_id = post("9" * 600, "too long an id")
    typed_url = post("3", "url is an object")
    typed_url.url = {"href": "https://t.me/leakchannel/3"}  # type: ignore[assignment]
    rows = [post("1", "first"), long_id, typed_url, post("2", "second")]

    result = save_posts_isolated(engine, rows)

    assert stored_ids(engine) == {"1", "2"}  # PostgreSQL would have truncated the long id
    assert result.posts_seen == 4 and result.new_posts == 2
    assert sorted(result.failures) == [
        "post_id is 600 characters long (at most 512)",
        "url is dict, not text",
    ]


def test_a_row_the_database_refuses_loses_only_itself(engine):
    nul = post("2", "nul \x00 inside")  # PostgreSQL refuses NUL in text; SQLite keeps it
    result = save_posts_isolated(engine, [post("1", "first"), nul, post("3", "third")])

    if engine.dialect.name == "postgresql":
        assert stored_ids(engine) == {"1", "3"}
        assert [f.split(" (")[0] for f in result.failures] == ["refused by the database"]
    else:
        assert stored_ids(engine) == {"1", "2", "3"}
        assert result.failures == []
    assert result.posts_seen == 3


def test_a_batch_nothing_of_which_can_be_stored_raises(sqlite_url):
    engine = open_database(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE findings"))
        connection.execute(text("DROP TABLE post_versions"))
    with pytest.raises(Exception, match="post_versions"):
        save_posts_isolated(engine, [post("1", "first"), post("2", "second")])
    engine.dispose()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("plain", "plain"),
        ("a\x00b", "a\ufffdb"),
        ("lone \ud800 surrogate", "lone ? surrogate"),
        ("全角１２３", "全角１２３"),
    ],
)
def test_storable_replaces_one_character_for_one(raw, clean):
    assert storable(raw) == clean
    assert len(storable(raw)) == len(raw)


def test_hostile_text_is_stored_with_offsets_kept(engine):
    now = datetime(2026, 11, 1, tzinfo=UTC)
    item = Post(
        platform="mastodon",
        account_url="https://mastodon.example/@leaky",
        post_id="https://mastodon.example/@leaky/1",
        url="https://mastodon.example/@leaky/1",
        posted_at=now,
        captured_at=now,
        text="bad \ud800 and \x00 then call 06 12 34 56 78",
        raw='{"content": "\\ud800"}',
        source="api",
        language=12,  # type: ignore[arg-type]  # a wrongly typed field from the server
        alt_texts=["alt \x00"],
    )
    row = to_row(item)
    assert row_problem(row) is None
    assert row.language is None
    assert len(row.text) == len(item.text)
    assert save_posts_isolated(engine, [row]).failures == []
    with session_factory(engine)() as session:
        version = session.scalar(select(PostVersion))
        assert version.text == "bad ? and \ufffd then call 06 12 34 56 78"
        assert version.alt_texts == ["alt \ufffd"]
