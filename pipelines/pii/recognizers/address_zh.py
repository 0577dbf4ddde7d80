# ruff: noqa: E501
"""Chinese street addresses (省/市/区/县 ... 路/街 ... 号 ... 栋/单元/室, optional postcode).

An address is anchored on a house number after a road (``建国路88号``, ``韦街B座``) or a
building in an estate (``幸福小区3栋``); the span then grows right over building, unit,
floor and room parts and a 6-digit postcode, and left over the road name and the
administrative units. The left edge is the first known administrative name (province,
prefecture or county, from python-stdnum's GB/T 2260 table) or, failing that, the first
character after a function word (在, 住, 是, 的, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from pipelines.pii.model import Candidate
from pipelines.pii.recognizers.base import Recognizer
from pipelines.pii.text import Doc

# A road (with a Hong Kong style direction, 皇后大道中, and a Shanghai lane, 595弄) and its
# house number, a building in an estate (also 8-4-1004: building, unit, room) or a village
# group; simplified and traditional forms.
ANCHOR = re.compile(
    r"(?:路|街|道|巷|弄|胡同|里|村|段|组|組)[东南西北中東]?\s?(?:\d{1,5}\s?弄\s?)?"
    r"(?:\d{1,5}(?:[-之]\d{1,4})?\s?[号號](?:院|楼|樓)?"
    r"|[A-Za-z\d]{1,3}\s?[座栋幢棟])"
    r"|(?:小区|小區|花园|花園|公寓|大厦|大廈|广场|廣場|家园|新村|苑|园|園|城|庭|府|中心|大院)"
    r"\s?(?:[A-Za-z\d]{1,4}\s?(?:号楼|號樓|栋|棟|幢|座|号院)|\d{1,3}-\d{1,2}-\d{3,4}(?!\d))"
    # an estate of any name: a numbered building after Han characters (龙湖春森彼岸20号楼)
    r"|(?<=[\u4e00-\u9fff])(?<!第)\d{1,3}\s?(?:号楼|號樓|栋|棟|幢)"
    # a village group (高庙村第七村民组, 东风村10组)
    r"|村\s?第?[一二三四五六七八九十\d]{1,3}(?:村民)?[组組]"
)
_PART = r"(?:号楼|號樓|栋|棟|幢|座|单元|單元|层|層|楼|樓|室|号|號|户|房)"
# After the number: a named building (新世界中心A座, 中環中心45樓, also after a space), then building, unit,
# floor and room parts, a bare room number after them, and a 6-digit postcode.
TAIL = re.compile(
    r"(?:\s?[\u4e00-\u9fff]{2,8}?(?:大厦|大廈|大楼|大樓|中心|广场|廣場|公寓)?\s?"
    r"[A-Za-z\d]{1,4}\s?(?:号楼|號樓|栋|棟|幢|座|楼|樓|层|層))?"
    rf"(?:\s?[A-Za-z\d]{{1,5}}(?:-\d{{1,4}})?\s?{_PART}){{0,5}}"
    r"(?:(?:(?<=[座栋棟幢楼樓层層])|(?<=单元|單元))\d{3,5}(?![0-9号號室]))?"
    r"(?:(?<=[楼樓號号])之\d{1,2}(?!\d))?"  # Taiwan: 3樓之3
    r"(?:\s?\d{6}(?![0-9]))?"
)
# A postcode glued before the first division (Taiwan 3, 3+2 or 3+3 digits: 106台北市, China 6).
POSTCODE_BEFORE = re.compile(r"(?<![0-9A-Za-z+-])(?:\d{3}|\d{5}|\d{6})$")
# The first division: a city, county or province (one to four characters and its suffix).
_DIVISION_START = re.compile(r"[\u4e00-\u9fff]{1,4}[省市县縣]")
STOP = frozenset(
    "号號室在住址是的了我他她们你搬去位为从往即系叫说请把被给让、，。：；！？,.:;!?()（）【】「」“”\"' "
)
ADMIN_SUFFIX = frozenset("省市区县旗州盟镇乡")
MUNICIPALITIES = ("北京", "上海", "天津", "重庆", "香港", "澳门")
CONTEXT = (
    "住址",
    "地址",
    "住在",
    "家住",
    "居住",
    "现住",
    "住所",
    "户籍",
    "家庭住址",
    "收货",
    "老家",
    "address",
)
MAX_LEFT = 32


@cache
def admin_names() -> frozenset[str]:
    """Administrative division names from python-stdnum's cn/loc table (with suffix)."""
    from importlib.resources import files

    names: set[str] = set(MUNICIPALITIES)
    try:
        data = files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):  # pragma: no cover
        return frozenset(names)
    for m in re.finditer(r'(?:province|county|prefecture)="([^"]*)"', data):
        for part in m.group(1).split(","):
            name = re.sub(r"^\[[^\]]*\]", "", part).strip()
            if len(name) >= 2 and name not in ("市辖区", "县", "省直辖县级行政区划"):
                names.add(name)
                for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省"):
                    if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                        names.add(name[: -len(suffix)])
    return frozenset(names)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _starts_admin_name(text: str, pos: int, anchor: int) -> bool:
    names = admin_names()
    return any(text[pos : pos + k] in names for k in (3, 4) if pos + k <= anchor)


