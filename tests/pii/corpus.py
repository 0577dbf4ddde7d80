# ruff: noqa: E501
"""Labelled synthetic corpus of posts (Chinese, English, French, some German/Spanish).

Every value is generated (Faker, seeded) and checked with python-stdnum / phonenumbers, so
labels are correct by construction; decoys (wrong check digits, order and tracking numbers,
ISBNs, share counts, event dates, prices, news about leaks) carry no label.

``generate(n, seed)`` returns a list of :class:`Post` with ``labels`` = ``[(start, end,
kind)]``. Run ``python -m tests.pii.corpus 5`` to print a few.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field

import phonenumbers
from faker import Faker
from stdnum import iban as std_iban
from stdnum import isbn, luhn
from stdnum.cn import ric
from stdnum.fr import nir
from stdnum.us import ssn

FW = {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}

MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_DE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


@dataclass
class Post:
    text: str
    language: str
    labels: list[tuple[int, int, str]] = field(default_factory=list)


class Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.labels: list[tuple[int, int, str]] = []
        self.pos = 0

    def add(self, text: str, kind: str | None = None) -> None:
        if kind:
            self.labels.append((self.pos, self.pos + len(text), kind))
        self.parts.append(text)
        self.pos += len(text)

    def post(self, language: str) -> Post:
        return Post("".join(self.parts), language, self.labels)


class Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers = {}
        for i, loc in enumerate(["zh_CN", "en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "en_CA"]):
            f = Faker(loc)
            f.seed_instance(seed * 31 + i)
            self.fakers[loc] = f

    def choice(self, seq):  # type: ignore[no-untyped-def]
        return self.rng.choice(seq)

    # -- values --------------------------------------------------------------------------
    def cn_ric(self) -> str:
        while True:
            v = self.fakers["zh_CN"].ssn()
            if ric.calc_check_digit(v) == v[-1]:
                break
        style = self.rng.random()
        if style < 0.15:
            v = v.translate(FW)
        elif style < 0.3:
            v = f"{v[:6]} {v[6:14]} {v[14:]}"
        elif style < 0.4:
            v = f"{v[:6]}-{v[6:14]}-{v[14:]}"
        if v.endswith("X") and self.rng.random() < 0.5:
            v = v[:-1] + "x"
        return v

    def cn_ric_wrong(self) -> str:
        v = self.fakers["zh_CN"].ssn()
        good = ric.calc_check_digit(v)
        bad = self.choice([d for d in "0123456789X" if d != good])
        return v[:-1] + bad

    def us_ssn(self) -> str:
        while True:
            v = self.fakers["en_US"].ssn()
            if ssn.is_valid(v):
                return v

    def fr_nir(self) -> str:
        while True:
            v = self.fakers["fr_FR"].ssn()
            if nir.is_valid(v):
                break
        if self.rng.random() < 0.5:
            v = f"{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} {v[10:13]} {v[13:]}"
        return v

    def phone(self, loc: str) -> str:
        region = {"zh_CN": "CN", "en_US": "US", "en_GB": "GB", "fr_FR": "FR", "de_DE": "DE"}[loc]
        for _ in range(200):
            v = self.fakers[loc].phone_number()
            if "x" in v or "ext" in v:
                continue
            try:
                num = phonenumbers.parse(v, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(num):
                return v
        return "+86 138 0013 8000"

    def email(self) -> str:
        v = self.fakers[self.choice(["en_US", "fr_FR", "zh_CN", "de_DE"])].email()
        if self.rng.random() < 0.15:  # written to dodge scrapers
            local, domain = v.split("@")
            at, dot = self.choice([(" [at] ", " [dot] "), (" at ", " dot "), ("(at)", ".")])
            v = local + at + domain.replace(".", dot)
        return v

    def card(self) -> str:
        if self.rng.random() < 0.1:  # a 19-digit UnionPay card, written 6+13
            body = "62" + "".join(str(self.rng.randint(0, 9)) for _ in range(16))
            v = body + luhn.calc_check_digit(body)
            return v[:6] + " " + v[6:]
        while True:
            v = self.fakers["en_US"].credit_card_number(
                card_type=self.choice(["visa16", "mastercard", "amex"])
            )
            if luhn.is_valid(v) and len(v) in (15, 16):
                break
        if len(v) == 16 and self.rng.random() < 0.6:
            sep = self.choice([" ", "-"])
            v = sep.join(v[i : i + 4] for i in range(0, 16, 4))
        return v

    def iban(self) -> str:
        while True:
            v = self.fakers[self.choice(["fr_FR", "de_DE", "es_ES", "en_GB"])].iban()
            if std_iban.is_valid(v):
                break
        if self.rng.random() < 0.6:
            v = " ".join(v[i : i + 4] for i in range(0, len(v), 4))
        return v

    def birth(self):  # type: ignore[no-untyped-def]
        return self.fakers["en_US"].date_of_birth(minimum_age=18, maximum_age=90)

    def dob_text(self, lang: str) -> str:
        d = self.birth()
        if lang == "zh":
            return self.choice([f"{d.year}年{d.month}月{d.day}日", d.isoformat()])
        if lang == "en":
            return self.choice(
                [
                    f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}",
                    f"{d.month:02d}/{d.day:02d}/{d.year}",
                    f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}",
                    d.isoformat(),
                    f"{d.month}/{d.day}/{d.year % 100:02d}",  # right after the birth word
                ]
            )
        if lang == "fr":
            return self.choice(
                [
                    f"{d.day} {MONTHS_FR[d.month - 1]} {d.year}",
                    f"{d.day:02d}/{d.month:02d}/{d.year}",
                ]
            )
        return self.choice(
            [f"{d.day:02d}.{d.month:02d}.{d.year}", f"{d.day}. {MONTHS_DE[d.month - 1]} {d.year}"]
        )

    def address(self, loc: str) -> str:
        if loc == "zh_CN":
            f = self.fakers[loc]
            if self.rng.random() < 0.5:
                return f.address()
            road = f.street_name()
            return (
                f"{f.province()}{f.city_name()}市{f.district()}区{road}{self.rng.randint(1, 300)}号"
                + self.choice(
                    [
                        "",
                        f"{self.rng.randint(1, 30)}栋{self.rng.randint(1, 6)}单元{self.rng.randint(101, 2806)}室",
                    ]
                )
            )
        a = self.fakers[loc].address()
        if self.rng.random() < 0.5:
            a = a.replace("\n", ", ")
        return a

    def passport(self, lang: str) -> str:
        if lang == "zh":
            return "E" + "".join(str(self.rng.randint(0, 9)) for _ in range(8))
        return self.choice(["", "", "GB"]) + "".join(str(self.rng.randint(0, 9)) for _ in range(9))

    # -- decoys --------------------------------------------------------------------------
    def isbn13(self) -> str:
        from stdnum import ean

        body = "978" + "".join(str(self.rng.randint(0, 9)) for _ in range(9))
        v = body + ean.calc_check_digit(body)
        assert isbn.is_valid(v)
        return isbn.format(v)

    def draw(self) -> str:
        """A lottery draw: six different numbers in order, two digits each."""
        return " ".join(f"{n:02d}" for n in sorted(self.rng.sample(range(1, 50), 6)))

    def decoy(self, lang: str) -> str:
        r = self.rng
        num = "".join(str(r.randint(0, 9)) for _ in range(r.choice([10, 12, 14])))
        if lang == "zh":
            opts = [
                f"订单号：{num}，已发货。",
                f"快递单号 SF{num}，请查收。",
                f"身份证号{self.cn_ric_wrong()}是错的，请核对。",
                f"会议将于{r.randint(2020, 2025)}年{r.randint(1, 12)}月{r.randint(1, 28)}日举行。",
                f"价格：¥{r.randint(10, 9999)}.{r.randint(0, 99):02d}，已售{r.randint(1000, 99999)}件。",
                f"该公司持有{r.randint(1, 999)},{r.randint(100, 999)},{r.randint(100, 999)}股。",
                "据报道，某平台泄露了数百万用户的身份证号和住址信息，警方已介入调查。",
                f"ISBN {self.isbn13()}，定价{r.randint(20, 99)}元。",
                f"转发 {r.randint(100, 9999)} 评论 {r.randint(10, 999)} 点赞 {r.randint(1000, 99999)}",
                f"今天是{r.randint(2020, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}，天气晴。",
                f"双色球开奖：{self.draw()} + {r.randint(1, 16):02d}",
                f"不要在网上晒出生日期！ 截止日期{r.randint(2020, 2025)}年{r.randint(1, 12)}月{r.randint(1, 28)}日",
                # birth words next to the date of another event
                f"女儿的生日派对定在{r.randint(2008, 2022)}年{r.randint(1, 12)}月{r.randint(1, 28)}日，欢迎大家来玩。",
                f"我出生在成都，{r.randint(2008, 2022)}.{r.randint(1, 12):02d}.{r.randint(1, 28):02d}搬到了上海。",
                f"错误码 {r.randint(1000, 9999)}-{r.randint(1000, 9999)}",
            ]
        elif lang == "fr":
            opts = [
                f"Commande n° {num} expédiée.",
                f"Facture {num} réglée le {r.randint(1, 28)} mars {r.randint(2020, 2025)}.",
                f"Numéro de suivi du colis : {num}.",
                f"Prix : {r.randint(10, 999)},{r.randint(0, 99):02d} €.",
                f"La réunion aura lieu le {r.randint(1, 28)} {self.choice(MONTHS_FR)} {r.randint(2020, 2025)}.",
                "Une fuite de données a exposé des numéros de sécurité sociale, selon la CNIL.",
                f"ISBN {self.isbn13()}",
                f"{r.randint(1, 999)} {r.randint(100, 999)} {r.randint(100, 999)} actions échangées.",
                f"Résultats du Loto : {self.draw()}",
                "Saisissez votre date de naissance au format JJ/MM/AAAA (ex. : 31/01/1990).",
                f"Budget : {r.randint(100, 999)}.{r.randint(100, 999)}.{r.randint(100, 999)} €",
                f"Née à Lyon, installée à Paris depuis le {r.randint(1, 28)} {self.choice(MONTHS_FR)} "
                f"{r.randint(2008, 2022)}.",
                f"RDV à la mairie pour l'acte de naissance le {r.randint(1, 28)}/{r.randint(1, 12)}/"
                f"{r.randint(2008, 2022)}.",
            ]
        else:
            opts = [
                f"Order #{num} has shipped.",
                f"Tracking number: 1Z{num}.",
                f"Invoice {num} is due.",
                f"ISBN {self.isbn13()}",
                f"The company sold {r.randint(1, 999)},{r.randint(100, 999)},{r.randint(100, 999)} shares.",
                f"The meeting is on {self.choice(MONTHS_EN)} {r.randint(1, 28)}, {r.randint(2020, 2025)}.",
                f"Price: ${r.randint(1, 9999)}.{r.randint(0, 99):02d}",
                "Hackers leaked millions of Social Security numbers and home addresses, police said.",
                f"See https://example.com/item/{num}{r.randint(100000, 999999)} for details.",
                f"Conference call on {r.randint(2020, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}.",
                f"Wrong ID {self.cn_ric_wrong()} rejected.",
                f"Winning numbers: {self.draw()}",
                "Use the sandbox card 4242 4242 4242 4242 with any CVC.",
                f"Never post your date of birth online. Deadline: {r.randint(1, 12)}/{r.randint(1, 28)}/{r.randint(2015, 2022)}",
                f"Location -{r.randint(10, 89)}.{r.randint(100000, 999999)}, {r.randint(10, 179)}.{r.randint(100000, 999999)}",
                f"I was born in Ohio but moved to Texas on {self.choice(MONTHS_EN)} {r.randint(1, 28)}, "
                f"{r.randint(2008, 2022)}.",
                f"People born before {r.randint(1, 28)} April {r.randint(1940, 1960)} keep the old rules.",
                f"Birthday party for my daughter is on {self.choice(MONTHS_EN)} {r.randint(1, 28)}, "
                f"{r.randint(2008, 2022)}!",
            ]
        return self.choice(opts)

    # -- posts ---------------------------------------------------------------------------
    def pii_items(self, lang: str) -> list[tuple[str, str, str]]:
        """(prefix, value, kind) choices for one language."""
        loc = {
            "zh": "zh_CN",
            "en": self.choice(["en_US", "en_GB", "en_CA"]),
            "fr": "fr_FR",
            "de": "de_DE",
        }[lang]
        phone_loc = "en_US" if loc == "en_CA" else loc
        if lang == "zh":
            return [
                (
                    self.choice(["身份证号：", "身份证 ", "他的身份证号码是", "证件号码", ""]),
                    self.cn_ric(),
                    "national_id",
                ),
                (
                    self.choice(["手机：", "电话 ", "联系方式：", "手机号"]),
                    self.phone(loc),
                    "phone",
                ),
                (self.choice(["住址：", "家住", "地址 ", "现住在"]), self.address(loc), "address"),
                (
                    self.choice(["出生日期：", "生日 ", "出生于"]),
                    self.dob_text("zh"),
                    "date_of_birth",
                ),
                (self.choice(["邮箱：", "email "]), self.email(), "email"),
                (self.choice(["护照号码", "护照号 "]), self.passport("zh"), "passport"),
                (self.choice(["银行卡号 ", "信用卡："]), self.card(), "payment_card"),
            ]
        if lang == "fr":
            return [
                (
                    self.choice(["N° de sécurité sociale : ", "NIR ", "numéro de sécu "]),
                    self.fr_nir(),
                    "national_id",
                ),
                (self.choice(["Tél : ", "portable ", "joindre au "]), self.phone(loc), "phone"),
                (
                    self.choice(["Adresse : ", "habite au ", "domicile : "]),
                    self.address(loc),
                    "address",
                ),
                (
                    self.choice(["né le ", "née le ", "date de naissance : "]),
                    self.dob_text("fr"),
                    "date_of_birth",
                ),
                (self.choice(["courriel : ", "mail "]), self.email(), "email"),
                (self.choice(["IBAN ", "RIB : "]), self.iban(), "iban"),
                (self.choice(["carte bancaire ", "CB "]), self.card(), "payment_card"),
            ]
        if lang == "de":
            return [
                (self.choice(["Tel. ", "Handy: "]), self.phone(loc), "phone"),
                (
                    self.choice(["Adresse: ", "wohnt in der ", "Anschrift "]),
                    self.address(loc),
                    "address",
                ),
                (
                    self.choice(["geboren am ", "Geburtsdatum: "]),
                    self.dob_text("de"),
                    "date_of_birth",
                ),
                (self.choice(["IBAN ", "Konto "]), self.iban(), "iban"),
                ("E-Mail: ", self.email(), "email"),
            ]
        return [
            (
                self.choice(["SSN: ", "social security number ", "SSN "]),
                self.us_ssn(),
                "national_id",
            ),
            (self.choice(["Phone: ", "call ", "cell "]), self.phone(phone_loc), "phone"),
            (
                self.choice(["Address: ", "lives at ", "home address: "]),
                self.address(loc),
                "address",
            ),
            (
                self.choice(["DOB: ", "born ", "date of birth: ", "Born on "]),
                self.dob_text("en"),
                "date_of_birth",
            ),
            (self.choice(["email: ", "Email ", "contact "]), self.email(), "email"),
            (self.choice(["passport number ", "Passport No. "]), self.passport("en"), "passport"),
            (self.choice(["card ", "credit card: "]), self.card(), "payment_card"),
            (self.choice(["IBAN ", "bank account "]), self.iban(), "iban"),
        ]

    def make_table(self, lang: str) -> Post:
        """A pasted table: a header line, then a row per person; the header labels the cells."""
        b = Builder()
        delimiter = self.choice(["\t", ",", " | "])
        choices = TABLE_COLUMNS[lang]
        columns = self.rng.sample(choices, self.rng.randint(2, min(3, len(choices))))
        b.add(delimiter.join(["Name", *(title for title, _kind, _make in columns)]) + "\n")
        loc = {"zh": "zh_CN", "en": "en_US", "fr": "fr_FR", "de": "de_DE"}[lang]
        for _row in range(self.rng.randint(2, 4)):
            b.add(self.fakers[loc].name().replace(",", " "))
            for _title, kind, make in columns:
                b.add(delimiter)
                b.add(make(self), kind)
            b.add("\n")
        return b.post(lang)

    def make_post(self) -> Post:
        lang = self.choice(["zh", "zh", "en", "en", "fr", "fr", "de"])
        if self.rng.random() < 0.05:
            return self.make_table(lang)
        b = Builder()
        sep = "，" if lang == "zh" else self.choice([", ", "; ", "\n", " - "])
        if lang == "zh":
            name = self.fakers["zh_CN"].name()
            intro = self.choice([f"曝光：{name}", f"{name}的信息", f"大家看看{name}"])
        else:
            loc = {"en": "en_US", "fr": "fr_FR", "de": "de_DE"}[lang]
            name = self.fakers[loc].name()
            intro = self.choice(
                [f"{name}", f"Here is {name}", f"Voici {name}" if lang == "fr" else name]
            )
        has_pii = self.rng.random() < 0.55
        b.add(intro + sep)
        segments: list[tuple[str, str | None, str]] = []
        if has_pii:
            items = self.pii_items(lang)
            for prefix, value, kind in self.rng.sample(
                items, self.rng.randint(1, min(4, len(items)))
            ):
                segments.append((prefix, kind, value))
        for _ in range(self.rng.randint(0, 2) if has_pii else self.rng.randint(1, 3)):
            segments.append(("", None, self.decoy(lang)))
        self.rng.shuffle(segments)
        for i, (prefix, kind, value) in enumerate(segments):
            if i:
                b.add(sep)
            b.add(prefix)
            b.add(value, kind)
        b.add(
            self.choice(["", "。", " !", ".", " #doxx"])
            if lang == "zh"
            else self.choice(["", ".", " #leak"])
        )
        return b.post(lang)


# Table columns by language: (header, kind, value maker); the header is the only context.
TABLE_COLUMNS = {
    "zh": [
        ("身份证号", "national_id", lambda g: g.cn_ric()),
        ("护照", "passport", lambda g: g.passport("zh")),
        ("出生日期", "date_of_birth", lambda g: g.dob_text("zh")),
        ("手机", "phone", lambda g: g.phone("zh_CN")),
    ],
    "en": [
        ("SSN", "national_id", lambda g: g.us_ssn()),
        ("Passport", "passport", lambda g: g.passport("en")),
        ("DOB", "date_of_birth", lambda g: g.dob_text("en").replace(",", "")),
        ("Phone", "phone", lambda g: g.phone("en_US")),
    ],
    "fr": [
        ("NIR", "national_id", lambda g: g.fr_nir()),
        ("Né(e) le", "date_of_birth", lambda g: g.dob_text("fr")),
        ("Tél", "phone", lambda g: g.phone("fr_FR")),
    ],
    "de": [
        ("Geburtsdatum", "date_of_birth", lambda g: g.dob_text("de")),
        ("Telefon", "phone", lambda g: g.phone("de_DE")),
    ],
}


def generate(n: int = 500, seed: int = 1) -> list[Post]:
    gen = Gen(seed)
    return [gen.make_post() for _ in range(n)]


if __name__ == "__main__":  # pragma: no cover
    for p in generate(int(sys.argv[1]) if len(sys.argv) > 1 else 5):
        print(repr(p.text), p.labels)
