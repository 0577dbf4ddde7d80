"""China resident identity card number (居民身份证号码, GB 11643-1999).

18 characters: 6-digit area code, birth date YYYYMMDD, 3-digit sequence (odd = male),
ISO 7064 MOD 11-2 check character (0-9 or X), plus the 15-digit legacy form (YYMMDD, no
check digit; only with context). Full-width digits, spaces/hyphens between groups and a
lower-case ``x`` are accepted (the document is width-folded with identical offsets).

python-stdnum's ``cn.ric.validate`` also requires the area code to have existed in the
birth year; its table misses many real codes, so area knowledge is only a score signal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from stdnum import numdb
from stdnum.cn import ric

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers._dates import make_date
from pipelines.pii.recognizers.base import ID_WORDS, NumericIdRecognizer, compact_id
from pipelines.pii.text import Doc

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
    "83": "台湾省",
}  # fmt: skip

CONTEXT = (
    *ID_WORDS,
    "身份证号",
    "公民身份号码",
    "居民身份证",
    "身份号码",
    "证件号码",
    "resident id",
    "chinese id",
    "prc id",
    "ric",
    "sfz",  # (身份证 in pinyin initials)
)


@lru_cache(maxsize=4096)
def _area_known(code: str) -> bool:
    try:
        return bool(numdb.get("cn/loc").info(code))
    except Exception:  # pragma: no cover - defensive, stdnum data missing
        return False


def decode(compact: str) -> dict[str, Any] | None:
    """Details of a valid 18- or 15-digit number, else ``None``."""
    province = PROVINCES.get(compact[:2])
    if province is None:
        return None
    if len(compact) == 18:
        birth = make_date(int(compact[6:10]), int(compact[10:12]), int(compact[12:14]))
        seq = compact[14:17]
    elif len(compact) == 15:
        birth = make_date(1900 + int(compact[6:8]), int(compact[8:10]), int(compact[10:12]))
        seq = compact[12:15]
    else:
        return None
    if birth is None:
        return None
    if len(compact) == 18 and ric.calc_check_digit(compact) != compact[17]:
        return None
    details: dict[str, Any] = {
        "birth_date": birth.isoformat(),
        "sex": "male" if int(seq[-1]) % 2 else "female",
        "region": province,
        "area_code": compact[:6],
    }
    if len(compact) == 15:
        details["legacy"] = True
    return details


# An ID glued to the Latin letters of its label (sfz310104196002270401, ID1101...): numeric
# spans start after no letter, so these are looked for on their own.
GLUED = re.compile(r"(?<=[A-Za-z])\d{6}[- ]?\d{8}[- ]?\d{3}[\dXx](?![0-9A-Za-z])")
GLUED_GATE = re.compile(r"[A-Za-z]\d{6}")


class ChinaRicRecognizer(NumericIdRecognizer):
    kind = "national_id"
    country = "CN"
    scheme = "cn_ric"
    context = CONTEXT
    lengths = frozenset({18, 15})
    base_score = 0.85
    context_score = 0.97

    def validate(self, compact: str) -> dict[str, Any] | None:
        if len(compact) == 15 and not compact.isdigit():
            return None
        if not compact[:17].isdigit():
            return None
        return decode(compact.upper())

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        spans = [(s.start, s.end, s.compact) for s in self.spans(doc)]
        if doc.has(GLUED_GATE):
            spans += [
                (m.start(), m.end(), compact_id(m.group())) for m in GLUED.finditer(doc.folded)
            ]
        for start, end, compact in spans:
            details = self.validate(compact)
            if details is None:
                continue
            value = compact.upper()
            known = _area_known(value[:6])
            details["area_known"] = known
            if len(value) == 15:
                # No check digit: reported only with context.
                yield self.candidate(doc, start, end, value, details, 0.3, 0.0, 0.88)
            else:
                bonus = 0.0 if known else -0.07
                yield self.candidate(doc, start, end, value, details, bonus=bonus)
