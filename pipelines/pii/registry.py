"""The list of recognizers the engine runs by default."""

from __future__ import annotations

from functools import cache

from pipelines.pii.recognizers.base import Recognizer


@cache
def _classes() -> tuple[type[Recognizer], ...]:
    from pipelines.pii.recognizers import cn_ric, fr_nir, us_ssn

    return (
        cn_ric.ChinaRicRecognizer,
        us_ssn.UsSsnRecognizer,
        fr_nir.FranceNirRecognizer,
    )


def default_recognizers() -> list[Recognizer]:
    """Fresh instances of every default recognizer."""
    return [cls() for cls in _classes()]
