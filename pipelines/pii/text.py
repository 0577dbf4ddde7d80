"""The scanned document: width-folded text with identical offsets, plus shared helpers.

Folding maps full-width ASCII variants (``１１０１``, ``－``, ``：``), the ideographic space
and the usual dash look-alikes to plain ASCII *one character for one character*, so every
offset found in the folded text is an offset into the original text. Invisible characters,
and a pictograph between two digits, become spaces; ``ー`` next to a digit becomes ``-``.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import ahocorasick

from pipelines.pii.tables import column_cells

_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2007: 0x20, 0x202F: 0x20, 0x2009: 0x20})
for _cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE63):
    _FOLD[_cp] = 0x2D  # dashes -> "-"
# Invisible characters slipped between digits to dodge filters (138\u200b1234\u200b5678):
# a space, so the groups read as groups.
for _cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD):
    _FOLD[_cp] = 0x20
_FOLD[0x00B7] = 0x2E  # middle dot
del _FOLD[0xFF5E]  # keep the full-width tilde (used as "to" in ranges)


_FOLDABLE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_FOLD)) + "ー。]")
# The katakana long-vowel mark is a dash only next to a digit (０９０ー１２３４ー５６７８);
# inside a word (マイナンバー, also right before a number: マイナンバー383...) it stays. The
# ideographic full stop is a dot only between digits (after "luofang@example.org。" a
# sentence ends; the address does not go on).
_CHOON_DASH = re.compile(r"(?<=\d)ー|(?<![\u3040-\u30ff])ー(?=\d)")  # (マイナンバー383...)
_IDEOGRAPHIC_DOT = re.compile(r"(?<=\d)。(?=\d)")


# A pictograph between two digits separates digit groups (353👉203👉4603).
_EMOJI_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\u2600-\u27bf\U0001f300-\U0001faff](?=\d)")
_EMOJI = re.compile(r"[\u2600-\u27bf\U0001f300-\U0001faff]")


def fold(text: str) -> str:
    """Width-fold ``text`` without changing its length."""
    if text.isascii():
        return text
    if _FOLDABLE.search(text) is not None:
        text = text.translate(_FOLD)  # (a dict lookup per character: only when needed)
        if "ー" in text:
            text = _CHOON_DASH.sub("-", text)
        if "。" in text:
            text = _IDEOGRAPHIC_DOT.sub(".", text)
    if _EMOJI.search(text) is not None:
        text = _EMOJI_BETWEEN_DIGITS.sub(" ", text)
    return text


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# Groups of digits joined by single separators; an optional trailing check letter X.
# Bounded repetitions, disjoint classes: linear time.
_NUM_CHUNK = re.compile(
    r"\d(?<![0-9A-Za-z]\d)\d{0,19}(?:[-. /]\d{1,20}){0,7}(?:-?[Xx])?(?![0-9A-Za-z])"
)
_DROP_SEPARATORS = str.maketrans("", "", "-. /")
# (a number glued to a word is a name's part, not a run's: "@miguel69 6011 0315 ..."; a run
# of more than 63 digits before a chunk is not seen as one either, by the 64-character window)
_RUN_BEFORE = re.compile(r"(?<![^\W_])\d+[-. /]$")
_RUN_AFTER = re.compile(r"[-. /]\d")
_GROUP = re.compile(r"\d{1,20}|[Xx]")
# (A URL ends at a CJK character: "…?id=5～身份证号码是1201…" goes on in the text.)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'，。、）)\]\u3000-\u9fff\uff00-\uffef]{1,2000}", re.IGNORECASE
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_ASCII_WORD = re.compile(r"[a-z0-9]")
_DIGIT_RUN = re.compile(r"\d+")
# What may stand between a context word and the number it labels ("passport number: ").
LABEL_TAIL = re.compile(
    r"[\s:：#.\-]{0,3}(?:number|no\.?|nr\.?|n°|num[eé]ro|número|nummer|号码|號碼|号|番号)?[\s:：#.\-(（]{0,3}"
)
# The end of a sentence (not the dot of an abbreviation: St., Dr., b.).
SENTENCE_END = re.compile(r"(?:(?<![A-Z][a-z])(?<![\s.][A-Za-z])\.|[!?])(?:\s|$)|[。！？]")
_FIELD_SEPARATOR = re.compile(r"[\n|;；]| / ")

MAX_GROUPS = 7
MIN_SPAN = 8
MAX_SPAN = 20


class lazy:
    """A per-instance cached attribute, like ``functools.cached_property`` without its lock
    (Python 3.11 takes an RLock on every first access): the value is stored in the instance
    ``__dict__``, which later reads find before this non-data descriptor."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class Span:
    """A numeric candidate: a run of digit groups inside one chunk."""

    __slots__ = ("compact", "end", "groups", "raw", "start")

    def __init__(self, start: int, end: int, raw: str, compact: str, groups: int) -> None:
        self.start = start
        self.end = end
        self.raw = raw
        self.compact = compact
        self.groups = groups


