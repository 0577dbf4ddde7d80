"""Phone numbers, validated by libphonenumber (``phonenumbers.PhoneNumberMatcher``, VALID).

The regions tried come from the language/country hints and the text's script (Han -> CN,
kana -> JP, hangul -> KR); numbers written with ``+``/``00`` are valid in any region. To keep
the scan fast the matcher runs only on short windows that a bounded pre-filter regex found.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from functools import cache
from itertools import pairwise
from re import _constants as _sre_constants  # type: ignore[attr-defined]
from re import _parser as _sre_parser  # type: ignore[attr-defined]

import phonenumbers
from phonenumbers import Leniency, PhoneMetadata, PhoneNumberMatcher
from stdnum import isbn

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers.base import NEGATIVE_WORDS, Recognizer
from pipelines.pii.text import Doc

LANGUAGE_REGIONS = {
    "zh": ("CN", "HK", "TW"),
    "en": ("US", "GB", "AU", "IN"),
    "fr": ("FR", "BE", "CH", "US"),
    "de": ("DE", "AT", "CH"),
    "es": ("ES", "MX", "AR", "CO"),
    "pt": ("BR", "PT"),
    "it": ("IT",),
    "nl": ("NL", "BE"),
    "pl": ("PL",),
    "sv": ("SE",),
    "ja": ("JP",),
    "ko": ("KR",),
    "ru": ("RU",),
    "tr": ("TR",),
    "da": ("DK",),
    "nb": ("NO",),
    "nn": ("NO",),
    "no": ("NO",),
    "fi": ("FI",),
    "el": ("GR", "CY"),
    "cs": ("CZ",),
    "sk": ("SK",),
    "hu": ("HU",),
    "ro": ("RO",),
    "uk": ("UA",),
    "he": ("IL",),
    "ar": ("SA", "AE", "EG", "MA"),
    "hi": ("IN",),
    "id": ("ID",),
    "ms": ("MY",),
    "th": ("TH",),
    "vi": ("VN",),
    "ca": ("ES",),
}
DEFAULT_REGIONS = ("US", "GB", "FR", "DE", "CN", "ES")
# Labelled by a phone word, a number may be of any of these (Cell 357 184 4349 in an Italian
# post without hints, WhatsApp (11) 97758-9565 from Brazil).
LABELLED_REGIONS = (
    *DEFAULT_REGIONS,
    *("BR", "IT", "MX", "IN", "JP", "KR", "HK", "SG", "AU", "NL", "PL", "PT", "RU", "TR", "AR"),
)
# Without hints, a number valid in a default region but grouped as another country writes
# its numbers (0663 433605, Austrian) is that country's, if it is valid there too.
GROUPING_REGIONS = (*LABELLED_REGIONS, "AT", "CH", "BE", "FI", "DK", "NO", "SE", "IE", "LU")
MAXREPEAT = _sre_constants.MAXREPEAT
sre_parse = _sre_parser.parse

# Digits with the separators people use; optional leading + / 00 / (area); optional extension.
# (The leading look-ahead states what every match starts with, so the scan skips faster.)
# Not glued to an e-mail's "@" (97194458@qq.com), but it may stand before one (17779058364
# 2626260507@foxmail.com) or before a Chinese date (+86 139 4698 7907 2024年4月8日); no ". "
# inside (a sentence ends there: "+33621019498. 5237,90 €"), nor a run of dashes (fields of a
# record: "430104 20020110 4330----131-7852-1283").
_CANDIDATE = re.compile(
    r"(?=[+(\d])(?<![0-9A-Za-z+])(?<!\d[ .\-/:])"
    r"(?:\+\s?|00)?(?:\(\+?\d{1,5}\)\s?)?\d(?:[\d ()/]|-(?!-)|\.(?! )){2,38}\d"
    r"(?:\s?(?:x|ext\.?|#)\s?\d{1,6})?(?![0-9A-Za-z@年月])(?![ .\-/]?\d(?!\d*@|\d{3}年))"
)
_NON_DIGIT = re.compile(r"\D")
# A postcode or a year before a number ("AZ 39002 602-886-2847", "2019 415 555 0134").
_LEADING_GROUP = re.compile(r"(?:\d{5}|(?:19|20)\d\d) (?=\(?\d)")
_SPACED_DASH = re.compile(r"\s[\u2013\u2014]\s")
_DATE_LIKE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d")  # 2024-05-06 14:00
# Not phone numbers although libphonenumber may accept the digits: an IPv4 address, a
# decimal number (88526114.2).
_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)")
_DECIMAL = re.compile(r"\d+\.\d{1,2}")
# Thousands grouping of a count: 15 280 387 414, 3,312,256,204 (never a phone layout).
_THOUSANDS = re.compile(r"\d{1,2}(?:([ .,])\d{3})(?:\1\d{3})+")
# Without a phone word near it, also 679.062.960 (a Spanish count; "Tel: 612.345.678" is a
# Spanish number) and the 3-2-4 layout of a US SSN ("Tel: 079-12-3456" is a phone number).
_COUNT_OR_SSN = re.compile(r"\d{3}([.,])\d{3}(?:\1\d{3})+|\d{3}-\d{2}-\d{4}")
# A draw, a score list or a table row: six or more groups of one or two digits
# (04 21 26 33 34 41 + 08), or a spaced separator used twice (35 / 22 / 83). A French
# number has five pairs; with its country code it starts with "+" and is not checked.
_SHORT_GROUPS = re.compile(r"\d{1,2}(?:[ .\-/()]{1,3}\d{1,2}){5,}")
# ... but digits typed one by one (1 3 8 1 2 3 4 5 6 7 8) are a number written to dodge filters.
_ONE_BY_ONE = re.compile(r"\d(?: \d){6,}")
_SPACED_SEPARATORS = re.compile(r"\d [-/.] \d.* [-/.] \d")
# Decimals: a list of them (185.9 87.9 274.6), a coordinate (39.420961).
_DECIMAL_LIST = re.compile(r"\d\.\d(?: |$)")
_COORDINATE = re.compile(r"[1-9]\d{0,2}\.\d{4,8}")
_ISO_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}(?!\d)")
_ISO_DATE_END = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}\Z")
# 8.7.2968.279: a version starts with single digits; 127.0.6469.199 holds a lone 0 part
_VERSION = re.compile(r"\d\.\d\.|\d+(?:\.\d+)*\.0\.\d")
_MONEY = "€$£¥%°"
# A US ZIP+4 code after its state (Phoenix, AZ 85038-3875).
_ZIP_PLUS_FOUR = re.compile(r"[A-Z]{2},? \Z")
# A decimal below one (0.22136722) or with many places (a log time, 3293.563452), a price
# range (140.00-300.00), a year and a serial (WO 2017/307693) or the other way round (a
# court case, STS 4651/2020).
_SMALL_DECIMAL = re.compile(
    r"0[.,]\d+|[1-9]\d{3,5}\.\d{5,8}|(?:19|20)\d\d/\d{4,}|\d{3,6}/(?:19|20)\d\d"
)
_PRICE_RANGE = re.compile(r"\d{1,6}\.\d{2} ?[-/] ?\d{1,6}\.\d{2}")
# A date with the hour after it (02.05.2022 23:20, 26/04/1986 01:23:45).
_DATE_THEN_MORE = re.compile(r"(?:\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2\d{4}) ")
# A date in brackets after a number (Rodada 3 (09/05/2025)).
_DATE_IN_BRACKETS = re.compile(r"\(\d{1,2}([/.-])\d{1,2}\1(?:19|20)\d\d")
# An hour after it (on 3/10/24 13:30), a negative number after it (737 116 -110), a range of
# two five-digit numbers (06459–96997) or of years (Bach (1685–1750)), a round amount
# (136 000 000).
_TIME_OR_NEGATIVE_AFTER = re.compile(r":\d\d| -\d")
_RANGE = re.compile(r"\d{5} ?- ?\d{5}")
# The layouts of national IDs (a Belgian NN 95.05.07-714.37, a Brazilian CPF 739.528.027-02):
# a number written so is never a phone number, valid or not.
# ID layouts (Belgian NN, Brazilian CPF) and a Brazilian postcode (CEP 40020-000).
_ID_LAYOUT = re.compile(r"\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}|\d{3}\.\d{3}\.\d{3}-\d{2}|\d{5}-\d{3}")
# An ISBN-10 in its hyphenated groups (6-804-60179-3), checked by its check digit.
_ISBN_GROUPS = re.compile(r"\d{1,5}-\d{1,7}-\d{1,7}-[\dX]")
# A lottery draw: five or more numbers of one or two digits, each larger than the one before.
_DRAW = re.compile(r"\d{1,2}(?:[ .\-/]\d{1,2}){4,}")
_IBAN_BEFORE = re.compile(r"[A-Z]{2}\d{2}(?: [A-Z0-9]{4})+ $")
_YEARS = re.compile(r"(1[0-9]\d\d|20\d\d) ?- ?(1[0-9]\d\d|20\d\d)")
_ROUND = re.compile(r"\d{1,3}([ .,])000(?:(?:\1)000)*")
_NEGATIVE_INSIDE = re.compile(r" -\d")
# The result of a sum (12345679 × 48 = 592 592 592), a container's serial (MSCU 057373 4), a
# US employer number (EIN 81-8905027).
_RESULT_OR_CONTAINER = re.compile(r"[\d)] ?= ?\Z|(?<![A-Za-z])(?:[A-Z]{3}[UJZ]|EIN(?::| is)?) \Z")
# The last group of a number in thousands (33,307,048 (2024 est.)): digits, a comma, and
# three digits before the candidate's first separator.
_THOUSANDS_BEFORE = re.compile(r"(?<![\d.,/-])\d{1,3}(?:,\d{3})*,$")
# Without a phone word near it, a number followed by what it counts or measures is a count
# or an amount ("212 235 419 rekordów", "13812345678 条记录", "154 638 993 zł", "0.75 BTC",
# "312 313 6936 pts"): in Polish, Spanish or French text a 3-3-3 count is also a valid local
# number.
_COUNTED = re.compile(
    r"[ \u00a0]?(?:(?:records?|rows|entries|users|accounts|people|persons|customers|members"
    r"|followers|subscribers|views|downloads|votes|registros|usuarios|cuentas|personas"
    r"|clientes|rekord\w*|użytkownik\w*|kont|osób|klient\w*|enregistrements|utilisateurs"
    r"|comptes|personnes|abonnés|datensätze|nutzer\w*|konten|personen|kunden|mitglieder"
    r"|registri|utenti|registos|utilizadores|gebruikers|actions|aktien|acciones|shares|titres"
    r"|zł|pln|eur|usd|gbp|chf|sek|nok|dkk"
    r"|czk|huf|jpy|cny|rmb|inr|brl|mxn|rub|btc|eth|usdt|sats|euros?|dollars?|yuan|pts"
    r"|points|km|kg|mb|gb|tb|tokens|bytes|requests|hits|impressions|likes|clicks|streams"
    r"|plays|visits|visitors|units|items|pcs|vues|aufrufe|visualizaciones|wyświetle\w*"
    r"|görüntülenme)(?![^\W\d_])|[条万亿户元円원块]|人次)",
    re.IGNORECASE,
)
# One dot between two runs of digits is a decimal point (2316.6368 @ 36416.36) unless a phone
# word labels the number ("Tel. 2316.6368").
_ONE_DOT = re.compile(r"\d+\.\d+")
_WORD_BEFORE_GLUE = re.compile(r"([^\W\d_]+)[./-]$")
GLUE_LABELS = frozenset(
    [
        "tel",
        "tél",
        "mob",
        "ph",
        "fax",
        "tlf",
        "telf",
        "cel",
        "nr",
        "no",
        "handy",
        "mobil",
        "fon",
        "phone",
        "mobile",
        "cell",
        "telefon",
        "whatsapp",
        "wa",
        "port",
        "handynr",
        "telnr",
        "mobilnr",
    ]
)
# An unbroken run of digits is a count, a build or a reference number as often as a phone
# number; without a phone word it is reported only in the shapes people write phone numbers
# unbroken: a Chinese mobile, or a national number with its trunk prefix (0655434103).
_STRONG_UNBROKEN = re.compile(r"1[3-9]\d{9}|0\d{9,10}|01[5-7]\d{9}")  # (German mobiles: 12)
WEAK_SCORE = 0.45

CONTEXT = (
    "tel",
    "zap",
    "info al",
    "연락처",
    "전화",
    "휴대폰",
    "핸드폰",
    "搵我",
    "phone",
    "phonenumber",
    "mobile",
    "cell",
    "call",
    "text me",
    "mob",
    "su número",
    "mi número",
    "son numéro",
    "mon numéro",
    "mon num",
    "son num",
    "puh",  # Finnish: puhelin
    "his number",
    "her number",
    "seine nummer",
    "ihre nummer",
    "llamad",
    "llama al",
    "llámame",
    "ruft an",
    "anrufen",
    "appelez",
    "appelle",
    "tlf",
    "text",
    "txt",
    "sms",
    "短信",
    "whatsapp",
    "signal",
    "telegram",
    "电话",
    "致电",
    "来电",
    "拨打",
    "電話",
    "手机",
    "手機",
    "联系",
    "联系方式",
    "微信",
    "收件人",  # a shipping label's recipient: name and mobile (a leaked parcel photo)
    "收货人",
    "寄件人",
    "téléphone",
    "telephone",
    "tél",
    "portable",
    "joindre",
    "appeler",
    "telefon",
    "handy",
    "mobil",
    "rufnummer",
    "teléfono",
    "telefono",
    "móvil",
    "movil",
    "celular",
    "cel:",
    "cel.",
    "escríbeme",
    "contactar",
    "hit him up",
    "hit her up",
    "hit me up",
    "reach me",
    "reach him",
    "reach her",
    "joignable",
    "erreichbar",
    "informar al",
    "llamar al",
    "handynr",
    "tfno",
    "📱",
    "📞",
    "☎",
    # Polish, Turkish, Dutch, Portuguese, Italian, Swedish, Japanese
    "komórka",
    "komórkowy",
    "numer telefonu",
    "gsm",
    "cep tel",  # (not "CEP": a Brazilian postcode)
    "numarası",
    "telefoonnummer",
    "mobiel",
    "bel me",
    "telemóvel",
    "telemovel",
    "cellulare",
    "chiamatelo",
    "chiamami",
    "ring",
    "mobilnummer",
    "携帯",
    "電話番号",
    "тел",
    "телефон",
    "моб",
    "мобильный",
    "звоните",
)


_TYPES = (
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "personal_number",
    "voip",
    "pager",
    "uan",
    "voicemail",
)


@cache
def _national_pattern(region: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Union of the number-type patterns of every region sharing ``region``'s country code
    (libphonenumber metadata), and its national prefix for parsing."""
    md = PhoneMetadata.metadata_for_region(region)
    if md is None:
        return None, None
    parts = []
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(md.country_code, (region,))
    for other in regions:
        omd = PhoneMetadata.metadata_for_region(other)
        if omd is None:
            continue
        for name in _TYPES:
            desc = getattr(omd, name, None)
            if desc is not None and desc.national_number_pattern:
                parts.append(f"(?:{desc.national_number_pattern})")
    if not parts:
        return None, None
    prefix = md.national_prefix_for_parsing or md.national_prefix or ""
    return re.compile("|".join(parts)), (re.compile(prefix) if prefix else None)


