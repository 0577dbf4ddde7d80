"""Dates of birth: a date in a common written form, preceded by birth context.

Forms: ``1954年10月24日``, ISO ``1954-10-24``, ``10/24/1954`` and ``24/10/1954``,
``24.10.1954``, ``October 24, 1954``, ``24 October 1954``, ``24 octobre 1954``,
``24. Oktober 1954``, ``24 de octubre de 1954``, ``19541024`` and ``一九五四年十月二十四日``;
``10/24/54`` (a two-digit year) only right after the birth word. A date is reported only
when a birth word (出生, 生日, born, DOB, né le, date de naissance, geboren, fecha de
nacimiento, ...) precedes it closely with no other date in between; meeting and news dates
are not findings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers._dates import make_date
from pipelines.pii.recognizers.base import Recognizer
from pipelines.pii.text import SENTENCE_END, Doc

MONTHS = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "févr": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12, "déc": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "juni": 6, "juli": 7,
    "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
    # abbreviations (Spanish, French, German)
    "ene": 1, "abr": 4, "ago": 8, "dic": 12, "janv": 1, "fév": 2, "fev": 2, "mär": 3, "mrz": 3,
    # Portuguese
    "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "maio": 5, "junho": 6, "julho": 7,
    "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    # Italian
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
    # Polish (genitive, as in dates)
    "stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6, "lipca": 7,
    "sierpnia": 8, "września": 9, "października": 10, "listopada": 11, "grudnia": 12,
    # Swedish, Norwegian, Danish (the others as in Dutch, German or English)
    "maj": 5, "augusti": 8,
    # Turkish
    "ocak": 1, "şubat": 2, "mart": 3, "nisan": 4, "mayıs": 5, "haziran": 6, "temmuz": 7,
    "ağustos": 8, "eylül": 9, "ekim": 10, "kasım": 11, "aralık": 12,
    # Russian and Ukrainian (genitive, as in dates)
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
    "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6, "липня": 7,
    "серпня": 8, "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
}  # fmt: skip


def month_number(word: str) -> int | None:
    """The month a month word names; Turkish dotted and dotless i fold to i (MAYIS, NİSAN)."""
    return _MONTH_KEYS.get(word.lower().replace("\u0307", "").replace("ı", "i"))


_MONTH_KEYS = {name.replace("ı", "i"): number for name, number in MONTHS.items()}
# Japanese eras: the Gregorian year before each era's first (平成10年 is 1998).
# Japanese eras, and Taiwan's Republic era (民國65年 is 1976).
ERAS = {
    "明治": 1867,
    "大正": 1911,
    "昭和": 1925,
    "平成": 1988,
    "令和": 2018,
    "民國": 1911,
    "民国": 1911,
}

_HAN_DIGITS = "〇零一二三四五六七八九"
_HAN_NUMBERS = "〇零一二三四五六七八九十"
# A Latin or Cyrillic word, checked against MONTHS afterwards (października, ağustos, марта);
# not Han characters ("3 出生日期1978-04-07" is no day, month and year).
_M = r"[A-Za-z\u00c0-\u024f\u0400-\u04ff]{3,12}"
_NB = r"(?<![0-9A-Za-z])"
_NA = r"(?![0-9A-Za-z])"
# Every form but "Month DD, YYYY" starts with a digit after no letter or digit: those share
# one guard, so the scanner rejects most positions with one look-around instead of five.
_DATES = (
    rf"{_NB}(?=\d)(?:"
    rf"(?:(?P<zy>\d{{4}})|(?P<zsy>\d{{2}})) ?[年년] ?(?P<zm>\d{{1,2}}) ?[月월] ?"
    rf"(?P<zd>\d{{1,2}}) ?[日号일]?"
    rf"|(?P<iy>\d{{4}})(?P<isep>[-/.])(?P<im>\d{{1,2}})(?P=isep)(?P<id>\d{{1,2}}){_NA}"
    rf"|(?P<na>\d{{1,2}})(?P<nsep>[-/.])(?P<nb>\d{{1,2}})(?P=nsep)"
    rf"(?:(?P<ny>\d{{4}})|(?P<sy>\d{{2}})){_NA}"
    rf"|(?P<dd>\d{{1,2}})(?:st|nd|rd|th|er|\.)?[ -]?(?:of |de )?(?P<dm>{_M})\.?,?[ -]?"
    rf"(?:de |del )?(?:(?P<dy>\d{{4}})|(?P<dsy>\d{{2}})(?![.,:/]\d)){_NA}"
    rf"|(?P<cy>(?:19|20)\d{{2}})(?P<cm>[01]\d)(?P<cd>[0-3]\d){_NA})"
    # (possessive: no letter follows the month word, so giving letters back cannot help)
    rf"|(?<![A-Za-z])(?P<mm>{_M}+)\.? (?P<md>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<my>\d{{4}}){_NA}"
)
PATTERN = re.compile(_DATES, re.IGNORECASE)
# With dates in Chinese numerals (一九五四年十月二十四日), for texts that hold Han characters.
PATTERN_HAN = re.compile(
    rf"{_DATES}|(?P<hy>[{_HAN_DIGITS}]{{4}}) ?年 ?(?P<hm>[{_HAN_NUMBERS}]{{1,3}}) ?月 ?"
    rf"(?P<hd>[{_HAN_NUMBERS}]{{1,3}}) ?[日号]"
    # an era year: 平成10年4月8日, 昭和元年, 民國65年2月16日
    rf"|(?P<era>{'|'.join(ERAS)}) ?(?P<ey>\d{{1,3}}|元) ?年 ?(?P<em>\d{{1,2}}) ?月 ?"
    rf"(?P<ed>\d{{1,2}}) ?日",
    re.IGNORECASE,
)
# A two-digit year ("DOB: 10/24/54") is taken only this close after the birth word.
SHORT_YEAR_WINDOW = 16

CONTEXT = (
    "出生",
    "生日",
    "生于",
    "生辰",
    "出世",
    "生年月日",
    "誕生日",
    "born",
    "birth",
    "birthday",
    "bday",
    "b-day",
    "b'day",
    "dob",
    "d.o.b",
    "né",
    "née",
    "naissance",
    "naît",
    "geboren",
    "geb.",
    "geb",
    "geburtsdatum",
    "geburtstag",
    "nacido",
    "nací",
    "naiss.",
    "nacida",
    "nació",
    "nacimiento",
    "cumpleaños",
    "birthdate",
    "dateofbirth",
    "nac.",
    "fecha nac",
    "ddn",
    "🎂",
    # Portuguese, Italian, Dutch, Polish, Korean, Japanese
    "nascido",
    "nascida",
    "nascimento",
    "nato il",
    "nata il",
    "nato/a",
    "nata/o",
    "data di nascita",
    "geboortedatum",
    "geboren op",
    "urodzony",
    "urodzona",
    "urodzenia",
    "ur.",
    "생년월일",
    "출생",
    "생일",
    # Turkish, Swedish, Norwegian, Danish, Finnish, Italian
    "doğum",
    "doğumlu",
    "född",
    "föddes",
    "födelsedatum",
    "födelsedag",
    "født",
    "fødd",
    "fødselsdato",
    "syntymäaika",
    "nascita",
    # Russian, Ukrainian
    "дата рождения",
    "родился",
    "родилась",
    "рождения",
    "дата народження",
    "народився",
    "народилася",
)
# Birth words in the plural name a kind of data ("names, e-mails and dates of birth leaked,
# says a statement of 23/05/2019"): they count only as a label right before the date.
PLURAL_WORDS = (
    "dates of birth",
    "birth dates",
    "birthdates",
    "dates de naissance",
    "fechas de nacimiento",
    "geburtsdaten",
    "datas de nascimento",
    "geboortedata",
)
PLURAL_LENGTH = max(map(len, PLURAL_WORDS))
# Birth words written after the date: "1988年5月20日生，", "1992年11月3日出生", "March 3, 1990
# is her birthday"; a bare 生 only right after the date and before punctuation (生效 is
# "takes effect").
_AFTER = re.compile(
    r" ?(?:出生|诞生|誕生|出世|生人|生的|生まれ|출생|생|生(?=[\s，,。.;；、)）!！]|$))"
)
AFTER_WORDS = (
    "birthday",
    "geburtstag",
    "cumpleaños",
    "anniversaire",
    "geboren",
    "born",
    "zur welt gekommen",
    "doğumlu",
)
_AFTER_WORD_SET = frozenset(AFTER_WORDS)
AFTER_WINDOW = 20
_AFTER_STOP = re.compile(r"[.;|\n!?。；！？]")  # the end of the date's sentence or field
# What the after-words hold beyond CONTEXT.
_AFTER_ANYWHERE = re.compile("生|생|anniversaire|zur welt gekommen")
# "b. 7/22/2002" (born): a lower-case b. of its own right before the date ("Plan B. 12/03")
# or the German genealogical star in brackets: "(* 17.7.1967 in Hamburg)" (not a bullet's *)
_BORN_ABBREVIATION = re.compile(r"(?<![^\W_])b\. ?$|\(\* ?$")
MDY_COUNTRIES = {"US", "PH", "FM", "PW", "MH"}
WINDOW = 48
# A pet's birthday is not a person's date of birth ("Unser Hund Bello, geboren am ...").
ANIMAL_WORDS = (
    "dog",
    "puppy",
    "cat",
    "kitten",
    "pet",
    "horse",
    "hamster",
    "rabbit",
    "parrot",
    "bird",
    "guinea pig",
    "lapin",
    "perroquet",
    "hámster",
    "loro",
    "conejo",
    "kaninchen",
    "papagei",
    "meerschweinchen",
    "仓鼠",
    "兔",
    "鹦鹉",
    "hund",
    "welpe",
    "katze",
    "kater",
    "haustier",
    "chien",
    "chiot",
    "chat",
    "chaton",
    "perro",
    "perrito",
    "gato",
    "gatito",
    "mascota",
    "cane",
    "gatto",
    "cachorro",
    "hond",
    "kat",
    "pies",
    "kot",
    "狗",
    "猫",
    "宠物",
    "寵物",
    "犬",
    "강아지",
    "고양이",
    "🐶",
    "🐱",
    "🐕",
    "🐈",
)
ANIMAL_WINDOW = 80
_CLAUSE_END = re.compile(r"[\n:：;；。！？!?，,]|\.(?:\s|$)")
PET_MAX_AGE_DAYS = 30 * 365
# In the date's clause, a birth date that is not a person's: a company's, a project's
# ("This company was born on 8 December 2015"), or a cohort's ("people born before 6 April
# 1951", "Kinder, die bis zum 30.09.2020 geboren sind", "适龄儿童").
NOT_A_PERSON_WORDS = (
    "company",
    "startup",
    "project",
    "blog",
    "brand",
    "channel",
    "podcast",
    "website",
    "entreprise",
    "projet",
    "société",
    "marque",
    "chaîne",
    "empresa",
    "proyecto",
    "marca",
    "unternehmen",
    "projekt",
    "公司",
    "项目",
    "品牌",
    "频道",
    "people born",
    "those born",
    "anyone born",
    "everyone born",
    "babies born",
    "children born",
    "kids born",
    "residents born",
    "applicants born",
    "personnes nées",
    "enfants nés",
    "bébés nés",
    "personas nacidas",
    "niños nacidos",
    "nacidos entre",
    "kinder, die",
    "personen, die",
    "alle, die",
    "适龄儿童",
    # a shop's anniversary: 我们店开业三周年生日（2023.4.6）
    "开业",
    "周年",
    "店庆",
    "対象",
)
# The date of something else that a birth word names (a song, a film, a company's
# "birthday"): an event word between the birth word and the date, or right after the date.
EVENT_WORDS = (
    # another event in the life of someone born: "born in Ohio but moved to Texas on ...",
    # "née à Lyon, installée à Paris depuis le ...", a birthday party, a birth certificate
    "moved",
    "since",
    "depuis",
    "seit",
    "installé",
    "installée",
    "搬到",
    "搬来",
    "到货",
    "birth certificate",
    "acte de naissance",
    "acta de nacimiento",
    "geburtsurkunde",
    "出生证明",
    "出生證明",
    "birthday party",
    "birthday dinner",
    # a birthday sale or cake, a deadline, a tour ("Born to Run tour: tickets on sale ...")
    "蛋糕",
    "tour",
    "tickets",
    "on sale",
    "until",
    "nur bis",
    "jusqu'au",
    "hasta el",
    # birth statistics: "1987年の出生数は…、令和5年9月28日に発表" (the date of a report)
    "births",
    "naissances",
    "nacimientos",
    "geburten",
    "出生数",
    "出生率",
    "出生人口",
    "出生人数",
    "出生者数",
    "출생아",
    "출생률",
    "birth rate",
    "birthrate",
    "natalité",
    "geburtenrate",
    "geburtenzahl",
    "natalidad",
    "birthday lunch",
    "birthday brunch",
    "birthday celebration",
    "birthday trip",
    "booked for",
    "birthday sale",
    "birthday gift",
    "birthday present",
    "fête d'anniversaire",
    "fiesta de cumpleaños",
    "geburtstagsfeier",
    "geburtstagsparty",
    "生日派对",
    "生日礼物",
    "生日会",
    "生日聚会",
    "店庆",
    "appointment",
    "meeting",
    "会议",
    "konzert",
    "concert",
    "réunion",
    "reunión",
    "rendez-vous",
    "rdv",
    "termin",
    # a cohort's bounds: "born before 6 April 1951", "出生于2017年9月1日至2018年8月31日"
    "before",
    "after",
    "between",
    "prior to",
    "until",
    "vor dem",
    "nach dem",
    "bis zum",
    "zwischen",
    "ab dem",
    "avant le",
    "après le",
    "à partir du",
    "entre le",
    "antes del",
    "después del",
    "a partir del",
    "entre el",
    "defaults to",
    "以前",
    "以后",
    "之前",
    "之后",
    "から",
    "came out",
    "released",
    "premiered",
    "founded",
    "incorporated",
    "established",
    "launched",
    "published",
    "aired",
    "gegründet",
    "erschienen",
    "veröffentlicht",
    "fondée",
    "fondé",
    "sorti",
    "sortie",
    "fundada",
    "fundado",
    "estreno",
    "estrenó",
    "publicado",
    "成立",
    "上映",
    "发布",
    "發布",
    "发行",
    "發行",
    "首映",
    "出版",
    "创立",
    "lanzada",
    "lanzado",
    "lancé",
    "lancée",
    "lançado",
    "发售",
    "発売",
    # 生 of another word: 发生 (occurred), 発生日 (date of occurrence), 产生 (produced)
    "发生于",
    "發生於",
    "发生在",
    "发生日",
    "発生日",
    "發生日",
    "产生于",
    "產生於",
    "발생일",
    "출시",
    "설립",
    "창립",
    "設立",
    "創業",
    "創立",
    # a death, a deadline: a date of something else
    "died",
    "deceased",
    "passed away",
    "deadline",
    "décédé",
    "décédée",
    "mort le",
    "morte le",
    "gestorben",
    "verstorben",
    "falleció",
    "murió",
    "去世",
    "逝世",
    "截止",
    # an example of the date format
    "e.g.",
    "for example",
    "format",
    "ex.",
    "exemple",
    "z. b.",
    "z.b.",
    "beispiel",
    "por ejemplo",
    "例如",
    "比如",
    "mm/dd/yyyy",
    "dd/mm/yyyy",
    "jj/mm/aaaa",
    "tt.mm.jjjj",
)
# A sentence ends between the birth word and the date (SENTENCE_END): the word belongs to
# another one.
# Older than anyone alive: a historical figure's birth date, not a leak.
MAX_AGE_DAYS = 115 * 366
_EVENT_AFTER = re.compile(
    r" ?(?:上映|发布|發布|发行|發行|首映|出版|成立|创立|至|到|から|以前|以后|之前|之后|以降|搬|前)"
)
# A birth word next to a recent date is mostly about something else (a film release, a
# company's "birthday", birth statistics): dates of birth less than 3 years back are left out.
MIN_AGE_DAYS = 3 * 365


_HAN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}


def han_number(numeral: str) -> int | None:
    """The value of a Chinese numeral from 1 to 99 (``十二``, ``二十四``), else ``None``."""
    numeral = numeral.lstrip("〇零") or numeral  # 〇五月
    tens, ten, ones = numeral.partition("十")
    if not ten:
        return _HAN_VALUE.get(numeral) if len(numeral) == 1 else None
    if len(tens) > 1 or len(ones) > 1 or "十" in ones or "十" in tens:
        return None
    value = (_HAN_VALUE.get(tens, -100) if tens else 1) * 10 + (
        _HAN_VALUE.get(ones, -100) if ones else 0
    )
    return value if value > 0 else None


def short_year(yy: int) -> int:
    """The year of a two-digit birth year: this century unless that is under
    ``MIN_AGE_DAYS`` ago (or ahead), else the last one."""
    year = 2000 + yy
    return year if year <= dt.date.today().year - MIN_AGE_DAYS // 365 else year - 100


def _month_first(doc: Doc) -> bool:
    """Whether numeric dates read month first (memoised per document)."""
    found = doc.cache.get(_month_first)
    if found is None:
        found = doc.cache[_month_first] = _month_first_uncached(doc)
    return found  # type: ignore[no-any-return]


def _month_first_uncached(doc: Doc) -> bool:
    if doc.countries & MDY_COUNTRIES:
        return True
    if doc.countries:
        return False
    return doc.languages == {"en"} or (not doc.languages and "born" in doc.lower)


class DateOfBirthRecognizer(Recognizer):
    kind = "date_of_birth"
    scheme = "date_of_birth"
    context = CONTEXT
    negative = ()
    base_score = 0.0
    context_score = 0.9
    min_digits = 3  # 5 Jan 90

    def parse(self, m: re.Match[str], doc: Doc) -> dt.date | None:
        g = m.groupdict()
        if g["zy"] or g["zsy"]:
            y = int(g["zy"]) if g["zy"] else short_year(int(g["zsy"]))  # 95年5月26日
            return make_date(y, int(g["zm"]), int(g["zd"]))
        if g["iy"]:
            return make_date(int(g["iy"]), int(g["im"]), int(g["id"]))
        if g["ny"] or g["sy"]:
            a, b = int(g["na"]), int(g["nb"])
            y = int(g["ny"]) if g["ny"] else short_year(int(g["sy"]))
            if a > 12 or (b <= 12 and not _month_first(doc)):
                return make_date(y, b, a)
            return make_date(y, a, b)
        if g["dy"] or g["dsy"]:
            month = month_number(g["dm"])
            y = int(g["dy"]) if g["dy"] else short_year(int(g["dsy"]))
            return make_date(y, month, int(g["dd"])) if month else None
        if g["my"]:
            month = month_number(g["mm"])
            return make_date(int(g["my"]), month, int(g["md"])) if month else None
        if g["cy"]:
            return make_date(int(g["cy"]), int(g["cm"]), int(g["cd"]))
        if g.get("hy"):
            year = "".join(str(_HAN_VALUE[c]) for c in g["hy"])
            month, day = han_number(g["hm"]), han_number(g["hd"])
            return make_date(int(year), month, day) if month and day else None
        if g.get("era"):
            year = ERAS[g["era"]] + (1 if g["ey"] == "元" else int(g["ey"]))
            return make_date(year, int(g["em"]), int(g["ed"]))
        return None

    def applies(self, doc: Doc) -> bool:
        if doc.digit_count < self.min_digits and not (doc.has_han and "年" in doc.folded):
            return False
        return (
            doc.has_words(CONTEXT)
            or _AFTER_ANYWHERE.search(doc.lower) is not None
            or "b." in doc.folded
            or "(*" in doc.folded
        )

    def not_a_person(self, doc: Doc, start: int, age_days: int) -> bool:
        """Whether the one born is not a person: a pet named before a date under 30 years
        back (:data:`ANIMAL_WORDS`; a pet is not 40 years old, then it is a person's), or a
        company, a project or a cohort in the date's clause (:data:`NOT_A_PERSON_WORDS`)."""
        lo = max(0, start - ANIMAL_WINDOW)
        if age_days < PET_MAX_AGE_DAYS and doc.find_word(lo, start, ANIMAL_WORDS) != -1:
            return True
        word = doc.find_word(lo, start, NOT_A_PERSON_WORDS)
        return word != -1 and not _CLAUSE_END.search(doc.folded, lo + word, start)

    def after_word_end(self, doc: Doc, end: int) -> int:
        """Where a birth word just after the date ends, in its sentence and on its line (see
        ``_AFTER`` and ``AFTER_WORDS``), or -1: in "meeting on July 15, 2023.⏎born 18 July
        1936" the birth word belongs to the next date."""
        after = _AFTER.match(doc.lower, end)
        if after:
            return after.end()
        hi = end + AFTER_WINDOW
        stop = _AFTER_STOP.search(doc.folded, end, hi)
        found = doc.find_word(end, stop.start() if stop else hi, AFTER_WORDS)
        return -1 if found == -1 else end + found

    @staticmethod
    def plural(doc: Doc, word_end: int) -> bool:
        """Whether the birth word ending at ``word_end`` ends one of :data:`PLURAL_WORDS`."""
        lo = max(0, word_end - PLURAL_LENGTH)
        return doc.find_word(lo, word_end, PLURAL_WORDS) == word_end - lo

    def birth_word(self, doc: Doc, m: re.Match[str], lo: int) -> tuple[int, int, int] | None:
        """(window start, end of the birth word before relative to it or -1, end of the
        birth word after the date or -1) for the date ``m``, or None without birth context:
        a birth word in the window before (a two-digit year only right after it), ``b.``
        right before, a birth word just after, or the column header of a table."""
        start, end = m.span()
        if _BORN_ABBREVIATION.search(doc.folded, max(0, start - 3), start):
            return lo, start - lo, -1  # the abbreviation ends right before the date
        short = m.group("sy") is not None or m.group("dsy") is not None
        if short:
            lo = max(lo, start - SHORT_YEAR_WINDOW)
        birth = doc.find_word(lo, start, CONTEXT)
        if birth != -1 and (not self.plural(doc, lo + birth) or self.labels(doc, lo, birth, start)):
            return lo, birth, -1
        birth = -1
        after = self.after_word_end(doc, end)
        right_after = after != -1 and (
            doc.lower[end:after].strip() in _AFTER_WORD_SET or _AFTER.match(doc.lower, end)
        )
        if (after == -1 or (short and not right_after)) and not doc.labelled_by_column(
            start, CONTEXT
        ):
            return None  # (a two-digit year only right before its birth word: 14.03.87 geboren)
        return lo, birth, after

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        prev_end = 0
        today = dt.date.today()
        for m in (PATTERN_HAN if doc.has_han else PATTERN).finditer(doc.folded):
            start, end = m.span()
            lo = max(prev_end, start - WINDOW)
            prev_end = end
            date = self.parse(m, doc)
            if date is None or not MIN_AGE_DAYS <= (today - date).days <= MAX_AGE_DAYS:
                continue
            found = self.birth_word(doc, m, lo)
            if found is None:
                continue
            lo, birth, after = found
            prev_end = max(prev_end, after)  # the birth word after this date is not the next's
            if self.not_a_person(doc, start, (today - date).days):
                continue
            if doc.find_word(lo, start, EVENT_WORDS) >= max(birth, 0) or _EVENT_AFTER.match(
                doc.lower, end
            ):
                continue  # "Born in the U.S.A. came out on June 4, 1984"
            if (
                birth != -1
                and SENTENCE_END.search(doc.folded, lo + birth, start)
                and not doc.labelled_by_column(start, CONTEXT)  # (a table row: "Prof. ...")
            ):
                continue  # "never post your date of birth online. Deadline: 03/28/2018"
            score = self.context_score if not m.group("cy") else 0.8
            yield Candidate(
                kind=self.kind,
                country=None,
                scheme=self.scheme,
                start=start,
                end=end,
                score=score,
                value=date.isoformat(),
                details={},
            )
