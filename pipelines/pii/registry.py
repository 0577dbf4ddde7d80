"""The list of recognizers the engine runs by default."""

from __future__ import annotations

from functools import cache

from pipelines.pii.recognizers.base import Recognizer


@cache
def _classes() -> tuple[type[Recognizer], ...]:
    from pipelines.pii.recognizers import (
        address_de,
        address_en,
        address_es,
        address_fr,
        address_it,
        address_nl,
        address_pl,
        address_pt,
        address_zh,
        cn_ric,
        date_of_birth,
        email,
        fr_nir,
        hk_tw_gb,
        iban,
        passport,
        payment_card,
        phone,
        us_ssn,
    )

    return (
        cn_ric.ChinaRicRecognizer,
        us_ssn.UsSsnRecognizer,
        fr_nir.FranceNirRecognizer,
        hk_tw_gb.HongKongIdRecognizer,
        hk_tw_gb.TaiwanIdRecognizer,
        hk_tw_gb.UkNinoRecognizer,
        passport.PassportRecognizer,
        payment_card.PaymentCardRecognizer,
        iban.IbanRecognizer,
        email.EmailRecognizer,
        email.ObfuscatedEmailRecognizer,
        phone.PhoneRecognizer,
        date_of_birth.DateOfBirthRecognizer,
        address_zh.ChineseAddressRecognizer,
        address_en.EnglishAddressRecognizer,
        address_en.PostBoxAddressRecognizer,
        address_en.LowercaseUsAddressRecognizer,
        address_fr.FrenchAddressRecognizer,
        address_de.GermanAddressRecognizer,
        # after German (ties on "-weg 12" stay German), Italian before Spanish (ties on
        # "Via Roma 12" are Italian), Portuguese after Spanish ("Avenida Paulista 1000")
        address_nl.DutchAddressRecognizer,
        address_it.ItalianAddressRecognizer,
        address_es.SpanishAddressRecognizer,
        address_pt.PortugueseAddressRecognizer,
        address_pl.PolishAddressRecognizer,
    )


def default_recognizers() -> list[Recognizer]:
    """Fresh instances of every default recognizer (phone last: it skips claimed IDs)."""
    from pipelines.pii.recognizers import national_ids

    recs: list[Recognizer] = [cls() for cls in _classes()]
    phone = [r for r in recs if r.kind == "phone"]
    others = [r for r in recs if r.kind != "phone"]
    return [*others[:4], *national_ids.recognizers(), *others[4:], *phone]
