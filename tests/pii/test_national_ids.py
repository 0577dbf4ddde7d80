"""Parametrised tables: national ID recognizers (valid and invalid strings, expected spans)."""

from __future__ import annotations

import pytest

from pipelines.pii import Engine

ENGINE = Engine(b"test-key")


def spans(text: str, hints: str | None = None) -> list[tuple[str, str]]:
    return [(f.scheme, text[f.start : f.end]) for f in ENGINE.scan(text, hints=hints)]


CN_RIC = [
    ("身份证号：440305198506123216", [("cn_ric", "440305198506123216")]),
    ("身份证 11010519491231002X 已曝光", [("cn_ric", "11010519491231002X")]),
    ("身份证 11010519491231002x", [("cn_ric", "11010519491231002x")]),
    # glued to its label's Latin letters (sfz: 身份证 in pinyin initials)
    ("sfz11010519491231002X 手机", [("cn_ric", "11010519491231002X")]),
    ("ID440305198506123216", [("cn_ric", "440305198506123216")]),
    # a leaked list: name, ID, phone (the ID's check letter is not a group of its own)
    (
        "钟玉梅 11010519491231002X 13887527991",
        [("cn_ric", "11010519491231002X"), ("phone", "13887527991")],
    ),
    (
        "身份证号码４４０３０５１９８５０６１２３２１６。",
        [("cn_ric", "４４０３０５１９８５０６１２３２１６")],
    ),
    ("ID 440305 19850612 3216", [("cn_ric", "440305 19850612 3216")]),
    ("证件号码：440305-19850612-3216", [("cn_ric", "440305-19850612-3216")]),
    ("身份证 440305850612321", [("cn_ric", "440305850612321")]),  # legacy 15 digits
    ("身份证 440305198506123217", []),  # wrong check digit
    ("订单号 440305198506123216", []),  # negative context
    ("440305198513123216", []),  # month 13
    ("990305198506123214", []),  # no such province
    ("https://example.com/a/440305198506123216", []),  # inside a URL
    ("编号 123456789012345678", []),
    # invisible characters slipped between the groups
    ("身份证 440305\u200b19850612\u200b3216", [("cn_ric", "440305\u200b19850612\u200b3216")]),
]

US_SSN = [
    ("SSN: 536-22-1234", [("us_ssn", "536-22-1234")]),
    ("my ssn is 536221234", [("us_ssn", "536221234")]),
    ("536221234", []),  # bare nine digits need context
    ("SSN 000-12-3456", []),
    ("SSN 666-12-3456", []),
    ("SSN 912-12-3456", []),
    ("order 536-22-1234", []),
    ("my social is 451290894 please", [("us_ssn", "451290894")]),
]

FR_NIR = [
    ("NIR 2 84 02 75 123 456 24", [("fr_nir", "2 84 02 75 123 456 24")]),
    ("numéro de sécu 284027512345624", [("fr_nir", "284027512345624")]),
    ("sécurité sociale : 2 84 02 2A 123 456 81", [("fr_nir", "2 84 02 2A 123 456 81")]),
    ("NIR 2 84 02 75 123 456 25", []),
]