@cache
def _national_widths(region: str) -> tuple[int, int]:
    """Bounds on the length of a string :func:`_national_pattern` can match (from the
    regex parse tree, so a length outside them cannot match: no need to run the regex)."""
    pattern, _prefix = _national_pattern(region)
    if pattern is None:
        return 0, MAXREPEAT
    return sre_parse(pattern.pattern).getwidth()  # type: ignore[no-any-return]


def plausible(digits: str, region: str) -> bool:
    """Cheap pre-check of a national number against the country's type patterns."""
    pattern, prefix = _national_pattern(region)
    if pattern is None:
        return True
    lo, hi = _national_widths(region)
    n = len(digits)
    if lo <= n <= hi and pattern.fullmatch(digits):
        return True
    if prefix is None:
        return False
    m = prefix.match(digits)
    if not m or m.end() == 0:
        return False
    rest = digits[m.end() :]
    rule = _transform_rule(region)
    if rule and m.lastindex and m.group(m.lastindex):
        rest = m.expand(rule) + rest  # Argentina: 011 15-2223-0887 is 9 11 2223-0887
    return lo <= len(rest) <= hi and bool(pattern.fullmatch(rest))


@cache
def _transform_rule(region: str) -> str | None:
    """How the region rewrites what its national prefix pattern captured (metadata)."""
    md = PhoneMetadata.metadata_for_region(region)
    return md.national_prefix_transform_rule if md is not None else None


