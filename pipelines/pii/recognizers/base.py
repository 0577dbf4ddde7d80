"""Recognizer base classes (Presidio style: pattern, context words and validation together).

Scoring model (documented in ``pipelines/pii/__init__.py``):

* a recognizer proposes a candidate with ``base_score`` when the pattern matched and the
  value validated (check digit, date, ...), and ``context_score`` when a context word of
  its own is near (before it, or just after it);
* a *negative* context word (order, tracking, invoice, ISBN, 订单号, commande, ...) that is
  nearer than any positive one lowers the score by ``NEGATIVE_PENALTY``; a number inside a URL
  loses ``URL_PENALTY``;
* the engine reports candidates with ``score >= min_score`` (default 0.5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from pipelines.pii.model import Candidate
from pipelines.pii.shape import min_digit_run
from pipelines.pii.text import LABEL_TAIL, SENTENCE_END, Doc, Span

NEGATIVE_WORDS = (
    "order",
    "tracking",
    "track",
    "invoice",
    "isbn",
    "issn",
    "sku",
    "serial",
    "ref",
    "reference",
    "transaction",
    "parcel",
    "shipment",
    "waybill",
    "receipt",
    "ticket",
    "booking",
    "confirmation",
    "account no",
    "model",
    "build",
    "case no",
    "case number",
    "case #",
    "your case",
    "paketnummer",
    "package",
    "paquete",
    "incidencia",
    "dossier",
    "réclamation",
    "reclamación",
    "parquet",
    "aposta",
    "票号",
    "billet",
    "vorgangsnummer",
    "prüfungsnummer",
    "spielschein",
    "tabelle",
    "error code",
    "error",
    "erreur",
    "fehler",
    "kassenbon",
    "beleg",
    "错误码",
    "错误代码",
    "エラーコード",
    "ein:",
    "ein #",
    "ein no",
    "employer identification",
    "rcs",
    "siren",
    "siret",
    "vat",
    "tva",
    "ust-idnr",
    "version",
    "版本",
    "ビルド",
    "バージョン",
    "part no",
    "customer no",
    "customer number",
    "customer id",
    "po number",
    "purchase order",
    "订单",
    "快递",
    "运单",
    "单号",
    "物流",
    "发票",
    "流水号",
    "交易号",
    "编号",
    "commande",
    "numéro client",
    "n° client",
    "n° de client",
    "facture",
    "suivi",
    "colis",
    "référence",
    "bestellung",
    "bestellnummer",
    "rechnung",
    "sendung",
    "kundennummer",
    "kunden-nr",
    "kundennr",
    "vertragsnummer",
    "aktenzeichen",
    "pedido",
    "factura",
    "seguimiento",
    "referencia",
    "expediente",
    "modèle",
    "modell",
    "modelo",
    "型号",
    "型號",
    "artikelnummer",
    "art.-nr",
    "art.nr",
    "artikelnr",
    # a payment's transaction number (TXN 3682971081357338)
    "txn",
    "transaction id",
    "artikel-nr",
    "teilenummer",
    "steuernummer",
    "remboursement",
    "réf",
    "bestelnummer",
    "bestell-nr",
    "bestellnr",
    "rechnungsnummer",
    "rechnungsnr",
    "belegnr",
    "rechnungs-nr",
    "sendungsnummer",
    "auftragsnummer",
    "ordernummer",
    "운송장",
    "송장번호",
    "伝票番号",
    "追跡番号",
    "kargo takip",
    "destek talebi",
    "sipariş",
    "رقم الطلب",  # Arabic: order number, the order, tracking number, invoice
    "الطلب",
    "رقم التتبع",
    "الفاتورة",
    "numer zamówienia",
    "numer przesyłki",
    "zendingnummer",
    "track & trace",
    "numero ordine",
    "código de rastreio",
    "zamówienia",
    "zamówienie",
    "注文番号",
    "注文",
    "주문번호",
    "número do pedido",
    "numero d'ordine",
    "ordine",
    # draws and results
    "lotto",
    "lottery",
    "loto",
    "lottozahlen",
    "gewinnzahlen",
    "ziehung",
    "tirage",
    "numéros gagnants",
    "winning numbers",
    "euromillions",
    "powerball",
    "sorteo",
    "彩票",
    "双色球",
    "开奖",
    "大乐透",
)

# What a count of reactions is labelled with: negative only right before the number, as its
# label ("转发 12345"); a repost's "转发：" at the start of a post names nothing.
COUNT_WORDS = (
    "转发",
    "播放",
    "阅读",
    "点赞",
    "评论",
    "views",
    "vues",
    "aufrufe",
    "likes",
    "shares",
    "retweets",
)
# A clause ends between a negative word and a number: 快递单都不撕就扔楼下，上面写着：收件人 138...
_CJK_CLAUSE_END = re.compile("[，；]")
# After a word: a key-value separator and the start of a value (the word is that value's label).
_LABELS_NEXT = re.compile(r"""["']?\s?[:=：]\s?["']?\s?[0-9A-Za-z+(]""")
# Another number between a word and a candidate: the word is that number's label (a negative
# word, a passport word: "Passport # 1:" and "(issued 2019)" are not numbers of their own).
OTHER_NUMBER = re.compile(r"\d{5}")

# Words of tutorials, documentation and form examples ("use the sandbox card 4242 ...",
# "die Beispiel-IBAN aus der Doku"): they cap the score even when a context word is nearer,
# within the sentence (see :meth:`Recognizer.unless_example`).
EXAMPLE_WORDS = (
    "test card",
    "testing",
    "test mode",
    "testmodus",
    "testkarte",
    "mode test",
    "modo de prueba",
    "modo test",
    "modo de teste",
    "modalità test",
    "sample iban",
    "sandbox",
    "for example",
    "e.g.",
    "example card",
    "example iban",
    "zum beispiel",
    "z.b.",
    "beispiel-iban",
    "beispiel iban",
    "beispielkarte",
    "par exemple",
    "exemple de",
    "por ejemplo",
    "ejemplo de",
    "per esempio",
    "bijvoorbeeld",
    "dummy",
    "sample card",
    "示例",
    "例如",
)
EXAMPLE_SCORE = 0.3
NEGATIVE_PENALTY = 0.46  # a context score of 0.95 lands below the 0.5 flag threshold
CLAIM_SCORE = 0.75  # validated IDs at or above this hide phone candidates inside them
CLAIMING_KINDS = frozenset({"national_id", "payment_card", "iban", "passport"})
URL_PENALTY = 0.6
CONTEXT_BEFORE = 40
CONTEXT_AFTER = 12

# A letter next to a digit: needed by every ID that starts with letters (IBAN, HKID, ...).
UPPER_DIGIT = re.compile(r"[A-Z]\d")

# Generic identity words that count as context for every national ID.
ID_WORDS = (
    "身份证",
    "身份證",
    "身分證",
    "证件号",
    "證件",
    "id number",
    "id no",
    "id card",
    "identity",
    "national id",
    "identification",
    "numéro d'identité",
    "personalausweis",
    "ausweis",
    "identidad",
    "🪪",
    "🆔",
)


class Recognizer:
    """Base class. Subclasses implement :meth:`analyze`."""

    kind: ClassVar[str] = "national_id"
    country: ClassVar[str | None] = None
    scheme: ClassVar[str] = ""
    context: ClassVar[tuple[str, ...]] = ()
    negative: ClassVar[tuple[str, ...]] = NEGATIVE_WORDS
    base_score: ClassVar[float] = 0.6
    context_score: ClassVar[float] = 0.9
    min_digits: ClassVar[int] = 0  # cheap pre-filter on the document's digit count

    def applies(self, doc: Doc) -> bool:
        return doc.digit_count >= self.min_digits

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        raise NotImplementedError

    # -- scoring helpers -------------------------------------------------------------
    def context_words(self) -> tuple[str, ...]:
        return self.context

    def score(
        self,
        doc: Doc,
        start: int,
        end: int,
        base: float | None = None,
        with_context: float | None = None,
    ) -> float:
        base = self.base_score if base is None else base
        with_context = self.context_score if with_context is None else with_context
        words = self.context_words()
        size = doc.field_window(start, CONTEXT_BEFORE)
        pos = doc.word_before(start, size, words)
        after = False
        if pos == -1 and (
            self.named_after(doc, end, words) or doc.labelled_by_column(start, words)
        ):
            pos = start - max(0, start - size)  # the length of the window before
            after = True
        neg = doc.word_before(start, size, self.negative) if self.negative else -1
        if neg != -1 and (
            self.other_sentence(doc, start - size, neg, start)
            or OTHER_NUMBER.search(doc.folded, max(0, start - size) + neg, start)
        ):
            neg = -1  # "My order was cancelled. 415-555-0134", "ISBN 978612... an BE66 ..."
        if self.negative:  # (recognizers without negative words have no count words either)
            count = doc.word_before(start, size, COUNT_WORDS)
            if count > neg and self.labels(doc, start - size, count, start):
                neg = count
        score = with_context if pos != -1 else base
        if neg != -1 and (neg > pos or after):
            score -= NEGATIVE_PENALTY  # (a negative word before outweighs a context word after)
        elif pos == -1 and self.negative and doc.labelled_by_column(start, self.negative):
            score -= NEGATIVE_PENALTY  # a table's column of order or article numbers
        if doc.url_spans and doc.in_url(start, end):
            score -= URL_PENALTY
        return round(max(0.0, min(1.0, score)), 3)

    @staticmethod
    def named_after(doc: Doc, end: int, words: tuple[str, ...]) -> bool:
        """Whether one of ``words`` follows the candidate ending at ``end`` closely, in its
        field, and is not the label of the next value (``SSN=772551771, Passport: 4075...``,
        ``..., 73223824", "passport": "FT294516"``)."""
        found = doc.find_word(end, doc.field_end(end, CONTEXT_AFTER), words)
        return found != -1 and _LABELS_NEXT.match(doc.folded, end + found) is None

    @staticmethod
    def other_sentence(doc: Doc, lo: int, word_end: int, start: int) -> bool:
        """Whether the word ending at ``lo + word_end`` belongs to an earlier sentence (or
        Chinese clause) than the candidate at ``start``: one ends between them, and the word
        is not the candidate's label (``Ref. 1234``, ``order no. 5521``)."""
        end = max(0, lo) + word_end
        return (
            SENTENCE_END.search(doc.folded, end, start) is not None
            or _CJK_CLAUSE_END.search(doc.text, end, start) is not None
        ) and not Recognizer.labels(doc, lo, word_end, start)

    @staticmethod
    def labels(doc: Doc, lo: int, word_end: int, start: int) -> bool:
        """Whether only a label's tail (``:``, ``No.``, ``#``) lies between the word ending at
        ``lo + word_end`` and the candidate at ``start``."""
        return LABEL_TAIL.fullmatch(doc.lower, max(0, lo) + word_end, start) is not None

    def context_end(self, doc: Doc, start: int) -> int:
        """Where the nearest context word before ``start`` (in its field) ends, or -1."""
        size = doc.field_window(start, CONTEXT_BEFORE)
        pos = doc.word_before(start, size, self.context_words())
        return -1 if pos == -1 else max(0, start - size) + pos

    def labelled(self, doc: Doc, start: int) -> bool:
        """Whether one of the context words labels the candidate (``PESEL: 4405...``,
        ``passport #6901...``). A number that needs context claims its span only then: in
        ``ID number and phone 15816289099`` the phone word is nearer."""
        word_end = self.context_end(doc, start)
        return word_end != -1 and self.labels(doc, 0, word_end, start)

    def hopeless(
        self, doc: Doc, start: int, end: int, base: float, with_context: float | None = None
    ) -> bool:
        """Whether a candidate at ``start:end`` scored from ``base``/``with_context`` (plus a
        bonus <= 0) would be dropped anyway: below the reporting threshold and too low to
        claim its span. Lets recognizers skip validating it."""
        bar = min(doc.min_score, CLAIM_SCORE)
        return base < bar and self.score(doc, start, end, base, with_context) < bar

    def unless_example(self, doc: Doc, cand: Candidate) -> Candidate:
        """``cand`` with its score capped at ``EXAMPLE_SCORE`` if an example word precedes
        it in its sentence."""
        lo = max(0, cand.start - CONTEXT_BEFORE)
        example = doc.find_word(lo, cand.start, EXAMPLE_WORDS)
        if example != -1 and not SENTENCE_END.search(doc.folded, lo + example, cand.start):
            cand.score = min(cand.score, EXAMPLE_SCORE)
        return cand

    def candidate(
        self,
        doc: Doc,
        start: int,
        end: int,
        value: str,
        details: dict[str, Any] | None = None,
        base: float | None = None,
        bonus: float = 0.0,
        with_context: float | None = None,
    ) -> Candidate:
        score = self.score(doc, start, end, base, with_context)
        if bonus and score > 0:
            score = round(max(0.0, min(1.0, score + bonus)), 3)
        if (
            score >= CLAIM_SCORE
            and self.kind in CLAIMING_KINDS
            and ((self.base_score if base is None else base) >= 0.5 or self.labelled(doc, start))
        ):
            doc.claim(start, end)
        return Candidate(
            kind=self.kind,
            country=self.country,
            scheme=self.scheme,
            start=start,
            end=end,
            score=score,
            value=value,
            details=details or {},
        )


class NumericIdRecognizer(Recognizer):
    """A digits-only ID: runs on the document's numeric spans (see ``Doc.numeric_spans``).

    ``lengths`` are the accepted compact lengths, ``layout`` a regex the raw span must match
    in full (it encodes the accepted groupings), ``validate`` returns details or ``None``.
    """

    lengths: ClassVar[frozenset[int]] = frozenset()
    layout: ClassVar[re.Pattern[str] | None] = None

    def applies(self, doc: Doc) -> bool:
        return doc.digit_count >= min(self.lengths) - 1

    def validate(self, compact: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def normalise(self, compact: str) -> str:
        return compact.upper()

    def spans(self, doc: Doc) -> Iterable[Span]:
        layout = self.layout
        by_length = doc.numeric_spans
        for length in self.lengths:
            for span in by_length.get(length, ()):
                if layout is None or layout.fullmatch(span.raw) is not None:
                    yield span

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        for span in self.spans(doc):
            details = self.validate(span.compact)
            if details is None:
                continue
            cand = self.candidate(doc, span.start, span.end, self.normalise(span.compact), details)
            cand = self.adjust(doc, span, cand)
            if cand is not None:
                yield cand

    def adjust(self, doc: Doc, span: Span, cand: Candidate) -> Candidate | None:
        return cand


class RegexRecognizer(Recognizer):
    """A recognizer with its own search pattern over the folded text.

    It is skipped when the document's longest run of digits is shorter than any match of
    ``pattern`` must hold (derived from the pattern), or when ``folded_gate`` (a cheap
    pattern every match implies) does not occur in the text.
    """

    pattern: ClassVar[re.Pattern[str]]
    folded_gate: ClassVar[re.Pattern[str] | None] = None
    min_run: ClassVar[int] = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "pattern" in cls.__dict__:
            cls.min_run = min_digit_run(cls.pattern.pattern)

    def applies(self, doc: Doc) -> bool:
        if doc.digit_count < self.min_digits:
            return False
        if self.min_run and doc.max_digit_run < self.min_run:
            return False
        gate = self.folded_gate
        return gate is None or doc.has(gate)

    def validate(self, match: re.Match[str]) -> tuple[str, dict[str, Any]] | None:
        """Return (normalised value, details) or ``None``."""
        raise NotImplementedError

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        for m in self.pattern.finditer(doc.folded):
            res = self.validate(m)
            if res is None:
                continue
            value, details = res
            yield self.candidate(doc, m.start(), m.end(), value, details)


def compact_id(raw: str) -> str:
    return re.sub(r"[\s\-./()]", "", raw).upper()