OTHER_IDS = [
    ("HKID: A123456(3)", [("hk_hkid", "A123456(3)")]),
    ("Mon n° national 68090574415 apparaît en clair", [("be_nn", "68090574415")]),
    ("השתמש במספר תעודת הזהות שלי 134788199 כדי", [("il_idnr", "134788199")]),
    ("Fødselsnummeret mitt 09127439785 ble sendt", [("no_fodselsnummer", "09127439785")]),
    ("text my social (741884304) is that normal??", [("us_ssn", "741884304")]),  # bracketed
    ("HKID: A123456(4)", []),
    ("老赖阮子睿，HKIDK977839(A)，已被", [("hk_hkid", "K977839(A)")]),  # the label glued
    ("HKID: A1234563", [("hk_hkid", "A1234563")]),  # no brackets: with context
    ("update KB5032225 installed", []),  # no brackets, no context: a Windows update
    ("JANコード0012063323699", []),  # an unbroken RRN shape without context: a barcode
    (  # the order word before outweighs the ID word after
        "订单号：1135036648，已发货。，身份证号：120106195305198577 !",
        [("cn_ric", "120106195305198577")],
    ),
    ("Swedish personal number 7604210463", [("se_personnummer", "7604210463")]),
    ("My Number card: 1528-4226-1737!", [("jp_my_number", "1528-4226-1737")]),
    ("social: 197 73 0703!", [("us_ssn", "197 73 0703")]),
    (
        "Passport No. 519510596\nSSN 850-80-8759",
        [("passport", "519510596"), ("us_ssn", "850-80-8759")],
    ),  # the SSN word labels its own line, not the passport number above
    ("Insider build (KB5048091) installed", []),
    ("身分證 A123456789", [("tw_id", "A123456789")]),
    ("身分證 A123456788", []),
    ("NI number AB 12 34 56 C", [("gb_nino", "AB 12 34 56 C")]),
    ("NI number BG 12 34 56 C", []),
    ("CURP BOXW310820HNERXN09", [("mx_curp", "BOXW310820HNERXN09")]),
    ("DNI 12345678Z", [("es_dni", "12345678Z")]),
    ("DNI 12345678A", []),
    ("DNI 46862129 C", [("es_dni", "46862129 C")]),
    ("Steuer-Identifikationsnummer: 52 106 439 484", [("de_steuer_id", "52 106 439 484")]),
    ("EAN 8310107933128, 49 x 77 cm", []),  # passes the Korean RRN check, born in 2083
    ("codice fiscale RSSMRA85T10A562S", [("it_codice_fiscale", "RSSMRA85T10A562S")]),
    ("PESEL 44051401359", [("pl_pesel", "44051401359")]),
    ("44051401359", []),  # PESEL needs context
    ("personnummer 811228-9874", [("se_personnummer", "811228-9874")]),
    ("BSN 111222333", [("nl_bsn", "111222333")]),
    ("Aadhaar 2341 2341 2346", [("in_aadhaar", "2341 2341 2346")]),
    ("護照 E12345678", [("cn_passport", "E12345678")]),
    ("护照号码 E12345678", [("cn_passport", "E12345678")]),
    ("passport number 123456789", [("passport", "123456789")]),
    ("passnummer 52631182 lol", [("passport", "52631182")]),  # Swedish: 8 digits
    ("Pasnummer: 819013201", [("passport", "819013201")]),  # Danish
    ("in the screenshot: PPT 823933396", [("passport", "823933396")]),
    # the word after a number labels the next value, not it
    ('"cep": "73223824", "passport": "FT294516"', [("passport", "FT294516")]),
    ("DNI: 77.380.492-M", [("es_dni", "77.380.492-M")]),  # dots: not the Argentine DNI
    ("NISS = 67.11.30-139.57", [("be_nn", "67.11.30-139.57")]),
    # a label of its own after a negative word (dossier: a file number)
    ("pour le dossier : N.A.S. 604264275", [("ca_sin", "604264275")]),
    ("SV-Nr. 8460 051083", [("at_vnr", "8460 051083")]),
    (
        "тел. +7 916 123-45-67, паспорт 4510 123456",
        [("phone", "+7 916 123-45-67"), ("ru_passport", "4510 123456")],
    ),
    ("Mail x\n• Pasaport | Z14974264 \n< Back", [("passport", "Z14974264")]),
    # a group of a longer number is no passport number (护照号码 labels the next one)
    (
        "李凤兰，341824 19580911 6005，护照号码E26021705",
        [("cn_ric", "341824 19580911 6005"), ("cn_passport", "E26021705")],
    ),
    ("マイナンバー383944234825, 生年月日", [("jp_my_number", "383944234825")]),
    ("İFŞA: Hasbek Yıldırım, TC 17623194610, tel", [("tr_tckimlik", "17623194610")]),
    ("il mio cod. fiscale è SDJDSZ 85E07 D612U", [("it_codice_fiscale", "SDJDSZ 85E07 D612U")]),
    ("3/3 codice fiscale nchkgc75b24b157s.", [("it_codice_fiscale", "nchkgc75b24b157s")]),
    ("Naam Tycho Kuijpers, BSN 296 261 956. 5 €", [("nl_bsn", "296 261 956")]),
    ("NIF 261 575 694. Alguém sabe", [("pt_nif", "261 575 694")]),
    ("hans personnumret är 050627-1212", [("se_personnummer", "050627-1212")]),
    ("with my Austrian SV number 4591 130189 on it", [("at_vnr", "4591 130189")]),
    (
        "| field | value |\n|---|---|\n| NAME | Sean Hurst |\n| TFN | 183 188 180 |",
        [("au_tfn", "183 188 180")],
    ),
    ("E12345678", []),  # passports need context
    ("Reisepass-Nr. JKN32WX9P", [("de_passport", "JKN32WX9P")]),  # few digits in the post
    ("Pasaporte: AFC743404", [("passport", "AFC743404")]),
    ("Pass: C4J0LG7R9", [("de_passport", "C4J0LG7R9")]),  # a field label
    ("Reisepassnummer: JZF1Z7K2F", [("de_passport", "JZF1Z7K2F")]),
    ("sein Pass hat die Nummer C0YC3J318", [("de_passport", "C0YC3J318")]),
    ("boarding pass 123456789", []),
    ("paspoort XX6FPLVH6", [("nl_passport", "XX6FPLVH6")]),
    ("여권: M119E6722", [("kr_passport", "M119E6722")]),
    ("Steuerliche ID 40978452460", [("de_steuer_id", "40978452460")]),
    ("Passport\nNo: G12345678", [("cn_passport", "G12345678")]),  # the label on the line above
    ("Passport # 1: 123456789", [("passport", "123456789")]),  # a short number in between
    ("My passport, issued 12 May 2015, number 533380006", [("passport", "533380006")]),
    ("🛂 EJ2849815", [("cn_passport", "EJ2849815")]),  # a field icon
    # the passport word labels the number right after it, not the next one
    ("护照号 EM0677154", [("cn_passport", "EM0677154")]),  # also passes the HKID check
    (
        "Passport 646315199, Social Security #: 249456338",
        [("passport", "646315199"), ("us_ssn", "249456338")],
    ),
    ("passport and HKID I722047(7)", [("hk_hkid", "I722047(7)")]),
]


@pytest.mark.parametrize(("text", "expected"), CN_RIC)
def test_cn_ric(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, "zh") == expected


@pytest.mark.parametrize(("text", "expected"), US_SSN)
def test_us_ssn(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, "en") == expected


@pytest.mark.parametrize(("text", "expected"), FR_NIR)
def test_fr_nir(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, "fr") == expected


@pytest.mark.parametrize(("text", "expected"), OTHER_IDS)
def test_other_ids(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


def test_cn_ric_details_hold_birth_date_once() -> None:
    text = "身份证号：440305198506123216，出生日期：1985年6月12日"
    findings = ENGINE.scan(text, hints="zh")
    ric = [f for f in findings if f.scheme == "cn_ric"]
    assert len(ric) == 1
    assert ric[0].details["birth_date"] == "1985-06-12"
    assert ric[0].details["sex"] == "male"
    assert ric[0].details["region"] == "广东省"