class Doc:
    """A text being scanned, with lazily computed views shared by all recognizers."""

    def __init__(self, text: str, languages: Iterable[str] = (), countries: Iterable[str] = ()):
        self.text = text
        self.folded = fold(text)
        self.languages = {lang.lower() for lang in languages}
        self.countries = {c.upper() for c in countries}
        self._claims: list[tuple[int, int]] = []
        self.min_score = 0.0  # the engine's reporting threshold (lets recognizers skip work)
        self.cache: dict[Any, Any] = {}  # per-document memo shared by recognizers

    @lazy
    def lower(self) -> str:
        """The folded text in lower case, for context words; an underscore reads as a space,
        so the keys of pasted records (``date_of_birth``, ``id_no``) are words too."""
        return _lower_same_length(self.folded).replace("_", " ")

    @lazy
    def digit_count(self) -> int:
        return sum(map(self.folded.count, "0123456789"))

    @lazy
    def max_digit_run(self) -> int:
        """Length of the longest run of digits (``\\d``, any script)."""
        return max(map(len, _DIGIT_RUN.findall(self.folded)), default=0)

    @lazy
    def has_cjk(self) -> bool:
        """Whether any Han, kana or hangul character occurs (one pass decides all three
        flags below for the many texts without any)."""
        return self.folded.isascii() is False and _CJK.search(self.folded) is not None

    @lazy
    def has_han(self) -> bool:
        return self.has_cjk and _HAN.search(self.folded) is not None

    @lazy
    def has_kana(self) -> bool:
        return self.has_cjk and _KANA.search(self.folded) is not None

    @lazy
    def has_hangul(self) -> bool:
        return self.has_cjk and _HANGUL.search(self.folded) is not None

    @lazy
    def url_spans(self) -> list[tuple[int, int]]:
        if "://" not in self.folded and "www." not in self.lower:
            return []  # every URL match holds one of them
        return [m.span() for m in _URL.finditer(self.folded)]

    def has(self, pattern: re.Pattern[str]) -> bool:
        """Whether ``pattern`` occurs in :attr:`folded` (memoised per document, so recognizers
        sharing a cheap necessary-condition pattern search the text once)."""
        found = self.cache.get(pattern)
        if found is None:
            found = self.cache[pattern] = pattern.search(self.folded) is not None
        return found  # type: ignore[no-any-return]

    def in_url(self, start: int, end: int) -> bool:
        spans = self.url_spans
        i = bisect.bisect_right(spans, (start, len(self.text) + 1))
        return i > 0 and spans[i - 1][0] <= start and end <= spans[i - 1][1]

    @lazy
    def numeric_spans(self) -> dict[int, list[Span]]:
        """Runs of at most ``MAX_GROUPS`` consecutive digit groups, keyed by digit count.

        A run starts at the chunk start or after a space and ends at the chunk end or before
        a space, so ``123-45-6789`` is one run but never ``23-45-6789``. Only runs of
        ``MIN_SPAN``..``MAX_SPAN`` characters (compact) are kept.
        """
        out: dict[int, list[Span]] = {}
        folded = self.folded
        for m in _NUM_CHUNK.finditer(folded):
            cs, ce = m.span()
            if ce - cs < MIN_SPAN:
                continue  # too few characters to hold MIN_SPAN digits
            chunk = m.group()
            if chunk.isdigit():
                if MIN_SPAN <= len(chunk) <= MAX_SPAN:
                    out.setdefault(len(chunk), []).append(Span(cs, ce, chunk, chunk, 1))
                continue
            groups = [(g.start() + cs, g.end() + cs) for g in _GROUP.finditer(chunk)]
            n = len(groups)
            if _RUN_BEFORE.search(folded, max(0, cs - 64), cs) or _RUN_AFTER.match(folded, ce):
                # Part of a longer run of numbers (a table): each group on its own, the
                # last with its check letter ("43012119890120614X 13887527991").
                if folded[groups[-1][0]] in "Xx" and n > 1:
                    groups[-2:] = [(groups[-2][0], groups[-1][1])]
                for g0, g1 in groups:
                    raw = folded[g0:g1]
                    compact = raw.translate(_DROP_SEPARATORS)
                    if MIN_SPAN <= len(compact) <= MAX_SPAN:
                        out.setdefault(len(compact), []).append(Span(g0, g1, raw, compact, 1))
                continue
            for i in range(n):
                gs = groups[i][0]
                if (i and folded[gs - 1] != " ") or folded[gs] in "Xx":
                    continue
                size = 0
                for j in range(i, min(n, i + MAX_GROUPS)):
                    g0, ge = groups[j]
                    size += ge - g0
                    if size > MAX_SPAN:
                        break
                    if size < MIN_SPAN or (
                        j + 1 < n and (folded[ge] != " " or folded[groups[j + 1][0]] in "Xx")
                    ):
                        continue
                    raw = folded[gs:ge]
                    # the groups joined: raw holds only them and single separators
                    compact = raw.translate(_DROP_SEPARATORS)
                    out.setdefault(size, []).append(Span(gs, ge, raw, compact, j - i + 1))
        return out

    def claim(self, start: int, end: int) -> None:
        """Mark a span as a validated strong ID (phone candidates inside it are skipped)."""
        bisect.insort(self._claims, (start, end))

    def claimed(self, start: int, end: int) -> bool:
        if not self._claims:
            return False
        i = bisect.bisect_right(self._claims, (start, len(self.text) + 1))
        return any(s <= start and end <= e for s, e in self._claims[max(0, i - 3) : i])

    def _word_index(self, words: tuple[str, ...]) -> tuple[list[int], list[int], list[int]]:
        """Every occurrence (overlapping ones too) of ``words`` in :attr:`lower`, sorted by end:
        (ends, starts, flags) with flag bit 1 = glued to an ASCII letter on the left, bit 2 =
        on the right (see :func:`find_word`). Built once per document and word list, from
        the one pass that finds every registered word (:meth:`_word_occurrences`)."""
        entry = self.cache.get(id(words))
        if entry is not None and entry[0] is words:
            return entry[1]
        wset = _WORDS.register(words)
        occ, present = self._word_occurrences()
        if wset.isdisjoint(present):
            index: tuple[list[int], list[int], list[int]] = ([], [], [])
        else:
            sel = [o for o in occ if o[3] in wset]
            index = ([o[0] for o in sel], [o[1] for o in sel], [o[2] for o in sel])
        self.cache[id(words)] = (words, index)
        return index

    def _word_occurrences(self) -> tuple[list[tuple[int, int, int, str]], frozenset[str]]:
        """(end, start, flags, word) of every occurrence of every registered word, sorted,
        and the set of the words that occur."""
        version, automaton = _WORDS.state
        found = self.cache.get(_WORDS)
        if found is not None and found[0] == version:
            return found[1]  # type: ignore[no-any-return]
        out: list[tuple[int, int, int, str]] = []
        if automaton is not None:
            low = self.lower
            for last, (word, size, check_start, check_end) in automaton.iter(low):
                end = last + 1
                pos = end - size
                out.append((end, pos, _glued(low, pos, end, check_start, check_end), word))
            out.sort()
        result = (out, frozenset(o[3] for o in out))
        self.cache[_WORDS] = (version, result)
        return result

    def words_present(self, words: tuple[str, ...]) -> frozenset[str]:
        """Which of ``words`` occur in :attr:`lower` (as substrings, glued or not)."""
        return _WORDS.register(words) & self._word_occurrences()[1]

    def has_words(self, words: tuple[str, ...]) -> bool:
        """Whether any of ``words`` occurs in :attr:`lower` (as a substring, glued or not)."""
        return bool(self._word_index(words)[0])

    def matches_at_words(
        self, pattern: re.Pattern[str], words: tuple[str, ...], shift: int = 0, folded: bool = False
    ) -> bool:
        """Whether ``pattern`` matches :attr:`lower` (or :attr:`folded`) at the start of an
        occurrence of ``words`` plus ``shift``: a gate whose every match holds one of
        ``words`` there, tried only where the shared word pass found them."""
        text = self.folded if folded else self.lower
        for start in self._word_index(words)[1]:
            if start + shift >= 0 and pattern.match(text, start + shift) is not None:
                return True
        return False

    def find_word(self, lo: int, hi: int, words: tuple[str, ...]) -> int:
        """``find_word(self.lower[lo:hi], words)`` without slicing or rescanning: the end of
        the last word of ``words`` inside the window, relative to ``lo``, or -1."""
        ends, starts, flags = self._word_index(words)
        if not ends:
            return -1
        if lo < 0:
            lo = 0
        if hi > len(self.text):
            hi = len(self.text)
        i = bisect.bisect_right(ends, hi) - 1
        while i >= 0:
            end = ends[i]
            if end - lo <= 0:
                break
            start = starts[i]
            flag = flags[i]
            if (
                start >= lo
                and (not flag & 1 or start == lo)
                and (not flag & 2 or end == hi)
                and (not flag & 4 or start - 2 < lo or end >= hi)  # (see _dotted)
            ):
                return end - lo
            i -= 1
        return -1

    def field_end(self, end: int, size: int) -> int:
        """``end + size``, or less so that the window after ``end`` stops at the next field
        (``... (+86)181... / 身份证号码 | 4401...``: the ID word labels the field after)."""
        breaks = self.field_breaks
        if breaks:
            i = bisect.bisect_right(breaks, end)
            if i < len(breaks) and breaks[i] - 1 < end + size:
                return max(end, breaks[i] - 1)
        return end + size

    def field_window(self, start: int, size: int) -> int:
        """``size``, or less so that the window before ``start`` stays inside its field: in
        ``Tel: 555 0101 | ID: 039-10-7359`` (or one field a line) the phone word belongs to
        the field before. A field ends at a line break, ``|``, ``;`` or `` / ``, but only
        if the candidate's own field has a label (more than a label tail such as ``No:``
        before it); a label on the line above (``Tel:\n0612345678``) still counts, except
        in a table: there a cell is labelled by its column header or by the cell before it
        (``| SS# | 646 90 8195 |``), not by the header row above."""
        breaks = self.field_breaks
        if not breaks:
            return size
        i = bisect.bisect_right(breaks, start) - 1
        if i < 0:
            return size
        cut = breaks[i]
        if cut <= start - size:
            return size
        if LABEL_TAIL.fullmatch(self.lower, cut, start):
            if self.column_header(start) is None:
                return size  # no label of its own: "Tel:\n0612...", "Passport\nNo: G1234..."
            if i > 0 and breaks[i - 1] > start - size:
                return start - breaks[i - 1]  # a table: the cell before is the label
        return start - cut

    @lazy
    def column_cells(self) -> list[tuple[int, int, int, int]]:
        """Data cells of pasted tables with their column header (see ``tables``)."""
        return column_cells(self.folded)

    def column_header(self, start: int) -> tuple[int, int] | None:
        """The span of the column header over the table cell holding ``start``, if any."""
        cells = self.column_cells
        if not cells:
            return None
        i = bisect.bisect_right(cells, (start, len(self.text) + 1)) - 1
        if i >= 0 and cells[i][0] <= start < cells[i][1]:
            return cells[i][2], cells[i][3]
        return None

    def labelled_by_column(self, start: int, words: tuple[str, ...]) -> bool:
        """Whether the column header over ``start`` holds one of ``words``."""
        header = self.column_header(start)
        return header is not None and self.find_word(header[0], header[1], words) != -1

    @lazy
    def field_breaks(self) -> list[int]:
        """Where fields start: after each line break, ``|``, ``;`` or `` / ``."""
        return [m.end() for m in _FIELD_SEPARATOR.finditer(self.folded)]

    def word_before(self, start: int, size: int, words: tuple[str, ...]) -> int:
        """The end of the last of ``words`` in the ``size`` characters before ``start``,
        relative to the window's start, or -1 (see :meth:`find_word`)."""
        return self.find_word(start - size, start, words)