@cache
def _dialling_prefixes(region: str) -> tuple[re.Pattern[str] | None, str]:
    """The region's international (IDD) prefix pattern and country code (metadata)."""
    md = PhoneMetadata.metadata_for_region(region)
    if md is None:
        return None, ""
    idd = re.compile(md.international_prefix) if md.international_prefix else None
    return idd, str(md.country_code)


def may_hold_number(digits: str, region: str) -> bool:
    """Whether an unbroken run of digits can parse as a valid number of ``region``: it must
    start with the region's IDD prefix or country code, or be :func:`plausible` as a national
    number. (An unbroken run cannot be split, so this is all the matcher could find.)"""
    idd, country_code = _dialling_prefixes(region)
    if idd is None:
        return True
    if idd.match(digits) or digits.startswith(country_code):
        return True
    return plausible(digits, region)


def not_a_phone_number(text: str, start: int, end: int) -> bool:
    """Shapes that libphonenumber may accept but people do not write a phone number in: a
    date (with a time or more numbers after it), an IPv4 address, a decimal, a count, a draw
    or score list, decimals, coordinates and versions, an amount (a currency or unit sign
    next to it), a negative number."""
    raw = text[start:end]
    if _DATE_LIKE.fullmatch(raw.strip()) or _DATE_TIME.match(raw):
        return True
    if _IPV4.fullmatch(raw) or _DECIMAL.fullmatch(raw) or _THOUSANDS.fullmatch(raw):
        return True
    if _ROUND.fullmatch(raw) or _ID_LAYOUT.fullmatch(raw):
        return True
    if _ISBN_GROUPS.fullmatch(raw) and isbn.is_valid(raw):
        return True
    if _IBAN_BEFORE.search(text, max(0, start - 40), start):
        return True  # the tail of an IBAN (BG33 FINV 0976 8531 9847 39)
    years = _YEARS.fullmatch(raw)
    if years and years.group(1) < years.group(2):
        return True
    if not raw.startswith(("+", "00")) and (
        (len(raw) >= 11 and _SHORT_GROUPS.fullmatch(raw) and not _ONE_BY_ONE.fullmatch(raw))
        or (" " in raw and _SPACED_SEPARATORS.search(raw))
    ):
        return True
    if "." in raw and (
        _DECIMAL_LIST.search(raw) or _COORDINATE.fullmatch(raw) or _VERSION.match(raw)
    ):
        return True
    if raw[4:5] == "-" and _ISO_DATE_START.match(raw):
        return True
    if raw[-3:-2] == "-" and _ISO_DATE_END.search(raw):
        return True  # a thread's "2/3" before a date: "2/3 1959-12-21出生"
    if _SMALL_DECIMAL.fullmatch(raw) or _PRICE_RANGE.fullmatch(raw) or _DATE_THEN_MORE.match(raw):
        return True
    if "(" in raw and _DATE_IN_BRACKETS.search(raw):
        return True
    if _TIME_OR_NEGATIVE_AFTER.match(text, end) or _RANGE.fullmatch(raw):
        return True
    if " -" in raw and _NEGATIVE_INSIDE.search(raw):
        return True  # coordinates: 737 116 -110
    if raw[5:6] == "-" and len(raw) == 10 and _ZIP_PLUS_FOUR.search(text, max(0, start - 4), start):
        return True
    before = text[start - 1] if start else ""
    after = text[end : end + 2].lstrip()[:1]
    if (before and before in _MONEY) or (after and after in _MONEY):
        return True
    if _RESULT_OR_CONTAINER.search(text, max(0, start - 8), start):
        return True
    if (
        before == ","
        and raw[:3].isdigit()
        and not raw[3:4].isdigit()
        and _THOUSANDS_BEFORE.search(text, max(0, start - 40), start)
    ):
        return True  # the last group of a number in thousands: 33,307,048 (2024 est.)
    if before in (".", "/", "-") and start >= 2 and text[start - 2].isalpha():
        # glued to a word by a dot (WPAI.807431.269) or to a code's capitals by a slash or a
        # dash (FV/131/10/2023, E-7771-9515), unless the word is a label (Tel.06..., Tel-06...)
        word = _WORD_BEFORE_GLUE.search(text, max(0, start - 16), start)
        if word is None or word.group(1).lower() in GLUE_LABELS:
            return False
        return before == "." or word.group(1).isupper()
    # a negative number (-39.4209), not a label's dash (Mobile:-+91 ...)
    return before == "-" and raw[0].isdigit() and (start < 2 or text[start - 2] in " \t\n(,;")


