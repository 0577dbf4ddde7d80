"""Pasted tables: a column header is the context of the cells under it."""

from __future__ import annotations

import time

import pytest

from pipelines.pii import Engine
from pipelines.pii.tables import column_cells, split_cells

ENGINE = Engine(b"test-key")


def headers(text: str) -> list[tuple[str, str]]:
    return [(text[c0:c1], text[h0:h1]) for c0, c1, h0, h1 in column_cells(text)]


def test_split_cells_honours_quotes_and_strips() -> None:
    line = 'Shannon Hoffman, "December 7, 1981" ,856428692'
    assert [line[a:b] for a, b in split_cells(line, 0, ",")] == [
        "Shannon Hoffman",
        "December 7, 1981",
        "856428692",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Name\tDOB\nAnn\t1990-01-02", [("Ann", "Name"), ("1990-01-02", "DOB")]),
        (
            "| Name | PESEL |\n|---|---|\n| Jan | 84012040476 |",
            [("", ""), ("Jan", "Name"), ("84012040476", "PESEL"), ("", "")],
        ),
        ("Name;Tel\nAnn;0612345678\n\nBob;0698765432", [("Ann", "Name"), ("0612345678", "Tel")]),
        ("Name,Tel\nAnn,0612345678,extra", []),  # a row of another width ends the table
        ("id,2024\nAnn,0612345678", []),  # a header holds no digits
        # a row may leave out its last, empty cell
        ("Name,Tel,Note\nAnn,0612345678", [("Ann", "Name"), ("0612345678", "Tel")]),
        ("one line, no table", []),
    ],
)
def test_column_cells(text: str, expected: list[tuple[str, str]]) -> None:
    assert headers(text) == expected


@pytest.mark.parametrize(
    ("text", "hints", "expected"),
    [
        (
            "Nom,Passeport,Né(e) le\nGilles Fabre,67UN96324,15 mai 1969\n"
            "Gérard Reynaud,42PF16016,10 décembre 1969",
            "fr",
            [
                ("passport", "67UN96324"),
                ("date_of_birth", "15 mai 1969"),
                ("passport", "42PF16016"),
                ("date_of_birth", "10 décembre 1969"),
            ],
        ),
        (
            "Name\tSSN\tDOB\nShannon Hoffman\t504922744\t12/07/1981",
            "en-US",
            [("national_id", "504922744"), ("date_of_birth", "12/07/1981")],
        ),
        ("Name,Meeting\nBob,12/07/2020", "en", []),  # no birth word over the date
        ("Name,Passport\nBob,67UN96324", "en", [("passport", "67UN96324")]),
        (  # a cell's context is its header, not the next column's header above it
            "Name | Passport | Phone\nKendra Jones | 143849155 | 551.673.9646",
            "en",
            [("passport", "143849155"), ("phone", "551.673.9646")],
        ),
    ],
)
def test_header_is_context(text: str, hints: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.kind, text[f.start : f.end]) for f in ENGINE.scan(text, hints=hints)] == expected


@pytest.mark.parametrize(
    ("text", "hints", "expected"),
    [
        # the keys of pasted records are labels: snake_case and camelCase
        (
            '{"name": "Jessica Gay", "id_no": "161 964 630"}',
            "en-CA",
            [("national_id", "161 964 630")],
        ),
        (
            '{"date_of_birth": "12/03/1985", "phone_number": "6316425339"}',
            "en",
            [("date_of_birth", "12/03/1985"), ("phone", "6316425339")],
        ),
        (
            '{"dateOfBirth": "1985-03-12", "passportNumber": "123456789"}',
            "en",
            [("date_of_birth", "1985-03-12"), ("passport", "123456789")],
        ),
    ],
)
def test_record_keys_are_context(text: str, hints: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.kind, text[f.start : f.end]) for f in ENGINE.scan(text, hints=hints)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Name,Passport\n" + "Bob,67UN96324\n" * 70_000,  # one 1 MB table
        "a,b\n" * 250_000,  # tables everywhere
        "a\tb\n1\t2\t3\n" * 100_000,  # headers without a table
        '"' * 1_000_000 + "\n,",
        "|-|\n" * 250_000,  # rule lines are never headers (each re-scanned all below it)
        "|\n" * 500_000,
    ],
)
def test_tables_scan_in_linear_time(text: str) -> None:
    start = time.perf_counter()
    column_cells(text)
    assert time.perf_counter() - start < 5.0
