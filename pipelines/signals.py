"""Signals the pipelines send."""

# Sent after a batch is committed, with ``rows``: the storage.posts.PostRow objects of the
# posts that this batch flagged for the first time.
posts_flagged = object()