class WordGate:
    """A cheap pattern that every match of a recognizer holds, anchored on a word: it is
    tried only where the shared word pass found one of ``words`` (lower case), ``shift``
    characters after the gate's own start, on :attr:`Doc.lower` or :attr:`Doc.folded`."""

    def __init__(
        self, pattern: str, words: Iterable[str], shift: int = 0, folded: bool = False
    ) -> None:
        self.pattern = re.compile(pattern)
        self.words = tuple(dict.fromkeys(w.lower() for w in words))
        self.shift = shift
        self.folded = folded

    def passes(self, doc: Doc) -> bool:
        return doc.matches_at_words(self.pattern, self.words, self.shift, self.folded)


# A word this long may carry an ending (fødselsnummeret, Geburtsdatums, passports): only a
# shorter one must not run on into letters (dob in adobe).
INFLECTED_LENGTH = 8


@lru_cache(maxsize=512)
def _word_specs(words: tuple[str, ...]) -> tuple[tuple[str, bool, bool], ...]:
    """(word, check the letter before it, check the letter after it), longest first."""
    return tuple(
        (
            w,
            w[0].isascii() and w[0].isalnum(),
            w[-1].isascii() and w[-1].isalnum() and len(w) < INFLECTED_LENGTH,
        )
        for w in sorted(set(words), key=len, reverse=True)
    )


