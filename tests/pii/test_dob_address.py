"""Parametrised tables: date of birth and address recognizers."""

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


DOB = [
    ("出生日期：1954年10月24日", "zh", [("date_of_birth", "1954年10月24日")]),
    ("他生于1954-10-24", "zh", [("date_of_birth", "1954-10-24")]),
    ("born October 24, 1954 in Ohio", "en", [("date_of_birth", "October 24, 1954")]),
    ("DOB: 10/24/1954", "en", [("date_of_birth", "10/24/1954")]),
    ("Unser Sohn ist am 14.03.87 geboren, 52 cm", None, [("date_of_birth", "14.03.87")]),
    ("生年月日：平成10年4月8日", "ja", [("date_of_birth", "平成10年4月8日")]),  # an era year
    # a thread's "2/3" and Han characters are no day and month word before a year
    ("1/3 顾强 🧵\n\n2/3 出生日期1978-04-07\n\n3/3", None, [("date_of_birth", "1978-04-07")]),
    ("«1966년 1월 29일 출생 / 연락처", "ko", [("date_of_birth", "1966년 1월 29일")]),
    ("1/3 说一下\n2/3 1959-12-21出生，他手机号", "zh", [("date_of_birth", "1959-12-21")]),
    ("родился 5 марта 1990 года, живет", "ru", [("date_of_birth", "5 марта 1990")]),
    ("DOĞUM TARİHİ: 12 MAYIS 1990", "tr", [("date_of_birth", "12 MAYIS 1990")]),  # dotless I
    ("14.03.87 출생", "ko", [("date_of_birth", "14.03.87")]),  # two-digit year, birth word after
    ("Заказ доставлен 5 марта 2024", "ru", []),  # no birth word
    ("IBAN yok | 20.12.1980 doğumlu", "tr", [("date_of_birth", "20.12.1980")]),
    (
        "Pierluigi Cianciolo. nato/a il 22/08/1953, la sua mail",
        "it",
        [("date_of_birth", "22/08/1953")],
    ),
    ("Data urodzenia  18 października 1962", "pl", [("date_of_birth", "18 października 1962")]),
    ("Kamar Durdu|Doğum T.: 27 Ekim 1983", "tr", [("date_of_birth", "27 Ekim 1983")]),
    ("[01:28] たけし: födelsedatum 1961-02-20", "sv", [("date_of_birth", "1961-02-20")]),
    ("tel 22 25 31 65\nfödd den 29 oktober 1995", None, [("date_of_birth", "29 oktober 1995")]),
    ("Mom's 60th birthday dinner booked for August 1, 2019", "en", []),
    ("date of birth 24 October 1954", "en", [("date_of_birth", "24 October 1954")]),
    ("née le 24 octobre 1954 à Lyon", "fr", [("date_of_birth", "24 octobre 1954")]),
    ("date de naissance : 24/10/1954", "fr", [("date_of_birth", "24/10/1954")]),
    ("geboren am 24.10.1954", "de", [("date_of_birth", "24.10.1954")]),
    (
        "fecha de nacimiento: 24 de octubre de 1954",
        "es",
        [("date_of_birth", "24 de octubre de 1954")],
    ),
    ("会议将于2023年5月6日举行", "zh", []),
    ("The meeting is on October 24, 2023.", "en", []),
    ("DOB 1990-01-01, meeting on 2020-03-04", "en", [("date_of_birth", "1990-01-01")]),
    ("born 1954-02-30", "en", []),  # no such day
    # birth words after the date; a bare 生 only before punctuation (生效: takes effect)
    ("这人1992年11月3日出生的，属猴", "zh", [("date_of_birth", "1992年11月3日")]),
    ("1988年5月20日生，身高175", "zh", [("date_of_birth", "1988年5月20日")]),
    ("本规定自2023年5月1日生效", "zh", []),
    ("1988年5月20日生效的合同", "zh", []),
    ("March 3, 1990 is her birthday btw", "en", [("date_of_birth", "March 3, 1990")]),
    ("March 3, 1990 was a Saturday. Her birthday", "en", []),  # too far after
    ("DOB 25-Feb-1991", "en", [("date_of_birth", "25-Feb-1991")]),
    ("bday: 12.05.1993", "en", [("date_of_birth", "12.05.1993")]),
    ("date of birth - 5 Jan 90", "en", [("date_of_birth", "5 Jan 90")]),
    ("né le 3 mars 85 à Lyon", "fr", [("date_of_birth", "3 mars 85")]),
    ("Meeting 5 Jan 90 people", "en", []),
    ("born 05MAR1992", "en", [("date_of_birth", "05MAR1992")]),  # written as on a form
    ("出生日期 95年5月26日 | 住址", "zh", [("date_of_birth", "95年5月26日")]),
    ("薛莹，90年10月8日生，现住", "zh", [("date_of_birth", "90年10月8日")]),
    (  # the birth word after the first date is not the second's
        "黎欢，男，1973/06/06出生，于2023/03/21在西安走失",
        "zh",
        [("date_of_birth", "1973/06/06")],
    ),
    ("Unser Hund Bello, geboren am 3.4.2019", "de", []),  # a pet's birthday
    (  # a table row: the title's dot does not end a sentence
        "Name\tGeburtsdatum\tTelefon\nProf. Giovanni Franke\t23. Juni 1953\t+49(0)7823399179\n",
        "de",
        [("date_of_birth", "23. Juni 1953")],
    ),
    ("My hamster was born 2022-01-12", "en", []),
    ("I was born in Ohio but moved to Texas on 12th August 2021", "en", []),  # another event
    ("祝妈妈生日快乐❤️ 会议改到2020/09/10下午三点", "zh", []),
    ("扒到了赵云的资料：1989/09/02生的，", "zh", [("date_of_birth", "1989/09/02")]),
    ("女儿的生日派对定在2015年12月27日，欢迎大家", "zh", []),
    ("RDV à la mairie pour l'acte de naissance le 3 janv. 2022", "fr", []),
    ("我出生在成都，2021.04.06搬到了上海", "zh", []),
    ("ist am 3. Februar 2018 zur Welt gekommen", "de", [("date_of_birth", "3. Februar 2018")]),
    (
        "Für alle, die gefragt haben:\n- geboren am: 19.11.2006",
        "de",
        [("date_of_birth", "19.11.2006")],
    ),
    ("This company was born on 8 December 2015 in a garage", "en", []),  # not a person
    ("Le projet est né le 3 mars 2015 à Lyon", "fr", []),
    ("people born before 6 April 1951 keep the old state pension", "en", []),  # a cohort
    ("出生于2017年9月1日至2018年8月31日的适龄儿童", "zh", []),
    ("Kinder, die bis zum 30.09.2020 geboren sind, werden schulpflichtig", "de", []),
    ("date-of-birth picker defaults to 01/01/1970", "en", []),
    ("Onze kat wordt vandaag 6! Geboren op 21 september 2019", "nl", []),
    ("Geb: 16.01.1959", "de", [("date_of_birth", "16.01.1959")]),
    ("Gebühr 12.03.1990", "de", []),  # "geb" glued to an accented letter is not the word
    ("er ist am 23.7.1983 in Leipzig geboren", "de", [("date_of_birth", "23.7.1983")]),
    (  # the birth word after a date belongs to the next one
        "Call on 2023-10-20., Born on 2 September 1947",
        "en",
        [("date_of_birth", "2 September 1947")],
    ),
    ("bday party on 12/05/2024 at my place", "en", []),  # an event, recent
    ("birthdate: 1954-10-24", "en", [("date_of_birth", "1954-10-24")]),
    ("nac. 24/10/1954", "es", [("date_of_birth", "24/10/1954")]),
    # a birth word next to a recent date: a release, a statistic, a company's birthday
    ("Geboren in Ruinen – Doku läuft am 03.10.2024", "de", []),
    ("2024年新出生人口954万（国家统计局2025年1月17日发布）", "zh", []),
    # the date of what a birth word names: a song, a company, a film
    ("'Born in the U.S.A.' came out on June 4, 1984", "en", []),
    ("Unsere Firma feiert Geburtstag: gegründet am 22. März 1972!", "de", []),
    ("《出生入死》电影1998年5月20日上映", "zh", []),
    (
        "born October 24, 1954 in Ohio, released 2001-05-05",
        "en",
        [("date_of_birth", "October 24, 1954")],
    ),
    # a two-digit year only right after the birth word; the century that makes an adult
    ("DOB: 10/24/54", "en", [("date_of_birth", "10/24/54")]),
    ("née le 12/03/05 à Lyon", "fr", [("date_of_birth", "12/03/05")]),
    ("geb. 12.03.85, Köln", "de", [("date_of_birth", "12.03.85")]),
    ("born in Ohio, and the meeting is on 3/4/88", "en", []),  # too far from the word
    ("born 3/4/25", "en", [("date_of_birth", "3/4/25")]),  # 1925: 2025 is too recent
    # dates in Chinese numerals
    ("出生日期：一九五四年十月二十四日", "zh", [("date_of_birth", "一九五四年十月二十四日")]),
    ("生日是二〇〇一年三月五日", "zh", [("date_of_birth", "二〇〇一年三月五日")]),
    ("会议于二〇二三年五月六日举行", "zh", []),
    ("出生：一九五四年十三月二日", "zh", []),  # no 13th month
    # abbreviations of the birth word and of months
    ("DDN 15 mars 1971", "fr", [("date_of_birth", "15 mars 1971")]),
    ("b. 7/22/2002", "en", [("date_of_birth", "7/22/2002")]),
    ("Plan B. 12/03/1985", "en", []),
    ("出生：一九八五年〇五月〇三日", "zh", [("date_of_birth", "一九八五年〇五月〇三日")]),
    ("nacida el 21 dic. 1951", "es", [("date_of_birth", "21 dic. 1951")]),
    # the birth word in another sentence; a death, a deadline, a format example
    ("Never post your date of birth online. Deadline is 03/28/2018", "en", []),
    ("不要在网上晒出生日期！ 截止日期1992年6月19日", "zh", []),
    ("Né à St. Louis le 3/4/1990", "fr", [("date_of_birth", "3/4/1990")]),  # an abbreviation
    ("born 1950, died 3 March 2020", "en", []),
    ("Date de naissance au format JJ/MM/AAAA (ex. : 31/01/1990)", "fr", []),
    ("Frida Kahlo nació el 6 de julio de 1907", "es", []),  # older than anyone alive
    # more languages, field icons; 生 of another word
    ("nascido em 16/10/1964", "pt", [("date_of_birth", "16/10/1964")]),
    ("nato il 3 marzo 1970", "it", [("date_of_birth", "3 marzo 1970")]),
    ("geboren op 3 maart 1970", "nl", [("date_of_birth", "3 maart 1970")]),
    ("ur. 13.12.1973", "pl", [("date_of_birth", "13.12.1973")]),
    ("생년월일: 1958년 12월 28일", "ko", [("date_of_birth", "1958년 12월 28일")]),
    ("（1959年10月26日生まれ）", "ja", [("date_of_birth", "1959年10月26日")]),
    ("🎂 1966.1.14", "zh", [("date_of_birth", "1966.1.14")]),
    ("事件发生于2016-12-04", "zh", []),
    ("発生日は1990-08-15", "ja", []),
    ("발생일 2013.07.26.", "ko", []),  # 발생일: date of occurrence
    ("創業7周年の誕生日！設立は1989年1月6日", "ja", []),
    ("Cumpleaños de la Game Boy: lanzada el 07/12/1999", "es", []),
    # a birth word in the plural names a kind of data, not the date after it
    (
        "Fuite chez Acme : noms et dates de naissance, selon un communiqué du 23/05/2019.",
        "fr",
        [],
    ),
    ("Names and dates of birth leaked in the breach announced on March 3, 2019.", "en", []),
    ("dates of birth: 03/04/1985", "en", [("date_of_birth", "03/04/1985")]),
    ("生日 民國65年2月16日", "zh-TW", [("date_of_birth", "民國65年2月16日")]),  # 1976
    ("Ricardo Rogner (* 17.7.1967 in Hamburg)", "de", [("date_of_birth", "17.7.1967")]),
    ("Changelog:\n* 17.7.2019 neue Version", "de", []),  # a bullet
    # a shop's birthday, a birthday cake's order deadline, a tour, birth statistics
    ("今天是我们店开业三周年生日（2023.4.6），全场八折！", "zh", []),
    ("生日蛋糕预订请提前两天，2023.03.14前下单享八折", "zh", []),
    ("Born to Run tour: tickets on sale 14/03/2023.", "en", []),
    ("2,1 millones de nacimientos en 2024, informó el INEGI el 14 de noviembre del 2023", "es", []),
    # birth statistics and the date of their report
    ("1987年の出生数は1,599,273人で過去最少、令和5年9月28日に厚労省が発表", "ja", []),
    ("1987年出生人口为1599273人，2023年7月25日国家统计局发布", "zh", []),
    (
        "| Name | Dates de naissance |\n|---|---|\n| Jo | 03/04/1985 |",
        "fr",
        [("date_of_birth", "03/04/1985")],
    ),
]

