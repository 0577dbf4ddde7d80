"""The second reading of texts written to dodge filters."""

from __future__ import annotations

import time

import pytest

from pipelines.pii import Engine
from pipelines.pii.squeeze import squeeze

ENGINE = Engine(b"test-key")


@pytest.mark.parametrize(
    ("text", "squeezed"),
    [
        ("DNI 7 1 6 0 0 3 0 6 H, vive", "DNI 71600306H, vive"),
        ("2861❤️9137❤️8021", "286191378021"),
        ("98625766❤️H", "98625766H"),
        ("a b c d e f g h", None),  # letters only: nothing to read
        ("scores 1 2 3", None),  # too short a run
        ("I ❤️ 2 cats", None),
        ("Tel 133\n1206 5906", "Tel 133 1206 5906"),  # a number broken over two lines
        ("Tel:\r\n0612", None),  # a label, not a digit, before the line break
        ("Numbers drawn\n06\n12\n34", None),  # lines of digits alone: a list
    ],
)
def test_squeeze(text: str, squeezed: str | None) -> None:
    found = squeeze(text)
    assert (found.text if found else None) == squeezed


def test_squeezed_spans_map_back() -> None:
    text = "DNI 7 1 6 0 0 3 0 6 H, vive"
    found = squeeze(text)
    assert found is not None
    start = found.text.index("71600306H")
    assert found.original(start, start + 9) == (4, 21)
    assert text[4:21] == "7 1 6 0 0 3 0 6 H"


@pytest.mark.parametrize(
    ("text", "hints", "expected"),
    [
        ("DNI 7 1 6 0 0 3 0 6 H, vive", "es", ("national_id", "7 1 6 0 0 3 0 6 H", "71600306H")),
        (
            "Card he used: 3 7 4 8 9 7 7 7 2 0 9 5 3 2 6.",
            "en",
            ("payment_card", "3 7 4 8 9 7 7 7 2 0 9 5 3 2 6", "374897772095326"),
        ),
        (
            "IBAN: E S 9 2 7 8 9 6 6 6 1 1 6 5 4 5 6 8 6 3 0 7 0 8",
            "es",
            ("iban", "E S 9 2 7 8 9 6 6 6 1 1 6 5 4 5 6 8 6 3 0 7 0 8", "ES9278966611654568630708"),
        ),
        ("🪪 2861❤️9137❤️8021", "en-IN", ("national_id", "2861❤️9137❤️8021", "286191378021")),
        ("联系方式 133\n1206 5906 谢谢", "zh", ("phone", "133\n1206 5906", "+8613312065906")),
        (
            "身份证号码：5101 0719\n9106 1326 01，手机",
            "zh",
            ("national_id", "5101 0719\n9106 1326 01", "510107199106132601"),
        ),
    ],
)
def test_dodged_numbers_are_found_with_original_offsets(
    text: str, hints: str, expected: tuple[str, str, str]
) -> None:
    [finding] = ENGINE.scan(text, hints=hints)
    assert (finding.kind, text[finding.start : finding.end], finding.value) == expected


def test_squeeze_is_linear() -> None:
    text = "1 " * 500_000 + "x" + "1❤️" * 100_000
    start = time.perf_counter()
    assert squeeze(text) is not None
    assert time.perf_counter() - start < 5.0


def test_two_numbers_on_two_lines_stay_two() -> None:
    """The plain reading wins a tie: a list of phone numbers is not one long number."""
    text = "0612345678\n0698765432"
    found = [text[f.start : f.end] for f in ENGINE.scan(text, hints="fr")]
    assert found == ["0612345678", "0698765432"]