def is_draw(raw: str) -> bool:
    """Whether ``raw`` reads as a lottery draw (see ``_DRAW``): 26 39 41 42 54, 7-12-13-30-38."""
    if raw[0] == "0" or not _DRAW.fullmatch(raw):
        return False  # (06 12 34 56 78 is a French number)
    numbers = [int(n) for n in _DIGIT_GROUP.findall(raw)]
    return all(a < b for a, b in pairwise(numbers))


_BRACKETED_CODE = re.compile(r"\(\+?(\d{1,3})\)\s?")
# China's code before a mobile number without a "+" (86-19763247045, 86 139 1234 5678).
_CN_CODE_MOBILE = re.compile(r"86[- ]?(1[3-9]\d(?:[- ]?\d{4}){2})")


def international_form(raw: str) -> str | None:
    """``raw`` written with a ``+``, if it is international: ``+...`` itself, ``00 44 ...``
    as ``+44 ...``, a country calling code in brackets, ``(+86)181...`` or ``(852) 5814
    7065``, as ``+86 181...`` (a bracketed code without ``+`` may also be an area code), and
    China's code before a mobile number, ``86-19763247045``."""
    if raw.startswith("+"):
        return raw
    if raw.startswith("00"):
        return "+" + raw[2:]
    m = _BRACKETED_CODE.match(raw)
    if m and int(m.group(1)) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        return f"+{m.group(1)} {raw[m.end() :]}"
    m = _CN_CODE_MOBILE.fullmatch(raw)
    if m:
        return f"+86 {m.group(1)}"
    return None


