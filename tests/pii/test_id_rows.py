"""Every python-stdnum row of the national ID table, on valid numbers from the module's own
documentation (plus a few written here): found with the row's context, not found once a
digit is wrong, and not found without context where the row needs it."""

from __future__ import annotations

import importlib
import re

import pytest

from pipelines.pii import Engine
from pipelines.pii.recognizers.national_ids import SCHEMES, Scheme

ENGINE = Engine(b"test-key")

# Valid personal numbers for rows whose module documents none of the accepted shape.
EXTRA = {
    "kr_rrn": ["900101-1000006", "9001011000006"],
    "cl_rut": ["12.531.909-2", "12531909-2"],
    "hr_oib": ["12345678903"],
    "pt_nif": ["123456789", "501 964 843"],
    "it_codice_fiscale": ["RCCMNL 83S18 D969H", "rccmnl83s18d969h"],  # spaced, lower case
    "es_dni": ["54.362.315-K"],
    "nl_bsn": ["111 222 333"],
}
NO_CHECK_DIGIT = {"ar_dni", "in_pan"}
_DOC_EXAMPLE = re.compile(r">>> (?:validate|is_valid|compact|format)\('([^']+)'\)")


def examples(row: Scheme) -> list[str]:
    """Valid numbers of the row's accepted shape."""
    module = importlib.import_module(f"stdnum.{row.module}")
    documented = [m.group(1) for m in _DOC_EXAMPLE.finditer(module.__doc__ or "")]
    found: list[str] = []
    for value in [*EXTRA.get(row.scheme, []), *documented]:
        if value not in found and re.fullmatch(row.pattern, value) and module.is_valid(value):
            found.append(value)
    return found


def wrong_digit(row: Scheme, value: str) -> str | None:
    """``value`` with one digit changed so that the module rejects it."""
    module = importlib.import_module(f"stdnum.{row.module}")
    for i in reversed(range(len(value))):
        if value[i].isdigit():
            for d in "0123456789":
                other = value[:i] + d + value[i + 1 :]
                if d != value[i] and not module.is_valid(other):
                    return other
    return None


def found(text: str, scheme: str) -> list[str]:
    return [text[f.start : f.end] for f in ENGINE.scan(text) if f.scheme == scheme]


CASES = [(row, value) for row in SCHEMES for value in examples(row)]


@pytest.mark.parametrize("row", SCHEMES, ids=lambda r: f"{r.scheme}:{r.pattern}")
def test_every_row_has_a_valid_example(row: Scheme) -> None:
    assert examples(row)


@pytest.mark.parametrize(("row", "value"), CASES, ids=lambda x: getattr(x, "scheme", x))
def test_valid_number_with_context_is_found(row: Scheme, value: str) -> None:
    text = f"Leaked, {row.context[0]}: {value} (see above)"
    assert found(text, row.scheme) == [value]


@pytest.mark.parametrize(
    ("row", "value", "other"),
    [(row, value, wrong_digit(row, value)) for row, value in CASES],
    ids=lambda x: getattr(x, "scheme", x),
)
def test_wrong_check_digit_is_not_found(row: Scheme, value: str, other: str | None) -> None:
    if other is None:  # no check digit to get wrong (Argentine DNI, Indian PAN)
        assert row.scheme in NO_CHECK_DIGIT
        return
    assert found(f"{row.context[0]}: {other}", row.scheme) == []


@pytest.mark.parametrize(
    ("row", "value"),
    [(row, value) for row, value in CASES if row.base < 0.5],
    ids=lambda x: getattr(x, "scheme", x),
)
def test_row_needing_context_is_quiet_without_it(row: Scheme, value: str) -> None:
    assert found(f"Leaked: {value} (see above)", row.scheme) == []
