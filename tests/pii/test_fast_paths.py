"""The engine's shortcuts give the same answers as the plain computations they replace."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.pii import text as text_mod
from pipelines.pii.masking import _MASKED, mask_keep
from pipelines.pii.recognizers import (
    address_de,
    address_en,
    address_es,
    address_fr,
    date_of_birth,
    email,
    fr_nir,
    hk_tw_gb,
    iban,
    passport,
    phone,
)
from pipelines.pii.recognizers.base import NEGATIVE_WORDS
from pipelines.pii.text import Doc, find_word

# Texts built from pieces that make the patterns and context words fire.
_PIECES = [
    " ", "-", ".", "/", "(", ")", "+", ",", "\n", "0", "1", "2", "7", "9", "00", "1234",
    "A", "B", "Z", "GB", "FR76", "AB", "X", "x", "tel", "phone", "order", "ref", "born",
    "hotel", "Street", "St", "Ave", "rue", "Straße", "calle", "avda.", "am ", "@", "a.b",
    "example.org", "www.", "http://", "身份证", "电话", "號", "ID",
]  # fmt: skip
texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


def _mask_keep_reference(raw: str, keep_start: int = 2, keep_end: int = 2) -> str:
    n = len(_MASKED.findall(raw))
    if n <= keep_start + keep_end:
        keep_start, keep_end = (0, 1) if n > 2 else (0, 0)
    head = 0
    if keep_start:
        found = _MASKED.finditer(raw)
        for _ in range(keep_start):
            head = next(found).end()
    tail = len(raw)
    if keep_end:
        found = _MASKED.finditer(raw[::-1])
        for _ in range(keep_end):
            tail = len(raw) - next(found).end()
    return raw[:head] + _MASKED.sub("*", raw[head:tail]) + raw[tail:]


_KEEPS = st.sampled_from([(2, 2), (0, 4), (3, 0), (0, 0), (0, 2)])


@settings(max_examples=300, deadline=None)
@given(raw=st.text(alphabet="ab1_- .中５Ⅻ", max_size=14), keep=_KEEPS)
def test_mask_keep_matches_reference(raw: str, keep: tuple[int, int]) -> None:
    assert mask_keep(raw, *keep) == _mask_keep_reference(raw, *keep)


@contextmanager
def _fresh_word_search() -> Iterator[None]:
    """A word search that has seen no list yet (lists then join one by one, mid-document)."""
    saved = text_mod._WORDS
    text_mod._WORDS = text_mod._WordSearch()
    try:
        yield
    finally:
        text_mod._WORDS = saved


@pytest.mark.parametrize("fresh", [True, False])
@settings(max_examples=200, deadline=None)
@given(text=texts, data=st.data())
def test_shared_word_pass_equals_window_scan(fresh: bool, text: str, data) -> None:  # type: ignore[no-untyped-def]
    with _fresh_word_search() if fresh else nullcontext():
        doc = Doc(text)
        lists = (NEGATIVE_WORDS, phone.CONTEXT, date_of_birth.CONTEXT, ("tel", "hotel", "el"))
        for words in lists:
            lo = data.draw(st.integers(-3, len(text) + 2))
            hi = data.draw(st.integers(lo, len(text) + 5))
            want = find_word(doc.lower[max(0, lo) : max(0, min(hi, len(text)))], words)
            assert doc.find_word(lo, hi, words) == want, (words[:3], lo, hi)


_ORIGINAL_PATTERNS = {
    "hkid": (
        hk_tw_gb.HKID,
        r"(?:(?<![0-9A-Za-z])|(?<=HKID))([A-Z]{1,2})(\d{6}) ?(?:[(（]([0-9A])[)）]|([0-9A]))"
        r"(?![0-9A-Za-z])",
    ),
    "tw": (hk_tw_gb.TW, r"(?<![0-9A-Za-z])([A-Z])([1289])(\d{8})(?![0-9A-Za-z])"),
    "nino": (
        hk_tw_gb.NINO,
        r"(?<![0-9A-Za-z])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?"
        r"([A-D])(?![0-9A-Za-z])",
    ),
    "iban": (iban.PATTERN, r"(?<![0-9A-Za-z])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,32}(?![0-9a-z])"),
    "phone": (phone._CANDIDATE, phone._CANDIDATE.pattern.removeprefix("(?=[+(\\d])")),
}
_ID_PIECES = [
    "A", "B", "Z", "E", "G", "1", "2", "8", "0", "123456", "12345678", " ", "(", ")", "-", "+",
    "a", "x",
]  # fmt: skip
_ID_TEXTS = st.lists(st.sampled_from(_ID_PIECES), max_size=30).map("".join)


@pytest.mark.parametrize("name", sorted(_ORIGINAL_PATTERNS))
@settings(max_examples=300, deadline=None)
@given(text=_ID_TEXTS)
def test_rewritten_patterns_find_the_same_matches(name: str, text: str) -> None:
    fast, original = _ORIGINAL_PATTERNS[name]
    want = [(m.span(), m.groups()) for m in re.finditer(original, text)]
    assert [(m.span(), m.groups()) for m in fast.finditer(text)] == want


# The date pattern as it was before its digit-led forms shared one guard.
_M, _NB, _NA = date_of_birth._M, date_of_birth._NB, date_of_birth._NA
_PLAIN_DATES = re.compile(
    rf"{_NB}(?:(?P<zy>\d{{4}})|(?P<zsy>\d{{2}})) ?[年년] ?(?P<zm>\d{{1,2}}) ?[月월] ?"
    rf"(?P<zd>\d{{1,2}}) ?[日号일]?"
    rf"|{_NB}(?P<iy>\d{{4}})(?P<isep>[-/.])(?P<im>\d{{1,2}})(?P=isep)(?P<id>\d{{1,2}}){_NA}"
    rf"|{_NB}(?P<na>\d{{1,2}})(?P<nsep>[-/.])(?P<nb>\d{{1,2}})(?P=nsep)"
    rf"(?:(?P<ny>\d{{4}})|(?P<sy>\d{{2}})){_NA}"
    rf"|{_NB}(?P<dd>\d{{1,2}})(?:st|nd|rd|th|er|\.)?[ -]?(?:of |de )?(?P<dm>{_M})\.?,?[ -]?"
    rf"(?:de |del )?(?:(?P<dy>\d{{4}})|(?P<dsy>\d{{2}})(?![.,:/]\d)){_NA}"
    rf"|(?<![A-Za-z])(?P<mm>{_M})\.? (?P<md>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<my>\d{{4}}){_NA}"
    rf"|{_NB}(?P<cy>(?:19|20)\d{{2}})(?P<cm>[01]\d)(?P<cd>[0-3]\d){_NA}",
    re.IGNORECASE,
)
_DATE_PIECES = [
    " ", "-", ".", "/", ",", "1", "3", "9", "12", "05", "1990", "2024", "19900512", "年", "月",
    "日", "st", "of ", "de ", "del ", "March", "Mär", "janvier", "a", "x", "é", "Ab",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(_DATE_PIECES), max_size=24).map("".join))
def test_guarded_date_pattern_finds_the_same_dates(text: str) -> None:
    def found(pattern: re.Pattern[str]) -> list[object]:
        return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]

    assert found(date_of_birth.PATTERN) == found(_PLAIN_DATES)


_GATED = [
    hk_tw_gb.HongKongIdRecognizer(),
    hk_tw_gb.TaiwanIdRecognizer(),
    hk_tw_gb.UkNinoRecognizer(),
    fr_nir.FranceNirRecognizer(),
    email.EmailRecognizer(),
    iban.IbanRecognizer(),
    address_en.EnglishAddressRecognizer(),
    address_fr.FrenchAddressRecognizer(),
    address_de.GermanAddressRecognizer(),
    address_es.SpanishAddressRecognizer(),
]
_GATE_PIECES = [
    "A", "1", " ", ",", "\n", "x", "12 Main Street", "5 rue de la Paix", "Hauptstraße 5",
    "Calle Mayor 3", "Avda. Sol 4", "Am Markt 3", "1 84 12 76 451 089 46", "a@b.org",
    "GB82 WEST 1234 5698 7654 32", "AB 12 34 56 C", "A123456(3)", "A123456789", "St.", "Ave",
]  # fmt: skip
_GATE_TEXTS = st.lists(st.sampled_from(_GATE_PIECES), max_size=12).map("".join)


@pytest.mark.parametrize("rec", _GATED, ids=lambda r: r.scheme)
@settings(max_examples=200, deadline=None)
@given(text=_GATE_TEXTS)
def test_gates_never_hide_a_match(rec, text: str) -> None:  # type: ignore[no-untyped-def]
    """A recognizer skipped by its gates has no pattern match (beyond the old digit count)."""
    doc = Doc(text)
    if rec.applies(doc) or doc.digit_count < rec.min_digits:
        return
    pattern = iban.PATTERN if isinstance(rec, iban.IbanRecognizer) else rec.pattern
    assert pattern.search(doc.folded) is None


@settings(max_examples=300, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=1, max_size=18))
def test_plausible_length_bounds_change_nothing(digits: str) -> None:
    for region in ("US", "GB", "FR", "DE", "CN", "HK", "JP", "KR", "AU", "ES"):
        pattern, prefix = phone._national_pattern(region)
        assert pattern is not None
        want = bool(pattern.fullmatch(digits))
        if not want and prefix is not None:
            m = prefix.match(digits)
            want = bool(m) and m.end() > 0 and bool(pattern.fullmatch(digits[m.end() :]))
        assert phone.plausible(digits, region) == want


def test_context_gates_equal_substring_checks() -> None:
    for words in (date_of_birth.CONTEXT, passport.CONTEXT):
        for low in ("", "born", "a dob b", "naissance", "née", "passeport", "reisepass x", "x"):
            assert Doc(low).has_words(words) == any(w in low for w in words)


_WORD_GATED = [
    address_en.EnglishAddressRecognizer,
    address_en.PostBoxAddressRecognizer,
    address_en.LowercaseUsAddressRecognizer,
    address_fr.FrenchAddressRecognizer,
    address_de.GermanAddressRecognizer,
    address_es.SpanishAddressRecognizer,
]
_WORD_GATE_PIECES = [
    *_GATE_PIECES, "box 4", "PO Box", "apo ae 0", "Postfach 1", "BP 12", "b.p. 3", "b p 7",
    "main st, ", "elm ave. ", "Calle", "c/ Luna 5", "avda. 3", "am ", "an der ", "str. 9",
    "Marktplatz", "markt 1", "allée ", "Allee", "av. ", "bd ", "Rd", "Dr.", "Strasse 4", "é",
]  # fmt: skip


@pytest.mark.parametrize("rec", _WORD_GATED, ids=lambda r: r.__name__)
@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_WORD_GATE_PIECES), max_size=10).map("".join))
def test_word_gates_equal_their_pattern_searched_everywhere(rec, text: str) -> None:  # type: ignore[no-untyped-def]
    gate = rec.word_gate
    doc = Doc(text)
    assert gate.passes(doc) == (
        gate.pattern.search(doc.folded if gate.folded else doc.lower) is not None
    )


def test_iban_mod97_by_length_is_the_plain_checksum() -> None:
    """The one-pass MOD 97-10 of every prefix equals the checksum computed on its own."""
    import random
    import string

    from stdnum.iso7064 import mod_97_10

    from pipelines.pii.recognizers.iban import mod97_by_length

    rng = random.Random(5)
    letters, alnum = string.ascii_uppercase, string.ascii_uppercase + string.digits
    for _ in range(500):
        compact = (
            "".join(rng.choice(letters) for _ in range(2))
            + "".join(rng.choice(string.digits) for _ in range(2))
            + "".join(rng.choice(alnum) for _ in range(rng.randint(11, 30)))
        )
        mods = mod97_by_length(compact)
        for length in range(15, len(compact) + 1):
            value = compact[:length]
            rearranged = "".join(str(int(ch, 36)) for ch in value[4:] + value[:4])
            assert mods[length] == mod_97_10.checksum(rearranged)
