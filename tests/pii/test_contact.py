"""Parametrised tables: phone, e-mail, payment card and IBAN recognizers."""

from __future__ import annotations

import pytest

from pipelines.pii import Engine

ENGINE = Engine(b"test-key")


def spans(text: str, hints: str | None = None, kind: str | None = None) -> list[tuple[str, str]]:
    return [
        (f.kind, text[f.start : f.end])
        for f in ENGINE.scan(text, hints=hints)
        if kind is None or f.kind == kind
    ]


PHONE = [
    ("手机：13812345678", "zh", [("phone", "13812345678")]),
    ("电话 138 1234 5678 随时打", "zh", [("phone", "138 1234 5678")]),
    ("電話０１０－６２７５１２３４", "zh", [("phone", "０１０－６２７５１２３４")]),
    ("手机 138\u200b1234\u200b5678", "zh", [("phone", "138\u200b1234\u200b5678")]),
    ("电话 353👉203👉4603", "en", [("phone", "353👉203👉4603")]),  # emoji between groups
    ("手机 1 3 8 1 2 3 4 5 6 7 8", "zh", [("phone", "1 3 8 1 2 3 4 5 6 7 8")]),  # one by one
    ("call (212) 555-0123 now", "en", [("phone", "(212) 555-0123")]),
    ("Tel: 2316.6368", "zh-HK", [("phone", "2316.6368")]),  # one dot, labelled
    # an international number with another number after it
    (
        "son portable c'est le +33 6 69 12 37 20 361,58 € TTC",
        "fr",
        [("phone", "+33 6 69 12 37 20")],
    ),
    ("seine Nummer ist +4917006989299 6.609 Mal geteilt", "de", [("phone", "+4917006989299")]),
    # a phone word labels a number of a region the hints do not name
    ("Vendo bicicleta, chama no WhatsApp (11) 97758-9565", None, [("phone", "(11) 97758-9565")]),
    ("Vendo divano, ritiro a Milano. Cell 357 184 4349", None, [("phone", "357 184 4349")]),
    ("家教：初中数学物理 86-19763247045 周末有空", "zh", [("phone", "86-19763247045")]),  # +86
    ("택배 송장... 연락처 022391039", None, [("phone", "022391039")]),
    ("報咗警，有事搵我 29609731", "zh", [("phone", "29609731")]),
    (  # fields of a record joined by dashes
        "实名：彭建----430104 20020110 4330----131-7852-1283……",
        "zh",
        [("national_id", "430104 20020110 4330"), ("phone", "131-7852-1283")],
    ),
    ("Name | Tél\nStéphane | 021860.5792", "fr", [("phone", "021860.5792")]),  # by its column
    ("call +44 20 7946 0958", "en", [("phone", "+44 20 7946 0958")]),
    ("tél : 06 12 34 56 78", "fr", [("phone", "06 12 34 56 78")]),
    ("Tel. (030) 12345678", "de", [("phone", "(030) 12345678")]),
    ("+86 138 1234 5678", None, [("phone", "+86 138 1234 5678")]),
    ("286 594 491 actions échangées", "fr", []),  # no trunk prefix: a share count
    ("Order #2125550123 shipped", "en", []),
    ("on 2023-05-06 at noon", "en", []),
    ("Temperature 20.5 C at 2024-05-06 14:00:00", "en", []),  # a date and time
    ("conn from 186.110.117.88:14041 refused", "en", []),  # an IPv4 address
    ("build id 88526114.2 deployed", None, []),  # a decimal number
    ("Nouveau record : 3 312 256 204 vues", "fr", []),  # thousands grouping
    # an unbroken run needs a phone word, unless written as people write phones unbroken
    ("We now have 2276842684 rows in the table", "en", []),
    ("build n° 077335009.", None, []),
    ("call 2125550123", "en", [("phone", "2125550123")]),
    ("📱3125873471📱", "en", [("phone", "3125873471")]),
    ("son 06 c'est 0655434103", "fr", [("phone", "0655434103")]),
    ("张三 13812345678", "zh", [("phone", "13812345678")]),
    ("price 1,299.00", "en", []),
    # next to a phone word, a number of a region the hints do not suggest
    ("美国那边的电话 (206) 539-8516", "zh", [("phone", "(206) 539-8516")]),
    ("call 13812345678", "en", [("phone", "13812345678")]),
    ("Tel 0171 2345678", "fr", [("phone", "0171 2345678")]),
    ("votes (206) 539-8516", "zh", []),  # no phone word: hinted regions only
    # reference numbers are not phone numbers
    ("Referencia 626489164 de tu reclamación", "es", []),
    ("Numéro client 0615189261 sur la facture", "fr", []),
    ("Kundennummer 015238990298", "de", []),
    # a shipping label's recipient: the parcel word before is not the number's label
    ("快递单没打码 收件人唐荣 +86 188 0216 6441", "zh", [("phone", "+86 188 0216 6441")]),
    # an en or em dash between two numbers is punctuation, not a digit separator
    ("Lake Diana OH 25964 — (702) 854-1056. ok", "en", [("phone", "(702) 854-1056")]),
    ("+90 501 416 52 25 — 2019", "tr", [("phone", "+90 501 416 52 25")]),
    ("KL1457 dep 17:06 (2020.10.31)", None, []),  # a time, then a date
    ("Tempe, AZ 39002 602-886-2847", "en", [("phone", "602-886-2847")]),  # a ZIP code before
    # a barcode and a SKU run together: the unbroken SKU is as weak as alone
    ("x 4069416381604\n7222122290 y", "en", []),
    # a table's column of article numbers; a phone column
    ("réf;article;prix;qté\n0844821938;Stylo;156.43;1", "fr", []),
    ("nom;réf;tél\nJean;12;0612345678", "fr", [("phone", "0612345678")]),
]