def left_edge(text: str, anchor: int) -> tuple[int, bool]:
    """Start of the address whose road/estate suffix ends at ``anchor``; (start, has_admin)."""
    seg = anchor
    limit = max(0, anchor - MAX_LEFT)
    digits = 0  # a short number inside the road part: 595弄, 幸福村3组
    while seg > limit:
        ch = text[seg - 1]
        if "0" <= ch <= "9" and digits < 4:
            digits += 1
        elif _is_han(ch) and (ch not in STOP or _starts_admin_name(text, seg - 1, anchor)):
            digits = 0  # (a stop character that starts a division name: 即墨区, 从化区)
        elif ch == " " and seg >= 2 and text[seg - 2] in ADMIN_SUFFIX:
            digits = 0  # a space after a division: 天津市 和平区 学院路278号
        else:
            break
        seg -= 1
    while seg < anchor and "0" <= text[seg] <= "9":
        seg += 1  # never start on a digit
    names = admin_names()
    for i in range(seg, anchor - 1):
        for k in (2, 3, 4, 5, 6, 7, 8, 9):
            if i + k > anchor:
                break
            if text[i : i + k] in names:
                return i, True
    has_admin = any(ch in ADMIN_SUFFIX for ch in text[seg:anchor])
    if not has_admin and anchor - seg > 8:
        seg = anchor - 8
    return seg, has_admin


class ChineseAddressRecognizer(Recognizer):
    kind = "address"
    country = "CN"
    scheme = "address_zh"
    context = CONTEXT
    negative = ()
    base_score = 0.65
    context_score = 0.92
    min_digits = 1

    def applies(self, doc: Doc) -> bool:
        return doc.has_han and (doc.digit_count > 0 or "村" in doc.folded)  # 李家村二组

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        text = doc.folded
        last_end = 0
        for m in ANCHOR.finditer(text):
            if m.start() < last_end:
                continue
            start, has_admin = left_edge(text, m.start())
            if m.start() - start < 1 or (m.group()[0] == "村" and not has_admin):
                continue  # (a village group names its county or town: 我们村二组 does not)
            if _DIVISION_START.match(text, start):
                post = POSTCODE_BEFORE.search(text, max(0, start - 7), start)
                start = post.start() if post else start
            tail = TAIL.match(text, m.end())
            end = tail.end() if tail else m.end()
            while end > m.end() and text[end - 1] == " ":
                end -= 1
            last_end = end
            value = re.sub(r"\s+", "", text[start:end])
            base = 0.85 if has_admin else self.base_score
            ctx = doc.word_before(start, 16, CONTEXT) != -1
            score = 0.95 if ctx else base
            if doc.url_spans and doc.in_url(start, end):
                score -= 0.6
            yield Candidate(self.kind, self.country, self.scheme, start, end, score, value, {})
