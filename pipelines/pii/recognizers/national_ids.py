# ruff: noqa: E501
"""National personal ID numbers validated by python-stdnum, one table row per scheme.

Each row gives the stdnum module, the accepted shape (a regex over the folded text),
context words, and whether the shape is distinctive enough to be reported without context
(``base``) or only with it (``base`` below the 0.5 flag threshold). Details (birth date,
sex) come from the stdnum module when it decodes them.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers.base import ID_WORDS, Recognizer
from pipelines.pii.shape import min_digit_run
from pipelines.pii.text import Doc

_B = r"(?<![0-9A-Za-z+])"  # (after a "+" it is a phone number: +447422023458)
_E = r"(?![0-9A-Za-z])"


@dataclass(frozen=True)
class Scheme:
    scheme: str
    country: str
    module: str
    pattern: str
    context: tuple[str, ...]
    base: float = 0.3  # without context (< 0.5: context required)
    with_context: float = 0.9


SCHEMES: tuple[Scheme, ...] = (
    Scheme("kr_rrn", "KR", "kr.rrn", r"\d{6}-[1-8]\d{6}", ("주민등록번호", "주민번호", "rrn", "resident registration"), 0.7),
    Scheme("kr_rrn", "KR", "kr.rrn", r"\d{6}[1-8]\d{6}", ("주민등록번호", "주민번호", "rrn", "resident registration")),  # unbroken: a barcode as often
    Scheme("jp_my_number", "JP", "jp.in_", r"\d{4}(?: ?\d{4} ?\d{4}|-\d{4}-\d{4}(?!-\d))", ("マイナンバー", "個人番号", "my number", "mynumber", "individual number")),
    Scheme("in_aadhaar", "IN", "in_.aadhaar", r"[2-9]\d{3}[ -]?\d{4}[ -]?\d{4}", ("aadhaar", "aadhar", "uid", "आधार")),
    Scheme("br_cpf", "BR", "br.cpf", r"\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11}", ("cpf", "cadastro de pessoas")),
    Scheme("mx_curp", "MX", "mx.curp", r"[A-Z]{4}\d{6}[HM][A-Z]{5}[0-9A-Z]\d", ("curp",), 0.85),
    Scheme("es_dni", "ES", "es.dni", r"\d{8}(?:-?[A-Za-z]| [A-Z])|\d{2}\.\d{3}\.\d{3}-?[A-Za-z]", ("dni", "documento nacional", "nif"), 0.6),
    Scheme("es_nie", "ES", "es.nie", r"[XYZxyz]-?\d{7}-?[A-Za-z]", ("nie", "extranjero"), 0.7),
    Scheme("it_codice_fiscale", "IT", "it.codicefiscale", r"[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]", ("codice fiscale", "cod. fiscale", "cf", "c.f."), 0.85),
    Scheme("it_codice_fiscale", "IT", "it.codicefiscale", r"[A-Z]{6} \d{2}[A-Z]\d{2} [A-Z]\d{3}[A-Z]|[a-z]{6}\d{2}[a-z]\d{2}[a-z]\d{3}[a-z]", ("codice fiscale", "cod. fiscale", "cf", "c.f.")),  # spaced or lower case: with context
    Scheme("de_steuer_id", "DE", "de.idnr", r"\d{2} ?\d{3} ?\d{3} ?\d{3}", ("steuer-id", "steuer id", "steuerliche id", "steueridentifikationsnummer", "steuer-identifikationsnummer", "identifikationsnummer", "steuerliche identifikationsnummer", "idnr", "tax id")),
    Scheme("nl_bsn", "NL", "nl.bsn", r"\d{4}\.?\d{2}\.?\d{3}|\d{9}|\d{3} \d{3} \d{3}", ("bsn", "burgerservicenummer", "sofinummer")),
    Scheme("pl_pesel", "PL", "pl.pesel", r"\d{11}", ("pesel",)),
    Scheme("se_personnummer", "SE", "se.personnummer", r"(?:\d{2})?\d{6}[-+]\d{4}", ("personnummer", "personnumret", "personnr", "personal number", "personal identity number"), 0.6),
    Scheme("se_personnummer", "SE", "se.personnummer", r"(?:19|20)?\d{10}", ("personnummer", "personnr", "personal number", "personal identity number")),
    Scheme("dk_cpr", "DK", "dk.cpr", r"\d{6}-\d{4}", ("cpr", "personnummer")),
    Scheme("no_fodselsnummer", "NO", "no.fodselsnummer", r"\d{6} ?\d{5}", ("fødselsnummer", "fodselsnummer", "personnummer")),
    Scheme("fi_hetu", "FI", "fi.hetu", r"\d{6}[-+A]\d{3}[0-9A-Y]", ("henkilötunnus", "hetu", "personbeteckning"), 0.7),
    Scheme("be_nn", "BE", "be.nn", r"\d{2}[. ]?\d{2}[. ]?\d{2}[- ]?\d{3}[. ]?\d{2}", ("rijksregisternummer", "rijksregister", "rr-nummer", "rr nummer", "nn", "numéro national", "n° national", "nº national", "registre national", "national number", "nn belge", "numéro nn", "niss", "inss")),
    Scheme("bg_egn", "BG", "bg.egn", r"\d{10}", ("егн", "egn")),
    Scheme("ch_ssn", "CH", "ch.ssn", r"756\.?\d{4}\.?\d{4}\.?\d{2}", ("ahv", "avs", "ssn", "sozialversicherungsnummer"), 0.7),
    Scheme("cz_rc", "CZ", "cz.rc", r"\d{6}/?\d{3,4}", ("rodné číslo", "rodne cislo", "rč")),
    Scheme("ee_ik", "EE", "ee.ik", r"[1-6]\d{10}", ("isikukood",)),
    Scheme("lt_asmens", "LT", "lt.asmens", r"[1-6]\d{10}", ("asmens kodas",)),
    Scheme("ro_cnp", "RO", "ro.cnp", r"[1-9]\d{12}", ("cnp", "cod numeric personal")),
    Scheme("si_emso", "SI", "si.emso", r"\d{13}", ("emšo", "emso")),
    Scheme("is_kennitala", "IS", "is_.kennitala", r"\d{6}-?\d{4}", ("kennitala",)),
    Scheme("ie_pps", "IE", "ie.pps", r"\d{7}[A-W][ABHW]?", ("pps", "ppsn", "personal public service")),
    Scheme("pt_cc", "PT", "pt.cc", r"\d{8} ?\d ?[A-Z]{2}\d", ("cartão de cidadão", "cartao de cidadao", "cc"), 0.6),
    Scheme("za_idnr", "ZA", "za.idnr", r"\d{13}", ("south african id", "id number", "identity number")),
    Scheme("tr_tckimlik", "TR", "tr.tckimlik", r"[1-9]\d{10}", ("tc kimlik", "kimlik no", "kimlik numarası", "t.c.", "tc", "tckn", "tc no")),
    Scheme("il_idnr", "IL", "il.idnr", r"\d{9}|\d{5,8}-\d", ("teudat zehut", "תעודת זהות", "תעודת הזהות", "מספר זהות", "ת.ז", "israeli id")),
    Scheme("my_nric", "MY", "my.nric", r"\d{6}-\d{2}-\d{4}", ("nric", "mykad", "kad pengenalan"), 0.6),
    Scheme("th_pin", "TH", "th.pin", r"\d{13}|\d-\d{4}-\d{5}-\d{2}-\d", ("เลขประจำตัวประชาชน", "thai id")),
    Scheme("ca_sin", "CA", "ca.sin", r"\d{3}[ -]\d{3}[ -]\d{3}|\d{9}", ("sin", "social insurance", "nas", "n.a.s.", "assurance sociale")),
    Scheme("gr_amka", "GR", "gr.amka", r"\d{11}", ("amka", "αμκα")),
    Scheme("cl_rut", "CL", "cl.rut", r"\d{1,2}\.\d{3}\.\d{3}-[0-9Kk]", ("rut", "run"), 0.6),
    Scheme("cl_rut", "CL", "cl.rut", r"\d{7,8}-[0-9Kk]", ("rut", "run")),
    Scheme("ar_dni", "AR", "ar.dni", r"\d{2}\.\d{3}\.\d{3}", ("dni",)),
    Scheme("ar_cuit", "AR", "ar.cuit", r"2[0347]-?\d{8}-?\d", ("cuit", "cuil")),
    Scheme("hr_oib", "HR", "hr.oib", r"\d{11}", ("oib", "osobni identifikacijski broj")),
    Scheme("ua_rntrc", "UA", "ua.rntrc", r"\d{10}", ("рнокпп", "іпн", "ідентифікаційний код", "идентификационный код", "инн", "rntrc")),
    Scheme("lv_personas_kods", "LV", "lv.pvn", r"[0-3]\d{5}-?\d{5}", ("personas kods", "personal code")),
    Scheme("gb_nhs", "GB", "gb.nhs", r"\d{3}[ -]?\d{3}[ -]?\d{4}", ("nhs number", "nhs no", "nhs")),
    Scheme("us_itin", "US", "us.itin", r"9\d{2}-?\d{2}-?\d{4}", ("itin", "individual taxpayer")),
    Scheme("fr_nif", "FR", "fr.nif", r"[0-3]\d ?\d{2} ?\d{3} ?\d{3} ?\d{3}", ("numéro fiscal", "numero fiscal", "numéro spi", "identifiant fiscal", "nif")),
    Scheme("au_tfn", "AU", "au.tfn", r"\d{3} ?\d{3} ?\d{2,3}", ("tfn", "tax file number")),
    Scheme("id_nik", "ID", "id.nik", r"\d{16}", ("nik", "nomor induk kependudukan", "ktp")),
    Scheme("in_pan", "IN", "in_.pan", r"[A-Z]{3}P[A-Z]\d{4}[A-Z]", ("pan", "permanent account number")),
    Scheme("ec_ci", "EC", "ec.ci", r"\d{9}-?\d", ("cédula", "cedula")),
    Scheme("do_cedula", "DO", "do.cedula", r"\d{3}-\d{7}-\d|\d{11}", ("cédula", "cedula")),
    Scheme("at_vnr", "AT", "at.vnr", r"\d{4} ?\d{6}", ("sozialversicherungsnummer", "versicherungsnummer", "svnr", "sv-nr", "sv-nummer", "sv number", "sv nummer")),
    Scheme("pt_nif", "PT", "pt.nif", r"[123]\d{8}|[123]\d{2} \d{3} \d{3}", ("nif", "contribuinte")),
    Scheme("nz_ird", "NZ", "nz.ird", r"\d{2,3}-?\d{3}-?\d{3}", ("ird number", "ird no", "inland revenue")),
)  # fmt: skip


_ALL_WORDS = tuple(sorted({w for s in SCHEMES for w in s.context} | set(ID_WORDS)))


def _words_present(doc: Doc) -> frozenset[str]:
    """Context words of any scheme present in the document (from the shared word pass)."""
    return doc.words_present(_ALL_WORDS)


def _details(module: Any, compact: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr, key in (("get_birth_date", "birth_date"), ("get_gender", "sex")):
        fn = getattr(module, attr, None)
        if fn is None:
            continue
        try:
            val = fn(compact)
        except Exception:
            continue
        if val is None:
            continue
        if key == "birth_date":
            out[key] = val.isoformat() if hasattr(val, "isoformat") else str(val)
        else:
            out[key] = {"M": "male", "F": "female"}.get(str(val), str(val))
    return out


class StdnumIdRecognizer(Recognizer):
    """One row of :data:`SCHEMES`."""

    kind = "national_id"

    def __init__(self, spec: Scheme) -> None:
        self.spec = spec
        self.scheme = spec.scheme  # type: ignore[misc]
        self.country = spec.country  # type: ignore[misc]
        self.context = (*spec.context, *ID_WORDS)  # type: ignore[misc]
        self.module = importlib.import_module(f"stdnum.{spec.module}")
        self.regex = re.compile(f"{_B}(?:{spec.pattern}){_E}")
        self.min_digits = 4  # type: ignore[misc]
        self.words = frozenset(self.context)
        self.min_run = min_digit_run(self.regex.pattern)

    def applies(self, doc: Doc) -> bool:
        if doc.digit_count < self.min_digits or doc.max_digit_run < self.min_run:
            return False
        if self.spec.base >= 0.5:
            return True
        return not self.words.isdisjoint(_words_present(doc))

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        for m in self.regex.finditer(doc.folded):
            cand = self.check(doc, m.start(), m.end())
            if cand is not None:
                yield cand

    def check(self, doc: Doc, s: int, e: int) -> Candidate | None:
        """The candidate for a pattern match at ``s:e`` if the number validates."""
        if self.hopeless(doc, s, e, self.spec.base, self.spec.with_context):
            return None  # no context: cannot reach the reporting threshold
        text = doc.folded
        try:
            # (dots never matter; not every stdnum module drops them: 77.380.492-M)
            compact = self.module.compact(text[s:e].replace(".", ""))
            valid = self.module.is_valid(compact)
        except Exception:
            return None
        if not valid:
            return None
        compact = compact.upper()
        details = _details(self.module, compact)
        if details.get("birth_date", "") > date.today().isoformat():
            return None  # a birth date in the future: a barcode that passes the check digit
        glued = (e + 1 < len(text) and text[e] in " -" and text[e + 1].isdigit()) or (
            s >= 2 and text[s - 1] in " -" and text[s - 2].isdigit()
        )
        return self.candidate(
            doc,
            s,
            e,
            compact,
            details,
            base=self.spec.base,
            with_context=self.spec.with_context,
            bonus=-0.3 if glued else 0.0,
        )


class StdnumIdsRecognizer(Recognizer):
    """All rows of :data:`SCHEMES` in one pass over the text.

    One alternation of the patterns of the rows that may report something in this document
    (digit-run bound, context present) finds the positions where some row matches; its empty
    marker groups tell which row, and the alternation of the rows after it is tried at the
    same position for the others. Alternations are compiled per row set and kept. Each row keeps ``finditer`` semantics (its matches do
    not overlap each other), and candidates come out row by row, as separate recognizers
    would give them.
    """

    kind = "national_id"
    scheme = "national_id"
    min_digits = 4  # the fewest digits of a row: Indian PAN (ABCPE1234F)

    def __init__(self, schemes: tuple[Scheme, ...] = SCHEMES) -> None:
        self.rows = [StdnumIdRecognizer(s) for s in schemes]
        for row in self.rows:
            if re.compile(row.spec.pattern).groups:
                raise ValueError(f"{row.scheme}: use non-capturing groups in the pattern")
        self._gates = [(r.min_run, r.spec.base >= 0.5, r.words) for r in self.rows]
        self._weak = tuple(i for i, r in enumerate(self.rows) if r.spec.base < 0.5)
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}
        self._min_run = min(r.min_run for r in self.rows)
        self._min_weak_run = min((self.rows[i].min_run for i in self._weak), default=10**9)
        # (longest digit run, context words present) -> _active(); a small key space
        self._active_memo: dict[tuple[int, frozenset[str]], tuple[int, ...]] = {}

    def _alternation(self, rows: tuple[int, ...]) -> re.Pattern[str]:
        """Alternation of the patterns of ``rows`` (a marker group ends each alternative)."""
        regex = self._compiled.get(rows)
        if regex is None:
            if len(self._compiled) > 1024:
                self._compiled.clear()
            alts = "|".join(f"(?:{self.rows[i].spec.pattern}){_E}()" for i in rows)
            regex = self._compiled[rows] = re.compile(f"{_B}(?=[0-9A-Za-z])(?:{alts})")
        return regex

    def _active(self, doc: Doc, longest: int) -> tuple[int, ...]:
        """The rows that can match (digit-run bound) and may be reported (context present),
        in table order. Only they go into the alternation: a row's matches do not depend on
        the other alternatives (each alternative ends with its own marker group)."""
        present = _words_present(doc) if longest >= self._min_weak_run else frozenset()
        key = (longest, present)
        found = self._active_memo.get(key)
        if found is not None:
            return found
        order = tuple(
            i
            for i, (min_run, strong, words) in enumerate(self._gates)
            if longest >= min_run and (strong or not words.isdisjoint(present))
        )
        if len(self._active_memo) > 4096:
            self._active_memo.clear()
        self._active_memo[key] = order
        return order

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        longest = doc.max_digit_run
        if longest < self._min_run:
            return
        order = self._active(doc, longest)
        if not order:
            return
        n = len(order)
        spans: dict[int, list[tuple[int, int]]] = {}
        free: dict[int, int] = {}  # a row's next match starts after its previous match
        text = doc.folded
        search = self._alternation(order).search
        m = search(text)
        while m is not None:
            pos = m.start()
            k = m.lastindex - 1  # type: ignore[operator]  # index into order
            end = m.end()
            while True:
                row = order[k]
                if pos >= free.get(row, 0):
                    spans.setdefault(row, []).append((pos, end))
                    free[row] = end
                if k + 1 >= n:
                    break
                nxt = self._alternation(order[k + 1 :]).match(text, pos)
                if nxt is None:
                    break
                k += nxt.lastindex  # type: ignore[operator]
                end = nxt.end()
            m = search(text, pos + 1)
        for row in sorted(spans):
            check = self.rows[row].check
            for s, e in spans[row]:
                cand = check(doc, s, e)
                if cand is not None:
                    yield cand


def recognizers() -> list[Recognizer]:
    return [StdnumIdsRecognizer()]