# The region a national number is read in: the hints' first region where it is valid,
# unless the post states no country and the digits are grouped as another hinted (or, without
# hints, another common) region writes its numbers, in another count of groups.
REGION = [
    ("Appelle au 078 527 51 87", "fr", "CH", "+41785275187"),
    ("Appelle au 07 85 27 51 87", "fr", "FR", "+33785275187"),
    ("Appelle au 078 527 51 87", "fr-FR", "FR", "+33785275187"),  # the stated country
    ("Tel 0663 433605 bitte", None, "AT", "+43663433605"),
    ("Handy: 03538 23451", "de", "DE", "+49353823451"),  # as many groups: the first region
    ("Handy 078-553-16-76", "de", "CH", "+41785531676"),
    ("tel (0212) 155 37 94", "tr", "TR", "+902121553794"),
    ("Mobil: 45 34 53 19", "nb", "NO", "+4745345319"),
    ("puh. 041 1958714", "fi", "FI", "+358411958714"),
    ("Tel.: 011 15-2223-0887", "es-AR", "AR", "+5491122230887"),  # 15: Argentine mobile
    ("cell 0909 8790843", "en-GB", "GB", "+449098790843"),
]


@pytest.mark.parametrize(("text", "hints", "country", "value"), REGION)
def test_phone_region(text: str, hints: str | None, country: str, value: str) -> None:
    (found,) = [f for f in ENGINE.scan(text, hints=hints) if f.kind == "phone"]
    assert (found.country, found.value) == (country, value)


