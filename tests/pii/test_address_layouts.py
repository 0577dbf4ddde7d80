"""Address layouts beyond the basic ones: Belgian and Swiss French order, Québec, a unit
before the number, German units, US states, Australia, India, Taiwan, Spanish units and
Mexican colonias; and an address never starts inside a preceding phone number."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.pii import Engine
from pipelines.pii.recognizers import address_en, address_fr
from pipelines.pii.recognizers._address import AddressRecognizer
from pipelines.pii.text import Doc

ENGINE = Engine(b"test-key")


def addresses(text: str) -> list[tuple[str, str]]:
    """(scheme, span) of every address the engine reports."""
    return [(f.scheme, text[f.start : f.end]) for f in ENGINE.scan(text) if f.kind == "address"]


# (text, scheme, expected span)
ADDRESS = [
    # Belgium and Switzerland: street type, name, number, 4-digit postcode, town
    ("Chaussée de Waterloo 412/3, 1050 Ixelles", "address_fr", None),
    (
        "Elle habite Rue du Marché 18 bte 4, 4020 Liège.",
        "address_fr",
        "Rue du Marché 18 bte 4, 4020 Liège",
    ),
    ("Place Saint-Lambert 7, 4000 Liège", "address_fr", None),
    ("Avenue de la Gare 12, CH-1003 Lausanne", "address_fr", None),
    ("Route de Lausanne 22, 1400 Yverdon-les-Bains", "address_fr", None),
    ("Adresse :\nRue des Alpes 5\n1201 Genève", "address_fr", "Rue des Alpes 5\n1201 Genève"),
    ("Boulevard Anspach 101, B-1000 Bruxelles", "address_fr", None),
    ("Drève de Lorraine 45, 1180 Uccle", "address_fr", None),
    (
        "il habite Rue Haute 72, CH-3920 Stein am Rhein. Son tel",
        "address_fr",
        "Rue Haute 72, CH-3920 Stein am Rhein",
    ),
    # Québec: "boul.", a unit without a comma, a town of several words
    ("3420 boul. Saint-Laurent app 12, Montréal, QC H2X 2V4", "address_fr", None),
    (
        "à récupérer au 955 rue Principale app 3, Granby, QC J2G 2Y5. SMS",
        "address_fr",
        "955 rue Principale app 3, Granby, QC J2G 2Y5",
    ),
    ("120, rue Notre-Dame, Ville Marie (Québec) H2Y 1C6", "address_fr", None),
    ("18, rue des Érables, Saint Jean sur Richelieu (Québec) J3B 1A1", "address_fr", None),
    # a flat, a building or a named block before the number
    (
        "Adresse : Appt 12, 5 rue Victor Hugo, 69002 Lyon",
        "address_fr",
        "Appt 12, 5 rue Victor Hugo, 69002 Lyon",
    ),
    ("Bât. C, 14 ter avenue Jean Jaurès 31000 Toulouse", "address_fr", None),
    ("Résidence le Parc, 3 allée des Tilleuls\n44000 Nantes", "address_fr", None),
    # German: a flat or a part of the building after the number, without a comma
    ("Lindenstraße 14, Whg. 3 10969 Berlin", "address_de", None),
    ("Am Markt 3, Hinterhaus 04109 Leipzig", "address_de", None),
    ("Goethestraße 7 App. 12, 80336 München", "address_de", None),
    ("Lange Gasse 3, Top 5 1080 Wien", "address_de", None),
    # US: a full state name; a state without its ZIP code
    ("742 Evergreen Terrace, Springfield, Oregon 97403", "address_en", None),
    ("sent to 99 Maple Street, Burlington, VT", "address_en", "99 Maple Street, Burlington, VT"),
    (
        "1600 Pennsylvania Avenue NW, Washington, DC. Then",
        "address_en",
        "1600 Pennsylvania Avenue NW, Washington, DC",
    ),
    # UK: a town followed by a dash
    ("221 Baker Street, Marylebone — ring me", "address_en", "221 Baker Street, Marylebone"),
    # Australia: any street type before a state and a 4-digit postcode
    ("Unit 2, 55 Lorikeet Circuit, Palmerston NT 0830", "address_en", None),
    (
        "| 7/19 Banjo Chase, Ballarat VIC 3350 |",
        "address_en",
        "7/19 Banjo Chase, Ballarat VIC 3350",
    ),
    ("48 Kingfisher Boulevarde, Mackay QLD 4740", "address_en", None),
    # India: " - " before the PIN code
    (
        "Addr: 12, Rajaji Salai, Chennai - 600001\nName",
        "address_en",
        "12, Rajaji Salai, Chennai - 600001",
    ),
    ("7, Linking Road, Bandra, Mumbai - 400050", "address_en", None),
    # Taiwan: a postcode glued before the city, "樓之N" after the floor
    (
        "邮寄地址：106台北市大安區復興南路一段390號5樓之1",
        "address_zh",
        "106台北市大安區復興南路一段390號5樓之1",
    ),
    ("10617台北市大安區羅斯福路四段1號", "address_zh", None),
    # Spanish: floor and flat after the number; a Mexican colonia, postcode, town, state
    (
        "Domicilio: Av. Corrientes 1234, piso 8 dto. A, Rosario",
        "address_es",
        "Av. Corrientes 1234, piso 8 dto. A, Rosario",
    ),
    ("Cerrada Los Pinos 45, Col. Del Valle, C.P. 03100, Benito Juárez, CDMX", "address_es", None),
]

NOT_ADDRESS = [
    "rendez-vous Place du Midi à 14h",
    "Avenue 12",
    "Avenue 12, 1000 Bruxelles",  # no street name
    "Rue 1 000 €",
    "Commande 1000 Bruxelles",  # an order number and a city
    "Liège 4000 spectateurs",
    "Stade de Liège 4000 spectateurs",
    "Place Flagey 18, 1050 personnes attendues",
    "ACT 2984",
    "the ACT 2984 figure",
    "Top 5 Things To Do In NSW 2024",
    "Score final 3-1, Sydney NSW 2000",
    "la tienda está cerrada Lunes 5 de mayo",  # "cerrada": a Mexican street type, a word
    "la Privada Lopez 12 es bonita",
]

# Spans that stop where the address does.
SPANS = [
    ("12 rue de la Paix porte de Versailles", "12 rue de la Paix"),
    ("Hauptstraße 5 Top 10 Restaurants", "Hauptstraße 5"),
]


@pytest.mark.parametrize(("text", "scheme", "expected"), ADDRESS, ids=lambda v: repr(v)[:40])
def test_address(text: str, scheme: str, expected: str | None) -> None:
    assert addresses(text) == [(scheme, expected or text)]


@pytest.mark.parametrize("text", NOT_ADDRESS)
def test_not_address(text: str) -> None:
    assert addresses(text) == []


@pytest.mark.parametrize(("text", "expected"), SPANS)
def test_span(text: str, expected: str) -> None:
    assert [span for _, span in addresses(text)] == [expected]


# A phone number then an address: the address starts at its own number, the phone stays.
PHONE_THEN_ADDRESS = [
    ("+44 20 7946 0958, 10 Downing Street, London SW1A 2AA", "10 Downing Street, London SW1A 2AA"),
    ("212.555.0147, 350 Fifth Avenue, New York, NY 10118", "350 Fifth Avenue, New York, NY 10118"),
    ("0161 496 0732, 42 Oak Road, Salford", "42 Oak Road, Salford"),
    ("+61 2 9876 5432, 12 Wattle Circuit, Dubbo NSW 2830", "12 Wattle Circuit, Dubbo NSW 2830"),
]


@pytest.mark.parametrize(("text", "address"), PHONE_THEN_ADDRESS)
def test_an_address_does_not_start_inside_a_phone(text: str, address: str) -> None:
    found = [(f.kind, text[f.start : f.end]) for f in ENGINE.scan(text)]
    assert found == [("phone", text.split(", ")[0]), ("address", address)]


@pytest.mark.parametrize(
    "text", ["+44 7407 860310, 12 March 2024", "+33 6 12 34 56 78, 14 juillet 2024"]
)
def test_a_phone_then_a_date_is_no_address(text: str) -> None:
    assert [f.kind for f in ENGINE.scan(text)] == ["phone"]


# 1 MB of street words, names, digits and whole addresses: linear time.
ADVERSARIAL = [
    "Rue de la Station 247 " * 45_000,
    "Chaussée de Verdier 177/5, 1000 Bruxelles " * 24_000,
    "Rue A 1 bte 1, " * 70_000,
    "Appt 4, " * 125_000,
    "Résidence les A, " * 60_000,
    "5988, rue A, Ville A B C (Québec) " * 30_000,
    "1 Aa Aa Aa, Aa Aa ACT 2984 " * 40_000,
    "Unit 8, 1/2 Aa " * 70_000,
    "43, Aa Aa, Aa - 986204 " * 45_000,
    "1 Aa Street, Aa, " * 60_000,
    "7217 Aa Mission, Aa, TX " * 45_000,
    "+44 7407 860310, " * 60_000,
    "Weg 1, Whg. 9 " * 70_000,
    "Cerrada A 1, Col. A, C.P. 12345, A a a a a a " * 22_000,
    "1234567高雄市1號樓之1" * 70_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:16]))
def test_one_megabyte_adversarial_input_is_linear(text: str) -> None:
    doc = Doc(text[:1_000_000])
    start = time.perf_counter()
    for rec in ENGINE.recognizers:
        if rec.kind == "address" and rec.applies(doc):
            for _ in rec.analyze(doc):
                pass
    elapsed = time.perf_counter() - start
    assert elapsed < 3.0, f"{elapsed:.2f}s"


_LAYOUTED: list[AddressRecognizer] = [
    address_en.EnglishAddressRecognizer(),
    address_fr.FrenchAddressRecognizer(),
]
_PIECES = [
    "A", "1", "12", "1000", "986204", " ", ",", "\n", "-", "/", "x", "Rue ", "rue ", "Midi",
    "Chaussée ", "bte 3", "CH-", "B-", "Liège", " ACT", " NSW", "NT", "Unit 8, ", "31/", " - ",
    "Blake Trunkway", "Gade", "Street", "Place du ",
]  # fmt: skip


@pytest.mark.parametrize("rec", _LAYOUTED, ids=lambda r: r.scheme)
@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_layout_gates_never_hide_a_match(rec: AddressRecognizer, text: str) -> None:
    """A layout skipped by its gate has no match, and so has a skipped recognizer."""
    doc = Doc(text)
    for pattern, gate in rec.layouts:
        if not gate.passes(doc) or not rec.applies(doc):
            assert pattern.search(doc.folded) is None
