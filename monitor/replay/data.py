"""Synthetic accounts and posts for the replay server: generated, deterministic, no real people.

Every post is a ``SynthPost``; the platform modules render it in each platform's own shape.
About one post in seven carries synthetic personal data: a Chinese resident ID number with a
valid check digit, a US SSN outside the reserved ranges, a street address, a birth date, a
phone number in a fictional range or an e-mail address at a reserved domain.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from stdnum.fr import nir

EPOCH = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

FIRST = ["Alex", "Sam", "Robin", "Kai", "Noor", "Jules", "Mika", "Wei", "Ari", "Lou"]
LAST = ["Example", "Placeholder", "Sample", "Testperson", "Doe-Fictive", "Nominal"]
STREETS = ["Maple Test Street", "Synthetic Avenue", "Placeholder Road", "Example Lane"]
TOWNS = [("Springfield", "IL", "62704"), ("Riverton", "WY", "82501"), ("Fairview", "OR", "97024")]
WORDS = [
    "morning",
    "coffee",
    "train",
    "late",
    "again",
    "weather",
    "rain",
    "sunny",
    "garden",
    "tomatoes",
    "meeting",
    "notes",
    "library",
    "book",
    "chapter",
    "bike",
    "ride",
    "park",
    "dog",
    "walk",
    "bread",
    "recipe",
    "oven",
    "music",
    "playlist",
    "concert",
    "weekend",
    "plans",
    "market",
    "cheese",
    "photo",
    "sunset",
    "harbour",
    "boats",
    "river",
    "bridge",
    "museum",
    "ticket",
]
# Region codes of the GB/T 2260 list used for the synthetic IDs (district level).
CN_REGIONS = ["110105", "310104", "110101", "110102", "120101"]
CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_ric(region: str, born: date, sequence: int) -> str:
    """A Chinese resident identity card number with its ISO 7064 MOD 11-2 check character
    (the rule python-stdnum's ``cn.ric`` validates)."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(body, CN_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def us_ssn(rng: random.Random) -> str:
    """An SSN with area 001-665 or 667-899 (not 000, 666, 9xx), group and serial non-zero,
    avoiding the well-known advertising numbers."""
    while True:
        area = rng.randint(1, 899)
        if area == 666:
            continue
        group, serial = rng.randint(1, 99), rng.randint(1, 9999)
        value = f"{area:03d}-{group:02d}-{serial:04d}"
        if value not in ("078-05-1120", "219-09-9999", "123-45-6789"):
            return value


def fr_nir(rng: random.Random, born: date, sex: int) -> str:
    """A French NIR (sécurité sociale number) with its mod-97 key, written in groups."""
    body = f"{sex}{born:%y%m}75{rng.randint(101, 120):03d}{rng.randint(1, 999):03d}"
    key = nir.calc_check_digits(body)
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key}"


@dataclass
class SynthPost:
    """One synthetic post, platform-neutral."""

    index: int  # 1-based position in the account's history (oldest first)
    created_at: datetime
    text: str
    content_warning: str = ""
    alt_texts: list[str] = field(default_factory=list)
    quoted_text: str = ""  # a boosted / quoted post's text, or "" for an own post
    kind: str = "post"  # post | boost | quote | reply
    language: str = "en"
    has_pii: bool = False


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _address(rng: random.Random) -> str:
    town, state, zipcode = rng.choice(TOWNS)
    return f"{rng.randint(10, 980)} {rng.choice(STREETS)}, {town}, {state} {zipcode}"


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(5, 11))
    return " ".join(words).capitalize() + "."


def pii_text(rng: random.Random, variant: int) -> str:
    """A post body that leaks synthetic personal data (one of seven shapes); phone numbers
    are in fictional ranges (US 555-01xx, France 01 99 00 xx xx)."""
    born = date(1960 + rng.randint(0, 40), rng.randint(1, 12), rng.randint(1, 28))
    name = _name(rng)
    shapes = [
        lambda: (
            f"Found them. {name}, ID {cn_ric(rng.choice(CN_REGIONS), born, rng.randint(1, 999))}"
            f", lives at {_address(rng)}."
        ),
        lambda: f"{name} SSN {us_ssn(rng)}, born {born:%m/%d/%Y}. Spread it.",
        lambda: (
            f"Home address of {name}: {_address(rng)}\nCall them: +1 555-01{rng.randint(0, 99):02d}"
        ),
        lambda: (
            f"{name} — mail {name.split()[0].lower()}.{rng.randint(1, 99)}@example.org, "
            f"DOB {born:%Y-%m-%d}"
        ),
        lambda: (
            f"身份证号 {cn_ric(rng.choice(CN_REGIONS), born, rng.randint(1, 999))} 住址 "
            f"北京市朝阳区示例路{rng.randint(1, 99)}号"
        ),
        lambda: f"Reminder: {name} was born on {born:%d %B %Y} and lives at {_address(rng)}.",
        lambda: (
            f"Voilà : {name}, NIR {fr_nir(rng, born, rng.randint(1, 2))}, "
            f"tél. 01 99 00 {rng.randint(10, 99)} {rng.randint(10, 99)}"
        ),
    ]
    return shapes[variant % len(shapes)]()


def make_posts(seed: str, count: int, *, start: int = 1) -> list[SynthPost]:
    """Posts ``start`` .. ``start + count - 1`` of the account ``seed`` (oldest first).

    Deterministic: post ``n`` of an account is the same whatever the range asked for, so
    "publishing" more posts later just generates the next indexes.
    """
    return [make_post(seed, n) for n in range(start, start + count)]


def make_post(seed: str, n: int) -> SynthPost:
    rng = random.Random(f"{seed}:{n}")
    created = EPOCH + timedelta(hours=3 * n, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
    post = SynthPost(index=n, created_at=created, text=_sentence(rng) + " " + _sentence(rng))
    if n % 7 == 3:
        post.text = pii_text(rng, n // 7)
        post.has_pii = True
    if n % 11 == 5:
        post.content_warning = "personal data" if post.has_pii else "long post"
    if n % 5 == 2:
        alt = f"Photo: {_sentence(rng)}"
        if n % 10 == 7:
            born = date(1970 + rng.randint(0, 30), rng.randint(1, 12), rng.randint(1, 28))
            alt = f"Scan of an ID card, number {cn_ric('110105', born, rng.randint(1, 999))}"
            post.has_pii = True
        post.alt_texts = [alt]
    if n % 13 == 6:
        post.kind = "boost"
        post.quoted_text = pii_text(rng, n) if n % 26 == 6 else _sentence(rng)
        post.has_pii = post.has_pii or n % 26 == 6
    elif n % 17 == 8:
        post.kind = "quote"
        post.quoted_text = pii_text(rng, n + 1)
        post.has_pii = True
    if n % 19 == 4:
        post.language = "zh"
        post.text = "今天天气很好，我们去公园散步。" + post.text
    return post
