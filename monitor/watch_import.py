"""Read a watchlist file (CSV with ``url,platform,label,every`` or a YAML list of the same keys)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import yaml

from monitor.intervals import parse_interval
from monitor.urls import recognise
from storage.watchlist import NewAccount

DEFAULT_INTERVAL = "6h"
KEYS = ("url", "platform", "label", "every")


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be imported, with its line number and the reason."""

    line: int
    reason: str


class UnreadableFile(Exception):
    """The file cannot be read or parsed at all."""


def account_from_fields(url: str, platform: str | None, label: str, every: str) -> NewAccount:
    """Recognise one account from its fields; ValueError (or UnknownURL) says what is wrong."""
    ref = recognise(url, platform or None)
    seconds = parse_interval(every or DEFAULT_INTERVAL)
    return NewAccount(ref.platform, ref.url, ref.handle, label or "", seconds)


def _csv_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "url" not in [f.strip() for f in reader.fieldnames]:
        raise UnreadableFile("a CSV watchlist needs a header line: url,platform,label,every")
    rows = []
    for record in reader:
        clean = {(k or "").strip(): (v or "").strip() for k, v in record.items() if k}
        rows.append((reader.line_num, clean))
    return rows


def _yaml_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    try:
        document = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UnreadableFile(f"not valid YAML: {exc}".splitlines()[0]) from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise UnreadableFile("a YAML watchlist must be a list of entries with url, platform, ...")
    lines = [node.start_mark.line + 1 for node in document.value] if document else []
    rows = []
    for line, entry in zip(lines, data, strict=True):
        if not isinstance(entry, dict):
            rows.append((line, {"__error__": "entry is not a mapping with a url key"}))
            continue
        rows.append((line, {str(k): "" if v is None else str(v) for k, v in entry.items()}))
    return rows


def read_watchlist(path: Path) -> tuple[list[NewAccount], list[BadRow]]:
    """Parse a watchlist file into good accounts and bad rows (with line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"cannot read {path}: {exc}") from exc
    is_yaml = path.suffix.lower() in (".yaml", ".yml")
    rows = _yaml_rows(text) if is_yaml else _csv_rows(text)
    accounts: list[NewAccount] = []
    bad: list[BadRow] = []
    seen: set[str] = set()
    for line, row in rows:
        if "__error__" in row:
            bad.append(BadRow(line, row["__error__"]))
            continue
        unknown = sorted(set(row) - set(KEYS))
        if unknown:
            bad.append(BadRow(line, f"unknown column(s): {', '.join(unknown)}"))
            continue
        try:
            account = account_from_fields(
                row.get("url", ""),
                row.get("platform") or None,
                row.get("label", ""),
                row.get("every", ""),
            )
        except ValueError as exc:
            bad.append(BadRow(line, str(exc)))
            continue
        if account.url not in seen:
            seen.add(account.url)
            accounts.append(account)
    return accounts, bad