ADDRESS = [
    (  # spaces between the divisions and before the building
        "现住天津市 和平区 学院路278号 绿地中心6幢1034",
        "zh",
        "天津市 和平区 学院路278号 绿地中心6幢1034",
    ),
    (
        "住址：北京市朝阳区建国路88号院3号楼2单元501室",
        "zh",
        "北京市朝阳区建国路88号院3号楼2单元501室",
    ),
    ("他家住在广东省深圳市南山区科技园南路12号，", "zh", "广东省深圳市南山区科技园南路12号"),
    ("地址 内蒙古自治区欢县徐汇韦街b座 469074", "zh", "内蒙古自治区欢县徐汇韦街b座 469074"),
    # a named building after the number, with a bare room number after its block
    (
        "江苏省南京市玄武区珠江路88号新世界中心A座2305",
        "zh",
        "江苏省南京市玄武区珠江路88号新世界中心A座2305",
    ),
    ("杭州市西湖区文三路259号昌地火炬大厦1号楼", "zh", "杭州市西湖区文三路259号昌地火炬大厦1号楼"),
    ("上海市徐汇区漕溪北路595弄12号302室", "zh", "上海市徐汇区漕溪北路595弄12号302室"),  # lanes
    ("香港中環皇后大道中99號中環中心45樓", "zh", "香港中環皇后大道中99號中環中心45樓"),
    ("河南省周口市郸城县幸福村3组12号", "zh", "河南省周口市郸城县幸福村3组12号"),  # village groups
    (
        "lives at 1600 Pennsylvania Avenue NW, Washington, DC 20500.",
        "en",
        "1600 Pennsylvania Avenue NW, Washington, DC 20500",
    ),
    ("Address: 221B Baker Street, London NW1 6XE", "en", "221B Baker Street, London NW1 6XE"),
    (
        "Flat 3, Mandy Mews\nRobinsonstad\nWS8Y 2NT",
        "en",
        "Flat 3, Mandy Mews\nRobinsonstad\nWS8Y 2NT",
    ),
    ("home: 24 Sussex Drive, Ottawa, ON K1M 1M4", "en", "24 Sussex Drive, Ottawa, ON K1M 1M4"),
    ("habite au 12 bis, rue de la Paix, 75002 Paris.", "fr", "12 bis, rue de la Paix, 75002 Paris"),
    (
        "Adresse : avenue Julie Ledoux\n97310 Da Costa-sur-Mer",
        "fr",
        "avenue Julie Ledoux\n97310 Da Costa-sur-Mer",
    ),
    ("Anschrift Hauptstraße 5a, 10115 Berlin", "de", "Hauptstraße 5a, 10115 Berlin"),
    ("Auf der Höhe 12, 53121 Bonn", "de", "Auf der Höhe 12, 53121 Bonn"),
    ("le 3 mai 12 rue Victor Hugo, 75001 Paris", "fr", "12 rue Victor Hugo, 75001 Paris"),
    (  # in Québec: town, province, postcode
        "Il habite au 1234, rue Sainte-Catherine Ouest, Montréal (Québec) H3G 1P1",
        "fr",
        "1234, rue Sainte-Catherine Ouest, Montréal (Québec) H3G 1P1",
    ),
    ("au 45 avenue du Parc, Québec, QC G1R 2L3.", "fr", "45 avenue du Parc, Québec, QC G1R 2L3"),
    (
        "Dirección: Pza. de la Paz 21, ático, 29036 Málaga",
        "es",
        "Pza. de la Paz 21, ático, 29036 Málaga",
    ),
    (  # Mexico: interior number, colonia, C.P.
        "Se alquila en Av. Chapultepec 95 int. 28, Col. Centro, C.P. 85349, Zapopan, Jal.",
        "es",
        "Av. Chapultepec 95 int. 28, Col. Centro, C.P. 85349, Zapopan",
    ),
    (
        "Adresse: Ringstraße 3, Hinterhaus, 2. OG links, 04109 Leipzig",
        "de",
        "Ringstraße 3, Hinterhaus, 2. OG links, 04109 Leipzig",
    ),
    ("Calle de Alcalá 45, 28014 Madrid", "es", "Calle de Alcalá 45, 28014 Madrid"),
    (
        "Vive en C. de Leonor Pardo 5 Piso 6 , Málaga, 25318.",
        "es",
        "C. de Leonor Pardo 5 Piso 6 , Málaga, 25318",
    ),
    # a town without its postcode, up to punctuation or a lower-case word
    (
        "lives at Flat 17, 4 Naylor Green, South Norman.",
        "en-GB",
        "Flat 17, 4 Naylor Green, South Norman",
    ),
    (
        "send it to 7358 Madison Course Apt. 452, Rachelchester thx",
        "en",
        "7358 Madison Course Apt. 452, Rachelchester",
    ),
    ("dirección: C/ Roura 122, Teruel. nacido", "es", "C/ Roura 122, Teruel"),
    ("Adresse - Kreingasse 63, Diepholz / Tel", "de", "Kreingasse 63, Diepholz"),
    # a unit before the postcode; the sentence's full stop and next words left out
    (
        "Envoyez au 74 avenue Normand, bât. B, 33554 Saint Susan merci",
        "fr",
        "74 avenue Normand, bât. B, 33554 Saint Susan",
    ),
    (
        "Adresse:53 rue Marchand, 3e étage, 56531 Andredan / Tél",
        "fr",
        "53 rue Marchand, 3e étage, 56531 Andredan",
    ),
    (
        "vive en Calle Atienza 33, 1º izq., 06733 Vizcaya",
        "es",
        "Calle Atienza 33, 1º izq., 06733 Vizcaya",
    ),
    (
        "habite au 62, rue Louis Jourdan, 73806 Rousset-sur-Blin Faites tourner.",
        "fr",
        "62, rue Louis Jourdan, 73806 Rousset-sur-Blin",
    ),
    ("Vive en Calle Ruiz 46, 31154 Zaragoza.", "es", "Calle Ruiz 46, 31154 Zaragoza"),
    (  # the next sentence starts with a capital: not part of the town
        "Vive en Calle Mayor 12, 3º B, 28013 Madrid. Nacido en Soria",
        "es",
        "Calle Mayor 12, 3º B, 28013 Madrid",
    ),
    ("Calle Mayor 12, 28013 Madrid Nacido en Soria", "es", "Calle Mayor 12, 28013 Madrid"),
    ("Address: 12-3 Main St, Toronto, ON M5V 2T6", "en", "12-3 Main St, Toronto, ON M5V 2T6"),
    ("6 rue Raynaud - 69100 Villeurbanne", "fr", "6 rue Raynaud - 69100 Villeurbanne"),
    (  # an adjective before the street, an Austrian postcode
        "Adresse: Landstraßer Hauptstraße 111, 1130 Wien, Telefon",
        "de",
        "Landstraßer Hauptstraße 111, 1130 Wien",
    ),
    ("Annenstraße 89/6/25, 6024 Innsbruck.", "de", "Annenstraße 89/6/25, 6024 Innsbruck"),
    ("wohnt Rosenweg 7a 8015 Zürich.", "de", "Rosenweg 7a 8015 Zürich"),
    ("7592 3rd Rd, Seattle, WA 98147", "en", "7592 3rd Rd, Seattle, WA 98147"),  # numbered
    (
        "ship to 2070-978 17 Ave SW\nCalgary AB  T2K 3S2",
        "en",
        "2070-978 17 Ave SW\nCalgary AB  T2K 3S2",
    ),
    ("RR 5, Box 226, Marfa, TX 79804", "en", "RR 5, Box 226, Marfa, TX 79804"),  # rural route
    ("PO Box 3552, Stn Main, Ottawa ON K7A 9E5", "en", "PO Box 3552, Stn Main, Ottawa ON K7A 9E5"),
    ("新地址是P.O. Box 2436, Columbus, OH 43223，欢", "zh", "P.O. Box 2436, Columbus, OH 43223"),
    ("Adresse - Postfach 48 68 56, D-20095 Hamburg", "de", "Postfach 48 68 56, D-20095 Hamburg"),
    ("Adresse: BP 158, 23200 Aubusson", "fr", "BP 158, 23200 Aubusson"),
    (  # an estate without an estate word, the room after the unit
        "我家在河南省郑州市金水区龙湖春森彼岸30栋5单元103\n快递",
        "zh",
        "河南省郑州市金水区龙湖春森彼岸30栋5单元103",
    ),
    (
        "现住址广东省深圳市南山区华润二十四城8-4-1004，宝宝",
        "zh",
        "广东省深圳市南山区华润二十四城8-4-1004",
    ),
    (
        "地址：山东省临沂市沂南县岸堤镇东风村第六村民组",
        "zh",
        "山东省临沂市沂南县岸堤镇东风村第六村民组",
    ),
    (
        "113, quai Clerc, appt 27, 13100 Aix-en-Provence",
        "fr",
        "113, quai Clerc, appt 27, 13100 Aix-en-Provence",
    ),
    (  # all in lower case, no commas
        "Lives at: 7777 walters lane apt 8a oakland ca 94665\nEMAIL",
        "en",
        "7777 walters lane apt 8a oakland ca 94665",
    ),
    (
        "Home: 4933 chestnut drive suite 588 chicago illinois 60664",
        "en",
        "4933 chestnut drive suite 588 chicago illinois 60664",
    ),
    (
        "Address:4064 s park street #925 columbus oh, CPR",
        "en",
        "4064 s park street #925 columbus oh",
    ),
    (
        "He lives at 49137 savannah path fraziermouth ga 07253.",
        "en",
        "49137 savannah path fraziermouth ga 07253",
    ),
    (  # an addition on its own line before the postcode
        "Meldeadresse Ringstraße 61 a, 4. OG\n30399 Hannover\n#betrug",
        "de",
        "Ringstraße 61 a, 4. OG\n30399 Hannover",
    ),
    ("Waldweg 14b (Hinterhaus)\n01874 Dresden", "de", "Waldweg 14b (Hinterhaus)\n01874 Dresden"),
    (
        "Calle Triana 10, 35002 Las Palmas de Gran Canaria",
        "es",
        "Calle Triana 10, 35002 Las Palmas de Gran Canaria",
    ),
    (
        "Rambla de Catalunya 5, 08800 Vilanova i la Geltrú",
        "es",
        "Rambla de Catalunya 5, 08800 Vilanova i la Geltrú",
    ),
    ("lives at 12 Oak Road, Troy.", "en", "12 Oak Road, Troy"),
    ("lives at 12 Oak Road, Springfield\r\nbye", "en", "12 Oak Road, Springfield"),
    (
        "habite au 3 rue Nationale, 59650 Villeneuve d'Ascq",
        "fr",
        "3 rue Nationale, 59650 Villeneuve d'Ascq",
    ),
    ("12 rue X, 94190 Villeneuve Saint Georges", "fr", "12 rue X, 94190 Villeneuve Saint Georges"),
    (
        "12 rue de la Paix, bât. B, 3e étage, 75002 Paris",
        "fr",
        "12 rue de la Paix, bât. B, 3e étage, 75002 Paris",
    ),
    (
        "Karl-Marx-Allee 3, 60311 Frankfurt am Main",
        "de",
        "Karl-Marx-Allee 3, 60311 Frankfurt am Main",
    ),
    (
        "Doris-Kostolzin-Gasse 21, 10115 Berlin-Mitte",
        "de",
        "Doris-Kostolzin-Gasse 21, 10115 Berlin-Mitte",
    ),
    ("12 Smith Street, Sydney NSW 2000", "en-AU", "12 Smith Street, Sydney NSW 2000"),
    (
        "Home: H.No. 296, Konda Path, Ozhukarai 605260.",
        "en-IN",
        "H.No. 296, Konda Path, Ozhukarai 605260",
    ),
    ("Home: 44/847, Sidhu Circle, Thane 917286", "en-IN", "44/847, Sidhu Circle, Thane 917286"),
    ("Home: 57, Varty Nagar, Junagadh-271727", "en-IN", "57, Varty Nagar, Junagadh-271727"),
    (
        "山东省青岛市即墨区科技园南路220号",
        "zh",
        "山东省青岛市即墨区科技园南路220号",
    ),  # 即 starts a name
    (
        "wohnhaft Schillerstraße 168, 38723 Hamburg EAN 2534",
        "de",
        "Schillerstraße 168, 38723 Hamburg",
    ),
    ("Am Markt 3, 70392 Dresden Frist: 18.05.2020", "de", "Am Markt 3, 70392 Dresden"),
    (
        "Hauptstr. 5, 61348 Bad Homburg vor der Höhe",
        "de",
        "Hauptstr. 5, 61348 Bad Homburg vor der Höhe",
    ),
    # post office boxes and US military mail
    ("PO Box 1234, Springfield, IL 62704", "en", "PO Box 1234, Springfield, IL 62704"),
    ("his mailing address is P.O. Box 77", "en", "P.O. Box 77"),
    ("PSC 1234, Box 5678\nAPO AE 09012", "en", "PSC 1234, Box 5678\nAPO AE 09012"),
    ("Unit 2050 Box 4190, DPO AP 96522", "en", "Unit 2050 Box 4190, DPO AP 96522"),
    ("USNS Comfort, FPO AA 34055", "en", "USNS Comfort, FPO AA 34055"),
]
NOT_ADDRESS = [
    ("I moved to Paris last year.", "en"),
    ("北京市今天下雨。", "zh"),
    ("今天地铁3号线很挤", "zh"),
    ("Im Jahr 2024 war alles anders", "de"),  # the shape of "Auf der Höhe 12", no postcode
    ("Am Montag 12 Leute", "de"),
    ("1位 Factorio 742,038本\n3位 Elden Ring 530,950本", "ja"),  # a count in thousands
    ("Abpfiff: Mainz 0:3 Freiburg. 33.637 Zuschauer. Platz 18, 45 Punkte.", "de"),
    ("sent via Slack 3 times", "en"),  # not a Spanish "Vía"
    ("napisy: en, pl. Sezon 2", "pl"),
    ("Rendez-vous le 14 juillet 2025 place de la Bastille", "fr"),  # a year, not a number
    ("TGV 6611 Paris-Lyon, voie 11, voiture 14, place 82.", "fr"),  # platform and seat
    ("He scored 3 goals in the Main Stadium.", "en"),
    ("¡Final! Osasuna 2-1 Athletic Club. Asistencia: 27.844", "es"),  # a score
    ("we met at 5 oak lane and then in", "en"),  # lower case: a state must end it
    ("Haltestelle Goethestraße 4 Min. zu Fuß", "de"),  # a stop, a count after the number
    ("Tabellenplatz 3 nach dem Spiel", "de"),  # ends like a street, is not one
    ("Doors 12:00, Chicago Convention Center. Ticket ref 7J3EO8LH", "en"),  # a time
    ("Section 12, Madison Square Garden", "en"),  # a seat
    ("第3栋楼下有人", "zh"),
    ("我们村二组的人都来了", "zh"),  # a village group without its county or town
    ("Einstieg 0,002011 $", "de"),
    ("Es hat 28 °C. KNMI-station 678", "de"),  # °C., not c. (calle)
    ("U7 bis Schönhauser Allee 6 Stationen", "de"),
    ("Abfahrt Bussteig 11", "de"),
    ("la sortie 4 boulevard Haussmann est fermée", "fr"),
    ("Prochain départ à 09:09, voie J", "fr"),  # a time, not a number
    ("En la Calle Real 3 carriles por sentido", "es"),
    ("i walked 3 blocks down main street in ohio.", "en"),
    ("Jean,4059 e 65th st apt 36a oakland ca", "en"),  # no ZIP code, no address word
    ("La France et l'Allemagne.", "fr"),
    ("Send donations to PO Box 12.", "en"),  # a box alone, no address context
    ("The unit 3 box 4 was shipped", "en"),
]


@pytest.mark.parametrize(("text", "hints", "expected"), DOB)
def test_date_of_birth(text: str, hints: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, hints, "date_of_birth") == expected


@pytest.mark.parametrize(("text", "hints", "expected"), ADDRESS)
def test_address(text: str, hints: str, expected: str) -> None:
    assert spans(text, hints, "address") == [("address", expected)]


@pytest.mark.parametrize(("text", "hints"), NOT_ADDRESS)
def test_not_address(text: str, hints: str) -> None:
    assert spans(text, hints, "address") == []