def written_as_dialled(raw: str, num: phonenumbers.PhoneNumber) -> bool:
    """A national number must carry the trunk prefix its country dials (``02 ...`` in France,
    ``030 ...`` in Germany); ``286 594 491`` is a share count, not a French phone number."""
    if raw.startswith(("+", "00", "0", "(0")):
        return True
    national = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    want = national.lstrip("(")[:1]
    have = raw.lstrip("(")[:1]
    return want != "0" or have == "0"


def whole_number(
    raw: str,
    regions: tuple[str, ...],
    grouped_in: tuple[str, ...] = (),
    stated: Collection[str] = (),
) -> tuple[phonenumbers.PhoneNumber, str | None] | None:
    """``raw`` as one valid number, written as dialled, in the first of ``regions`` where it
    is one: (number, its region), else None. But a national number written in another
    count of digit groups than that region writes it goes to the first region (of
    ``regions``, then ``grouped_in``) where it is valid and grouped as written (``078 527 51
    87`` is Swiss, not the French ``07 85 27 51 87``), else to one with as many groups;
    not if the post states its country (``stated``) and the number is valid there."""
    first = None
    for region in regions:
        found = _valid_in(raw, region)
        if found is not None:
            if (
                raw[0] == "+"
                or found[1] in stated
                or (len(regions) == 1 and not grouped_in)  # (no other region to prefer)
                or _grouping_fit(raw, found[0])
            ):
                return found
            first = found
            break
    if first is None:
        return None
    same_count = None
    for region in regions + tuple(r for r in grouped_in if r not in regions):
        found = _valid_in(raw, region) if region != first[1] else None
        if found is not None:
            fit = _grouping_fit(raw, found[0])
            if fit == 2:
                return found
            if fit == 1 and same_count is None:
                same_count = found
    return same_count or first