EMAIL = [
    ("Shares: john.doe@gmail.com", [("email", "john.doe@gmail.com")]),  # no count word here
    ("mail me: jane.doe+x@example.co.uk.", [("email", "jane.doe+x@example.co.uk")]),
    ("邮箱：zhang.san@163.com，", [("email", "zhang.san@163.com")]),
    ("press contact: press@company.com", []),  # role mailbox scores below the threshold
    ("follow @night1994@fosstodon.org", []),  # a fediverse handle
    ("not an email: a@b", []),
    ("a..b@example.com", []),
    ("use icon@2x.png for retina screens", []),  # a file name
    ("git clone git@github.com:acme/widgets.git", []),  # an SSH remote
    ("scp notes.txt deploy@build.example.com:~/site/", []),
    # combo-list lines of a credential dump: address, colon, password
    ("carre_1372@hotmail.fr:wOjTz2", [("email", "carre_1372@hotmail.fr")]),
    ("244349720@qq.com:HOmz2VTw\n", [("email", "244349720@qq.com")]),
    ("mail me at a.b@example.com: thanks", [("email", "a.b@example.com")]),
    ("luofang@example.org。isbn 978", [("email", "luofang@example.org")]),  # 。 ends it
    # written to dodge scrapers: bracketed "at" and "dot"
    ("email: john (at) example (dot) com", [("email", "john (at) example (dot) com")]),
    ("jane.doe[at]gmail.com", [("email", "jane.doe[at]gmail.com")]),
    ("info(at)firma.de", []),  # a role mailbox
    ("we met (at) the park. it was fun", []),
    ("écrivez à robert.valdez at orange dot fr", [("email", "robert.valdez at orange dot fr")]),
    ("Email: s.barnett AT yahoo DOT co DOT uk", [("email", "s.barnett AT yahoo DOT co DOT uk")]),
    ("find us at example.com for more", []),  # a bare "at" needs a spelled "dot" too
    ("smithgeoffrey @ gmail . com", [("email", "smithgeoffrey @ gmail . com")]),
    ("hewei1131 艾特 qq 点 com", [("email", "hewei1131 艾特 qq 点 com")]),
    ("john dot smith at gmail dot com", [("email", "john dot smith at gmail dot com")]),
    ("He invested at the dot com peak", []),  # letters-only name, not a mail provider...
    ("email: jsmith at example dot org", [("email", "jsmith at example dot org")]),  # ...unless
    ("I worked at Amazon dot com", []),
    ("df = a @ b . numpy", []),  # code, not a spelled-out address
    ("ping @ home . Later", []),
]

CARD = [
    ("card 4111 1111 1111 1111", [("payment_card", "4111 1111 1111 1111")]),
    # a handle's digits are no run of numbers before it
    ("@miguel69 6011 0315 0262 7309 exp 10/30", [("payment_card", "6011 0315 0262 7309")]),
    ("J'ai tapé ma carte 6298456690808043179", [("payment_card", "6298456690808043179")]),
    ("visa 4111-1111-1111-1111", [("payment_card", "4111-1111-1111-1111")]),
    ("4111111111111111", [("payment_card", "4111111111111111")]),
    ("receipt TXN 4111111111111111 approved", []),  # a transaction number
    ("amex 378282246310005", [("payment_card", "378282246310005")]),
    ("card 4111 1111 1111 1112", []),  # Luhn fails
    ("order 4111111111111111", []),
    ("card for order #4111111111111111", []),  # the order word is nearer: below 0.5
    ("银行卡：622181 5095692252183", [("payment_card", "622181 5095692252183")]),  # 6+13
    ("银行卡：3757-6528-6684-316", [("payment_card", "3757-6528-6684-316")]),  # 4-4-4-3
    ("Kartennummer 6246858744225900587.", [("payment_card", "6246858744225900587")]),
    ("use the sandbox card 4242 4242 4242 4242 to try it", []),
    ("USPS 9400 2453 7973 9536 1743 28 delivered", []),  # inside a longer grouped number
    ("Paketnummer 4539148803436467", []),  # a parcel number
    ("票号4504161073319793", []),  # a ticket number
    ("Testmodus: Karte 4242 4242 4242 4242, beliebiges Ablaufdatum", []),  # an example
    ("card 4111 1111 1111 1111 123 12/25", [("payment_card", "4111 1111 1111 1111")]),
    ("💳 4111 1111 1111 1111", [("payment_card", "4111 1111 1111 1111")]),
    ("Stop testing me. Her card: 4539 1488 0343 6467", [("payment_card", "4539 1488 0343 6467")]),
    ("注文番号 4585595671942765", []),  # an order number
    ("工资卡 6217664297855422740 农行的", [("payment_card", "6217664297855422740")]),
]

