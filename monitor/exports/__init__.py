"""Exports of flagged posts: jsonl, csv, html, warc and notice.

Masked by default: no export holds a matched value in clear unless ``unmasked`` is given; then
the file is created owner-only (0600) and the export is logged as an event. WARC holds the raw
captures (which carry the data in clear), so it is only written with ``unmasked``.

Every export streams posts a batch at a time (memory stays flat), is written to a temporary
file beside the target and renamed when complete, and gets a ``PATH.sha256`` manifest.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine

from monitor import __version__
from monitor.review import findings_of, iso
from storage.review import FlaggedFilter, FlaggedPost, iter_flagged, record_event

FORMATS = ("jsonl", "csv", "html", "warc", "notice")
TOOL = "doxxing-monitor"


class ExportRefused(ValueError):
    """The export cannot be written as asked (e.g. WARC without ``--unmasked``)."""


@dataclass
class ExportRequest:
    """What to export and how."""

    format: str
    path: Path
    criteria: FlaggedFilter = field(default_factory=FlaggedFilter)
    unmasked: bool = False
    actor: str = "unknown"
    notifier_name: str = ""
    notifier_email: str = ""
    batch_size: int = 500

    def scope(self) -> str:
        """A human description of the selection."""
        c = self.criteria
        parts = []
        if c.case_id is not None:
            parts.append(f"case {c.case_id}")
        if c.account_url:
            parts.append(f"account {c.account_url}")
        if c.platform:
            parts.append(f"platform {c.platform}")
        if c.status:
            parts.append(f"status {c.status}")
        if c.kind:
            parts.append(f"kind {c.kind}")
        if c.since is not None:
            parts.append(f"since {iso(c.since)}")
        return ", ".join(parts) or "all flagged posts"


@dataclass
class ExportResult:
    """What was written."""

    path: Path
    posts: int
    sha256: str
    manifest: Path


def posts_of(engine: Engine, request: ExportRequest) -> Iterator[FlaggedPost]:
    """The selected posts, streamed."""
    return iter_flagged(engine, request.criteria, batch_size=request.batch_size)


def post_record(post: FlaggedPost, unmasked: bool = False) -> dict[str, Any]:
    """The jsonl/csv record of one post (masked unless ``unmasked``)."""
    return {
        "platform": post.platform,
        "account_url": post.account_url,
        "post_id": post.post_id,
        "url": post.url,
        "posted_at": iso(post.posted_at),
        "first_seen_at": iso(post.first_seen_at),
        "last_seen_at": iso(post.last_seen_at),
        "captured_at": iso(post.evidence_captured_at or post.captured_at),
        "status": post.status,
        "severity": post.severity,
        "kinds": post.kinds,
        "findings": findings_of(post, unmasked),
        "evidence_sha256": post.evidence_sha256,
    }


@contextmanager
def output_file(path: Path, unmasked: bool, binary: bool = False) -> Iterator[IO[Any]]:
    """A temporary file beside ``path`` (0600 when unmasked), renamed onto it when complete."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        os.fchmod(fd, 0o600 if unmasked else 0o644 & ~_umask())
        mode = "wb" if binary else "w"
        kwargs: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_manifest(path: Path, unmasked: bool) -> tuple[str, Path]:
    """``PATH.sha256`` in ``sha256sum`` format; returns (digest, manifest path)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    manifest = Path(f"{path}.sha256")
    with output_file(manifest, unmasked) as handle:
        handle.write(f"{digest.hexdigest()}  {Path(path).name}\n")
    return digest.hexdigest(), manifest


def run_export(engine: Engine, request: ExportRequest) -> ExportResult:
    """Write the export; log it as an event when it holds values in clear."""
    if request.format not in FORMATS:
        raise ExportRefused(f"unknown format {request.format!r}")
    if request.format == "warc" and not request.unmasked:
        raise ExportRefused(
            "a WARC holds the raw captures, with the personal data in clear: "
            "add --unmasked to write it (owner-only file, logged)"
        )
    writer = _writers()[request.format]
    count = writer(engine, request)
    digest, manifest = write_manifest(request.path, request.unmasked)
    if request.unmasked:
        with engine.begin() as connection:
            record_event(
                connection,
                action="export_unmasked",
                actor=request.actor,
                case_id=request.criteria.case_id,
                details={
                    "format": request.format,
                    "path": str(Path(request.path).resolve()),
                    "posts": count,
                    "scope": request.scope(),
                    "sha256": digest,
                },
            )
    return ExportResult(Path(request.path), count, digest, manifest)


def _writers() -> dict[str, Callable[[Engine, ExportRequest], int]]:
    from monitor.exports import csv_export, html_report, jsonl, notice, warc

    return {
        "jsonl": jsonl.write,
        "csv": csv_export.write,
        "html": html_report.write,
        "warc": warc.write,
        "notice": notice.write,
    }


def tool_info() -> dict[str, str]:
    """Who made the export."""
    return {"tool": TOOL, "version": __version__}