_DIGIT_GROUP = re.compile(r"\d+")


def _valid_in(raw: str, region: str) -> tuple[phonenumbers.PhoneNumber, str | None] | None:
    """``raw`` parsed in ``region``, if that is a valid number written as dialled."""
    try:
        num = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    # phonenumbers.is_valid_number(num), keeping the region it looks up
    country = phonenumbers.region_code_for_number(num)
    if phonenumbers.is_valid_number_for_region(num, country) and written_as_dialled(raw, num):
        return num, country
    return None


def _grouping_fit(raw: str, num: phonenumbers.PhoneNumber) -> int:
    """How ``raw`` groups its digits against the number's national format: 2 the same
    groups (or ``raw`` has no groups), 1 as many groups, 0 another count."""
    groups = _DIGIT_GROUP.findall(raw)
    if len(groups) == 1:
        return 2
    national = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    written = _DIGIT_GROUP.findall(national)
    return 2 if groups == written else 1 if len(groups) == len(written) else 0


_REGIONS_MEMO: dict[tuple[frozenset[str], frozenset[str], bool, bool, bool], tuple[str, ...]] = {}


def regions_for(doc: Doc) -> tuple[str, ...]:
    """The regions to try: from the hints and the scripts in the text (memoised by those)."""
    key = (
        frozenset(doc.countries),
        frozenset(doc.languages),
        doc.has_han,
        doc.has_kana,
        doc.has_hangul,
    )
    found = _REGIONS_MEMO.get(key)
    if found is None:
        if len(_REGIONS_MEMO) > 1024:
            _REGIONS_MEMO.clear()
        found = _REGIONS_MEMO[key] = _regions_for(doc)
    return found