IBAN = [
    ("IBAN FR76 3000 6000 0112 3456 7890 189", [("iban", "FR76 3000 6000 0112 3456 7890 189")]),
    ("IBAN DE89370400440532013000 ok", [("iban", "DE89370400440532013000")]),
    ("die Beispiel-IBAN aus der Doku (DE89 3704 0044 0532 0130 00)", []),  # documentation
    (  # "example" in an e-mail's domain is not an example word
        "mail a@example.org, IBAN DE89 3704 0044 0532 0130 00",
        [("email", "a@example.org"), ("iban", "DE89 3704 0044 0532 0130 00")],
    ),
    (
        "RIB FR76 3000 6000 0112 3456 7890 189 AND MORE",
        [("iban", "FR76 3000 6000 0112 3456 7890 189")],
    ),
    ("IBAN FR76 3000 6000 0112 3456 7890 188", []),
    # lower case, only where the text names a bank account
    (
        "IBAN: fr76 3000 6000 0112 3456 7890 189 merci",
        [("iban", "fr76 3000 6000 0112 3456 7890 189")],
    ),
    ("nr konta pl77372233080689834480961646", [("iban", "pl77372233080689834480961646")]),
    ("virement fr76 3000 6000 0112 3456 7890 189", []),
]


@pytest.mark.parametrize(("text", "hints", "expected"), PHONE)
def test_phone(text: str, hints: str | None, expected: list[tuple[str, str]]) -> None:
    assert spans(text, hints) == expected


