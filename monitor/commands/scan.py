"""``monitor scan``: detect personal data in JSON Lines or plain text."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any, BinaryIO

import click

from pipelines.pii import DEFAULT_MIN_SCORE, KINDS, Engine, Finding


def _parse_kinds(value: str | None) -> list[str] | None:
    if not value:
        return None
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise click.BadParameter(
            f"unknown kind(s): {', '.join(bad)} (choose from {', '.join(KINDS)})",
            param_hint="--kinds",
        )
    return kinds


def _finding_json(f: Finding, text: str, unmasked: bool) -> dict[str, Any]:
    return f.to_dict(unmasked=unmasked, text=text)


def record_hints(record: dict[str, Any]) -> list[str] | None:
    """The hints of a scan input record: its ``language``, ``lang``, ``locale`` and
    ``country`` keys."""
    keys = ("language", "lang", "locale", "country")
    hints = [record[k] for k in keys if isinstance(record.get(k), str)]
    return hints or None


def _scan_lines(engine: Engine, stream: BinaryIO, unmasked: bool) -> int:
    bad = 0
    for lineno, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad += 1
            click.echo(f"line {lineno}: invalid UTF-8 ({exc.reason} at byte {exc.start})", err=True)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            bad += 1
            click.echo(f"line {lineno}: malformed JSON ({exc.msg})", err=True)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            bad += 1
            click.echo(f'line {lineno}: expected an object with a string "text"', err=True)
            continue
        text = record["text"]
        findings = engine.scan(text, hints=record_hints(record))
        result = {k: v for k, v in record.items() if k != "text"}
        result["id"] = record.get("id")
        result["findings"] = [_finding_json(f, text, unmasked) for f in findings]
        click.echo(json.dumps(result, ensure_ascii=False))
    return bad


def _print_text(findings: Iterable[Finding], text: str, unmasked: bool) -> None:
    found = False
    for f in findings:
        found = True
        shown = text[f.start : f.end] if unmasked else f.masked
        shown = shown.replace("\n", " ")
        click.echo(
            f"{f.kind:<14} {f.country or '-':<3} {f.score:.2f}  {shown}  [{f.start}:{f.end}]"
            f"  {f.scheme}"
        )
    if not found:
        click.echo("no personal data found")


@click.command("scan")
@click.argument("source", required=False, default="-", metavar="[FILE|-]")
@click.option(
    "--text", "text", default=None, help="Scan this plain text and print a readable list."
)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=DEFAULT_MIN_SCORE,
    show_default=True,
    help="Only report findings scored at least this.",
)
@click.option(
    "--kinds", default=None, help=f"Comma-separated kinds to report ({', '.join(KINDS)})."
)
@click.option("--unmasked", is_flag=True, help="Show the matched text instead of masked values.")
@click.option("--lang", default=None, help="Language/country hint, e.g. zh, fr-FR, en-GB.")
def scan(
    source: str,
    text: str | None,
    min_score: float,
    kinds: str | None,
    unmasked: bool,
    lang: str | None,
) -> None:
    """Detect personal data (IDs, passports, birth dates, addresses, phones, e-mails, cards,
    IBANs).

    Reads JSON Lines from FILE or stdin ({"id": ..., "text": ...} per line; other keys are
    passed through) and writes one line per input: {"id": ..., "findings": [...]}. Malformed
    lines are reported on stderr with their line number and skipped; the exit status is 1 if
    any line was bad. With --text, scans that text and prints a readable list. Values are
    masked unless --unmasked is given.
    """
    from monitor.secret_key import load_secret_key

    engine = Engine(load_secret_key(), kinds=_parse_kinds(kinds), min_score=min_score)
    if text is not None:
        _print_text(engine.scan(text, hints=lang), text, unmasked)
        return
    if source == "-":
        stream: BinaryIO = sys.stdin.buffer
        bad = _scan_lines(engine, stream, unmasked)
    else:
        try:
            fh = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise click.FileError(source, hint=exc.strerror) from exc
        with fh:
            bad = _scan_lines(engine, fh, unmasked)
    if bad:
        click.echo(f"{bad} bad line(s) skipped", err=True)
        sys.exit(1)