def _regions_for(doc: Doc) -> tuple[str, ...]:
    regions: list[str] = []
    for c in sorted(doc.countries):
        if c in phonenumbers.SUPPORTED_REGIONS:
            regions.append(c)
    for lang in sorted(doc.languages):
        regions.extend(LANGUAGE_REGIONS.get(lang, ()))
    if doc.has_han:
        regions.extend(LANGUAGE_REGIONS["zh"])
    if doc.has_kana:
        regions.append("JP")
    if doc.has_hangul:
        regions.append("KR")
    if not regions:
        regions.extend(DEFAULT_REGIONS)
    return tuple(dict.fromkeys(regions))


class PhoneRecognizer(Recognizer):
    kind = "phone"
    scheme = "phone"
    context = CONTEXT
    # a number an "id" key or label names is an identifier ("phone": "...", "id": 1697159)
    negative = (
        *NEGATIVE_WORDS,
        '"id"',
        "'id'",
        "id:",
        "id number",
        "id no",
        # a meeting's number is dialled into, not a person's (ID de reunión 495 504 4771)
        "meeting id",
        "meeting-id",
        "webinar id",
        "zoom id",
        "id de reunión",
        "id de la reunión",
        "id de réunion",
        "id de la réunion",
        "besprechungs-id",
        "konferenz-id",
        "会议号",
        "会议id",
        "会议 id",
        "ミーティングid",
        "ミーティング id",
        # a game's friend code (Codice: 3678 0374 0743)
        "friend code",
        "codice",
        "código de amigo",
        "freundescode",
        "code ami",
        "好友代码",
        "フレンドコード",
        # a study's sample size (n = 830 809 350)
        "n =",
        "n=",
        # a measurement's key (total_bytes=15926763953)
        "bytes",
        "tokens",
        "elapsed",
    )
    base_score = 0.75
    context_score = 0.93
    min_digits = 6

    def _emit(
        self,
        doc: Doc,
        start: int,
        end: int,
        num: phonenumbers.PhoneNumber,
        country: str | None,
        base: float | None = None,
    ) -> Candidate:
        value = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        cand = self.candidate(doc, start, end, value, {"region": country}, base=base)
        cand.country = country
        return cand

    def other_regions(
        self, doc: Doc, start: int, end: int, digits: str, hinted: tuple[str, ...]
    ) -> tuple[str, ...]:
        """The default regions not hinted whose number patterns fit ``digits``, if a phone
        word is near (without one, a number of a foreign plan is too weak a signal), and more
        regions if a phone word labels it (WhatsApp (11) 97758-9565)."""
        if self.score(doc, start, end, 0.0, 1.0) < 0.5:
            return ()
        regions = LABELLED_REGIONS if self.labelled(doc, start) else DEFAULT_REGIONS
        return tuple(r for r in regions if r not in hinted and plausible(digits, r))

    @staticmethod
    def without_tail(
        raw: str, start: int, end: int, tried: tuple[str, ...]
    ) -> tuple[int, tuple[phonenumbers.PhoneNumber, str | None] | None]:
        """The end and number of ``raw`` (an international number) without its last one or
        two space-separated groups, where that is one valid number; else ``end`` and None."""
        cut = raw
        for _ in range(2):
            space = cut.rfind(" ")
            if space <= 3:
                break
            cut = cut[:space].rstrip(" -./")
            form = international_form(cut)
            whole = whole_number(form, tried) if form is not None else None
            if whole is not None:
                return start + len(cut), whole
        return end, None

    def candidate_spans(self, doc: Doc) -> Iterator[tuple[int, int]]:
        """Where phone numbers may be: the matches of the candidate pattern, cut before a
        bracket of one to three digits that does not close in it ("7.108.439 (31,7%)"), and
        a Chinese mobile cut at a full stop after it ("16672456272。12105人点赞"; unlike
        "138。1234。5678"), and split at a spaced en or em dash (punctuation, not a
        separator of digit groups)."""
        folded = doc.folded
        for m in _CANDIDATE.finditer(folded):
            start, end = m.span()
            bracket = folded.rfind("(", start + 1, end)
            if bracket != -1 and end - bracket <= 4 and folded.find(")", bracket, end) == -1:
                end = bracket
                while folded[end - 1] == " ":
                    end -= 1
            stop = doc.text.find("。", start, end)
            if stop != -1 and _STRONG_UNBROKEN.fullmatch(doc.folded, start, stop):
                end = stop
            for dash in _SPACED_DASH.finditer(doc.text, start, end):
                yield start, dash.start()  # "OH 25964 — (702) 854-1056": two numbers
                start = dash.end()
            yield start, end

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        regions: tuple[str, ...] | None = None
        text = doc.folded
        for start, end in self.candidate_spans(doc):
            raw = text[start:end]
            # raw holds \d digits, separators and an extension: \D drops all but the digits
            digits = _NON_DIGIT.sub("", raw.split("x")[0].split("#")[0])
            if len(digits) < 7 or len(digits) > 30:
                continue
            if not_a_phone_number(text, start, end):
                continue
            if _COUNT_OR_SSN.fullmatch(raw) and self.score(doc, start, end, 0, 1) < 0.5:
                continue
            if (_COUNTED.match(text, end) or _ONE_DOT.fullmatch(raw) or is_draw(raw)) and not (
                self.labelled(doc, start) or doc.labelled_by_column(start, self.context)
            ):
                continue  # (a phone word elsewhere in the post does not make it a phone)
            base = None
            if (raw.isdigit() and not _STRONG_UNBROKEN.fullmatch(raw)) or (
                " " in raw and _ONE_BY_ONE.fullmatch(raw)
            ):
                base = WEAK_SCORE  # (digits typed one by one: a phone word decides)
                if self.hopeless(doc, start, end, base):
                    continue
            if doc.claimed(start, end):
                continue
            if regions is None:
                regions = regions_for(doc)
            intl = international_form(raw)
            explicit = raw.startswith(("+", "00", "(+"))  # written as an international number
            if explicit:
                # International numbers parse in any region: try just one.
                tried: tuple[str, ...] = regions[:1]
            elif len(digits) > 17:
                tried = ()
            else:
                tried = tuple(r for r in regions if plausible(digits, r))
                if not tried:
                    # Next to a phone word, a number of another region than the hints
                    # suggest (a US number in a Chinese post) is still a phone number.
                    tried = self.other_regions(doc, start, end, digits, regions)
                lead = None if tried else _LEADING_GROUP.match(raw)
                if lead is not None and not not_a_phone_number(text, start + lead.end(), end):
                    # a postcode or a year before the number: "AZ 39002 602-886-2847"
                    start, raw = start + lead.end(), raw[lead.end() :]
                    digits = _NON_DIGIT.sub("", raw)
                    tried = tuple(r for r in regions if plausible(digits, r))
                if not tried and intl is None:
                    continue  # no region's number patterns fit (and too short to split)
            if self.score(doc, start, end, 1.0, 1.0) < doc.min_score:
                continue  # negative context or URL: cannot reach the reporting threshold
            # Fast path: the whole candidate is one number ("0044 ..." dialled from Europe is
            # "+44 ...": 00 is not every region's international prefix).
            first = intl if explicit else raw  # (None: a bracketed code no country has)
            grouped_in = () if doc.languages or doc.countries else GROUPING_REGIONS
            whole = (
                whole_number(first, tried, grouped_in, doc.countries) if first is not None else None
            )
            if whole is None and not explicit and tried and tried[0] in regions:
                others = self.other_regions(doc, start, end, digits, regions)
                whole = whole_number(raw, others) if others else None
            if whole is None and not explicit and intl is not None:
                whole = whole_number(intl, regions[:1])  # (852) 5814 7065: a country code
            if whole is None and explicit and " " in raw:
                # an international number with another number after it: "+33 6 69 12 37 20
                # 361,58 €", "+4917006989299 6.609 Mal geteilt"
                end, whole = self.without_tail(raw, start, end, tried)
            if whole is not None:
                yield self._emit(doc, start, end, *whole, base=base)
                continue
            if len(digits) < 18:
                continue
            found = False
            # Several numbers run together: let the matcher split the window.
            unbroken = raw.isdigit()
            for region in regions:
                if unbroken and not may_hold_number(digits, region):
                    continue
                for pm in PhoneNumberMatcher(raw, region, leniency=Leniency.VALID, max_tries=8):
                    found = True
                    country = phonenumbers.region_code_for_number(pm.number)
                    # an unbroken piece of a run (a barcode, then a SKU) is as weak as alone
                    weak = pm.raw_string.isdigit() and not _STRONG_UNBROKEN.fullmatch(pm.raw_string)
                    yield self._emit(
                        doc,
                        start + pm.start,
                        start + pm.end,
                        pm.number,
                        country,
                        base=WEAK_SCORE if weak else base,
                    )
                if found:
                    break
