"""The digit-run lower bound that lets the national ID pass skip rows cheaply is sound."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.pii.recognizers.national_ids import SCHEMES
from pipelines.pii.shape import min_digit_run

_RUN = re.compile(r"\d+")


def test_min_digit_run_examples() -> None:
    assert min_digit_run(r"\d{6}-?[1-8]\d{6}") == 7
    assert min_digit_run(r"\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11}") == 3
    assert min_digit_run(r"(?:\d{2})?\d{6}[-+]\d{4}") == 6
    assert min_digit_run(r"[A-Z]{4}\d{6}[HM]") == 6
    assert min_digit_run(r"[a-z]+") == 0


@pytest.mark.parametrize("spec", SCHEMES, ids=lambda s: s.scheme)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_min_digit_run_is_a_lower_bound(spec, data) -> None:  # type: ignore[no-untyped-def]
    text = data.draw(st.from_regex(re.compile(spec.pattern), fullmatch=True))
    assert max(map(len, _RUN.findall(text)), default=0) >= min_digit_run(spec.pattern)


def _row_by_row(text: str) -> list[tuple[str, int, int, float]]:
    from pipelines.pii.recognizers.national_ids import StdnumIdRecognizer
    from pipelines.pii.text import Doc

    doc = Doc(text)
    return [
        (c.scheme, c.start, c.end, c.score)
        for row in (StdnumIdRecognizer(s) for s in SCHEMES)
        if row.applies(doc)
        for c in row.analyze(doc)
    ]


def _one_pass(text: str) -> list[tuple[str, int, int, float]]:
    from pipelines.pii.recognizers.national_ids import StdnumIdsRecognizer
    from pipelines.pii.text import Doc

    doc = Doc(text)
    rec = StdnumIdsRecognizer()
    if not rec.applies(doc):
        return []
    return [(c.scheme, c.start, c.end, c.score) for c in rec.analyze(doc)]


def test_one_pass_equals_row_by_row_on_corpus() -> None:
    from tests.pii.corpus import generate

    for post in generate(400, seed=3):
        assert _one_pass(post.text) == _row_by_row(post.text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 -./+AXYZKHMabc", max_size=120))
def test_one_pass_equals_row_by_row_fuzz(text: str) -> None:
    text = "personnummer pesel cpf id number " + text
    assert _one_pass(text) == _row_by_row(text)