def trie_pattern(words: list[str]) -> str:
    """A regex matching any of ``words``, shaped as a trie (no backtracking over siblings);
    at a position it matches the longest word starting there."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


class _WordSearch:
    """Every word list used with :meth:`Doc.find_word`, in one Aho-Corasick automaton, so one
    pass over a document finds the occurrences of all of them. A list joins on first use;
    the automaton is rebuilt only when a list brings words it does not hold yet (word lists
    are module constants, so that stops after the first few documents)."""

    MAX_LISTS = 4096  # lists are remembered by identity; recognizers made anew add copies

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lists: dict[int, tuple[tuple[str, ...], frozenset[str]]] = {}
        self._words: set[str] = set()
        self.state: tuple[int, ahocorasick.Automaton | None] = (0, None)  # None: no word yet

    def register(self, words: tuple[str, ...]) -> frozenset[str]:
        """The set of ``words``, adding them to the automaton if they are new."""
        entry = self._lists.get(id(words))
        if entry is not None and entry[0] is words:
            return entry[1]
        wset = frozenset(w for w in words if w)
        with self._lock:
            if len(self._lists) >= self.MAX_LISTS:
                self._lists.clear()
            if not wset <= self._words:
                self._words |= wset
                self.state = (self.state[0] + 1, _automaton(self._words))
            # (published only now that the automaton holds its words: another thread that
            # finds the list without the lock must not read an older automaton)
            self._lists[id(words)] = (words, wset)  # keeps ``words`` alive: ids stay unique
        return wset


def _automaton(words: Iterable[str]) -> ahocorasick.Automaton:
    """An automaton reporting (word, length, check start, check end) for each occurrence."""
    automaton = ahocorasick.Automaton()
    for word, check_start, check_end in _word_specs(tuple(words)):
        automaton.add_word(word, (word, len(word), check_start, check_end))
    automaton.make_automaton()
    return automaton


_WORDS = _WordSearch()


def _is_latin_letter(ch: str) -> bool:
    """A Latin letter, accented ones too (``geb`` does not hit ``gebühr``); a Han character
    next to an English word does not glue to it (``加我wechat``)."""
    return ch < "\u0250" and ch.isalpha()


def _glued(low: str, start: int, end: int, check_start: bool, check_end: bool) -> int:
    """Flags of a word occurrence: 1 if a letter precedes it, 4 if it is a part of a dotted
    name instead, 2 if a letter follows (where the word asks for those checks)."""
    flag = 0
    if check_start and start > 0 and _is_latin_letter(low[start - 1]):
        flag = 1
    elif check_start and _dotted(low, start, end):
        flag = 4
    if check_end and end < len(low) and _is_latin_letter(low[end]):
        flag |= 2
    return flag


def _dotted(low: str, start: int, end: int) -> bool:
    """Whether ``low[start:end]`` is a part of a dotted name, a DOI's journal (j.cell.2024)
    or a host (m.tel.example): a letter or digit and a dot before, a dot or slash after."""
    return (
        start >= 2
        and low[start - 1] == "."
        and low[start - 2].isalnum()
        and low[end : end + 1] in (".", "/")
    )


def find_word(window: str, words: tuple[str, ...]) -> int:
    """Return the end position of the last occurrence of any word in ``window``, or -1.

    ``window`` is lower-cased text. ASCII words must not be glued to other Latin letters
    (``dob`` does not hit ``adobe``).
    """
    best = -1
    n = len(window)
    for word, check_start, check_end in _word_specs(words):
        pos = window.rfind(word)
        while pos != -1:
            end = pos + len(word)
            if end <= best:
                break
            if (
                (not check_start or pos == 0 or not _is_latin_letter(window[pos - 1]))
                and (not check_end or end == n or not _is_latin_letter(window[end]))
                and not (check_start and _dotted(window, pos, end))
            ):
                best = end
                break
            pos = window.rfind(word, 0, pos)
    return best


def iter_matches(pattern: re.Pattern[str], doc: Doc) -> Iterator[re.Match[str]]:
    return pattern.finditer(doc.folded)