@pytest.mark.parametrize(("text", "expected"), EMAIL)
def test_email(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(("text", "expected"), CARD)
def test_payment_card(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, "en") == expected


@pytest.mark.parametrize(("text", "expected"), IBAN)
def test_iban(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, "fr") == expected


def test_obfuscated_email_fingerprint_is_the_plain_address() -> None:
    """An address written "a (at) b (dot) com" has the value and fingerprint of "a@b.com"."""
    plain = ENGINE.scan("mail: li.wei@example.com")[0]
    hidden = ENGINE.scan("mail: Li.Wei [at] example [dot] com")[0]
    assert hidden.value == plain.value == "li.wei@example.com"
    assert hidden.fingerprint == plain.fingerprint


NOT_PHONE = [
    ("Lottozahlen: 04 21 26 33 34 41 + 08", "de"),  # a draw: six groups of two digits
    ("双色球开奖：04 11 13 32 36 39 + 13", "zh"),
    ("Tel: 35 / 22 / 83 / 75 / 92", "fr"),  # a spaced separator, twice
    ("Position -39.420961, -22.535184", "zh"),  # a coordinate, a negative number
    ("Budget: 635.089.361 €", "es"),  # an amount
    ("tel 185.9 87.9 274.6", "en"),  # decimals
    ("2024-08-31 – 11", "en"),  # a date with more numbers after it
    ("build WPAI.807431.269", "en"),  # glued to a word by a dot
    ("Artikelnummer 0690692668", "de"),
    ("Remboursement réf 0979067845", "fr"),
    ("ID:663-39-6627", None),  # a US SSN's layout (and a valid Spanish mobile's digits)
    ("updated to 8.7.2968.279", "en"),  # a version
    ("afecta a 679.062.960 clientes", "es"),  # a count
    ("转发 18812790869", "zh"),  # a count of reposts
    ("Wyciek: 212 235 419 rekordów trafiło do sieci.", "pl"),  # followed by what it counts
    ("Se filtraron 612 345 678 registros.", "es"),
    ("Das Leck umfasst 0301 234 567 Datensätze", "de"),
    ("共泄露 13812345678 条记录", "zh"),
    ("Finał WOŚP: zebrano 154 638 993 zł", "pl"),  # an amount
    ("fees: 0.75398340 BTC", None),
    ("Score after 5 rounds: 312 313 6936 pts", "en"),
    ("Numer faktury FV/131/10/2023", "pl"),  # glued to a code by a slash
    ("エラーコード E-7771-9515 が出て", "ja"),  # glued to a code by a dash
    ("Böen bis 99 km/h, 07.02.2026 04:35", "de"),  # a date with its hour
    ("Chernobyl, 26/04/1986 01:23:45", "en"),
    ("population: 33,307,048 (2024 est.)", None),  # the end of a number in thousands
    ("52w range 140.00–300.00", "en"),  # a price range
    ("微信 9.0.34 更新了，build 9033926277", "zh"),  # a build number
    ("Prioritätsanmeldung WO 2017/307693", "de"),  # a year and a serial
    ("[ 3293.563452] EXT4-fs (nvme0n1p3)", "en"),  # a log time
    ("Container MSCU 057373 4 op de Ever Given", "nl"),  # a container's serial
    ("12345679 × 48 = 592 592 592", "pl"),  # the result of a sum
    ('"phone": "n/a", "id": 1697159', None),  # an "id" key names it
    ("Rodada 3 (09/05/2025)", "pt"),  # a date in brackets
    ("sentenza n. 32332/2025", "it"),  # a case number and its year
    ("Your case 0415119891", "en"),
    ("Phoenix, AZ 85038-3875", "en"),  # a ZIP+4 code
    ("RCS Lyon 679 010 319", "fr"),  # a company register number
    ("EIN 64-9398341", "en"),  # a US employer number
    ("Rechnungsnr. 017670193563", "de"),  # an invoice number shaped like a German mobile
    ("Kassenbon 0211/597513 vom 14.09.2026", "de"),  # a receipt
    ("(compilación 54031). Error 056-2328 solucionado.", None),  # an error code
    ("Package 6238774951 stuck in customs", "en"),
    ("Su número de incidencia es 612345678", "es"),  # a ticket number
    ("错误码 7656-1302", "zh"),  # an error code
    ("semaine 30 (28-03-2025)", "fr"),  # a date in brackets
    ("on 3/10/24 13:30", "en"),  # a date and its hour
    ("Prüfungsnummern 06459–96997", "de"),  # a range
    ("Minecraft: 737 116 -110", None),  # coordinates
    ("exp 09/30. 41 674 vues", "fr"),  # a sentence ends between the numbers
    ("715 174 205 actions échangées.", None),  # shares
    ("#1 Tetris — 7.108.439 (31,7%)\n#2 Celeste — 3.072.646 (14,6%)", "es"),  # a share after it
    ("PP 6.827.435 (34,2%). Participación 79,7%.", None),
    ("ETH 2002.8133 @ 67736.93\nSOL 2316.6368 @ 36416.36", "zh"),  # decimals
    ("Location -10.154221, 0127.360326", "de"),
    ("本月 API 累计消耗 13800138000 tokens", "zh"),  # a count
    ("Our cluster processed 13800138000 tokens last month.", None),
    ("total_bytes=15926763953 elapsed_ns=5428863640 rows=21201", None),  # measurements
    ("Webinar hoy a las 17:05, ID de reunión 495 504 4771, código prb1dZ", "es"),
    ("Zoom meeting ID 328 536 9018, passcode 123456", "en"),
    ("Johann Sebastian Bach (1685–1750), componist", None),  # years
    ("Leituras sobre o período Edo (1603-1868).", None),
    ("Lotto 6aus49: 9 12 36 46 48 49. Kumulacja 136\u202f000\u202f000.", "pl"),  # round amount
    ("Cerco amici su Pokémon GO! Codice: 3678 0374 0743 (NA).", "it"),  # a friend code
    ("转发 13812345678", "zh"),  # a count's label
    ("le formulaire refuse mon NN 95.05.07-714.37", None),  # ID layouts, valid or not
    ("o site não aceita o nº do CPF 739.528.027-02, por quê?", "pt"),
    ("bank app says IBAN BG33 FINV 0976 8531 9847 39 is invalid", None),  # an IBAN's tail
    ("받는분 연락처 없음 운송장번호 0494-4175-7754.", None),  # a waybill
    ("CEP: 01310-100", "pt"),  # a Brazilian postcode
    ("Tempo em Salvador 40020-000: 0°C", "pt"),  # a postcode without its word
    ("Chrome 127.0.6469.199 broke my extension", "en"),  # a version with a lone 0 part
    ("Tonight's numbers: 26 39 41 42 54 PB 1", "en"),  # a draw: ever larger numbers
    ("Primitiva del 29 de noviembre de 2024: 7-12-13-30-38", "es"),
    ("Vinyl reissue of the 2013 album, 6-804-60179-3", "en"),  # an ISBN-10
    ("Film ma 830 809 350 wyświetleń", "pl"),  # a count of views
    ("doi:10.1016/j.cell.2024.11.036, n = 640.251.090", "tr"),  # a journal's name, not "cell"
    ("Artykuł, n = 830 809 350", "pl"),  # a sample size
    ("i5-12400F、Art.-Nr. 956.984.54", "ja"),  # an article number
]


@pytest.mark.parametrize(("text", "hints"), NOT_PHONE)
def test_not_a_phone_number(text: str, hints: str | None) -> None:
    assert spans(text, hints, "phone") == []


@pytest.mark.parametrize(
    ("text", "hints", "expected"),
    [
        ("Tel 06 12 34 56 78", "fr", "06 12 34 56 78"),  # five pairs: a French number
        ("+33 6 12 34 56 78", "fr", "+33 6 12 34 56 78"),
        ("text 6316425339", "en", "6316425339"),  # "text" is a phone word
        ("Tel.-Nr. 030 1234567", "de", "030 1234567"),
        ("Tel.0612345678", "fr", "0612345678"),  # a label glued by its dot
        ("Tel. 0044 7472 977170", "de", "0044 7472 977170"),  # 00: the international prefix
        ("llamad al 663698366", "es", "663698366"),
        ("DNI: 17200719P, su número 623382192", "es", "623382192"),
        ("Tel: 612.345.678", "es", "612.345.678"),  # with a phone word, not a count
        ("Tel: 079-12-3456", "en", "079-12-3456"),  # with a phone word, not an SSN
        ("手机 138。1234。5678", "zh", "138。1234。5678"),
        ("Mob.07700 900123", "en-GB", "07700 900123"),
        ("Mobile:-+91 98765 43210", "en-IN", "+91 98765 43210"),  # ":-" is a label
        ("call me at 0 6 1 2 3 4 5 6 7 8", "fr", "0 6 1 2 3 4 5 6 7 8"),
        ("Tel 202 555 0143 users can call", "en", "202 555 0143"),  # a phone word: not a count
        ("手机13812345678个人号码", "zh", "13812345678"),
        ("Tel: +1 (415) 555-2671 USD wire", "en", "+1 (415) 555-2671"),  # a phone word
        ("Tel-0612345678", "fr", "0612345678"),  # a label glued by a dash
        ("joindre au-05 47 29 08 01", "fr", "05 47 29 08 01"),  # not a code's capitals
        ("Edwin,711-64-1421,336-497-9269", "en-US", "336-497-9269"),  # a CSV row
        ("联系方式: (852) 5814 7065", "zh", "(852) 5814 7065"),  # a country code in brackets
        ("致电(+86)18136928308 / 身份证号码 | 440104199401292598", "zh", "(+86)18136928308"),
        ("call (212) 555-0143 now", "en", "(212) 555-0143"),  # an area code, not Morocco's
        ("joignable au 0.6.2.9.6.1.9.1.4.8 — elle vit", "fr", "0.6.2.9.6.1.9.1.4.8"),
        ("联系方式 0-9-6-7-2-1-8-5-0-8", "zh", "0-9-6-7-2-1-8-5-0-8"),
        ("Cel: 5562195735", "es", "5562195735"),
        ("téléphone : +33621019498. 5237,90 €", "fr", "+33621019498"),  # ends at the sentence
        ("殷玉兰 17779058364 2626260507@foxmail.com", "zh", "17779058364"),  # before an e-mail
        ("erreichbar unter 015185961355", "de", "015185961355"),
        ("赵女士，16672456272。12105人点赞", "zh", "16672456272"),  # a full stop ends it
        # a phone word on the line above does not make a count of shares a phone
        ("portable 03 22 64 90 88\n748 105 853 actions échangées.", "fr", "03 22 64 90 88"),
        ("1) Ruthild Henschel: 017779659046", "de", "017779659046"),  # a German mobile
        ("Handynr.0172-68703371", "de", "0172-68703371"),  # a label glued by its dot
        ("my number is +447422023458", "en", "+447422023458"),  # not a My Number after "+"
        ("他手机号 +86 139 4698 7907 2024年4月8日被曝光", "zh", "+86 139 4698 7907"),  # a date next
        ("cell (878)922-6748; bank account", "zh", "(878)922-6748"),
        # the invoice number is not a phone: the phone word below labels its own line
        ("Invoice 006499178616 is due.\ncell (506)402-4180", "en", "(506)402-4180"),
    ],
)
def test_phone_next_to_the_new_rules(text: str, hints: str, expected: str) -> None:
    assert spans(text, hints, "phone") == [("phone", expected)]


def test_phone_digits_of_an_email_are_the_email() -> None:
    text = "联系97194458@qq.com"
    assert spans(text, "zh") == [("email", "97194458@qq.com")]


@pytest.mark.parametrize(
    ("text", "hints", "expected"),
    [
        # the phone word labels the field before: the ID keeps its own score
        (
            "Tel:5218386994\nID:039-10-7359",
            "en-US",
            [("phone", "5218386994"), ("national_id", "039-10-7359")],
        ),
        (
            "Tel: (900)509-0069 / SSN: 630-66-1430",
            "en-US",
            [("phone", "(900)509-0069"), ("national_id", "630-66-1430")],
        ),
        ("Tel:\n0612345678", "fr", [("phone", "0612345678")]),  # the label on the line above
    ],
)
def test_context_stays_in_its_field(text: str, hints: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, hints) == expected


@pytest.mark.parametrize(
    ("text", "hints", "expected"),
    [
        # a negative word in an earlier sentence does not name the number
        ("My order was cancelled. 415-555-0134 is my cell", "en", [("phone", "415-555-0134")]),
        ("我的订单昨天被取消了。13812345678是我的手机", "zh", [("phone", "13812345678")]),
        (
            "订单号：711923172253，已发货。联系方式：15790737814，210103197812098775。",
            "zh",
            [("phone", "15790737814"), ("national_id", "210103197812098775")],
        ),
        # ... but it does when it labels the number across an abbreviation's dot
        ("Order no. 415 555 0134", "en", []),
        ("Ref. 415-555-0134", "en", []),
        ("Thanks for your order. 4155550134", "en", []),  # (digits alone need a phone word)
        # ... nor when it labels another number between them
        (
            "ISBN 9786120292099 überweist an BE66 8761 0194 7943 #scam",
            "de",
            [("iban", "BE66 8761 0194 7943")],
        ),
        # a repost's "转发：" at the start of a post names nothing; a clause ends after 快递单
        (
            "转发：报销打到这张卡：5563 8438 1991 0481",
            None,
            [("payment_card", "5563 8438 1991 0481")],
        ),
        ("快递单都不撕，上面写着：收件人石帅 136 2262 6528", "zh", [("phone", "136 2262 6528")]),
    ],
)
def test_negative_words_stay_in_their_sentence(
    text: str, hints: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text, hints) == expected


@pytest.mark.parametrize(
    ("text", "hints", "expected"),
    [
        # a number that needs context (an OIB, a CPF) does not hide a phone number whose
        # phone word is nearer; a labelled one does
        ("ID number and phone 15816289099", "zh", [("phone", "15816289099")]),
        ("身份证号码 电话：18006748640", "zh", [("phone", "18006748640")]),
        (
            "passport number 807175512; call him at (678) 394-8420",
            "en-US",
            [("passport", "807175512"), ("phone", "(678) 394-8420")],
        ),
        ("PESEL: 44051401359", "pl", [("national_id", "44051401359")]),
    ],
)
def test_nearest_label_decides_the_kind(
    text: str, hints: str, expected: list[tuple[str, str]]
) -> None:
    assert spans(text, hints) == expected
