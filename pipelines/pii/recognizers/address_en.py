# ruff: noqa: E501
"""English street addresses (US, UK, Canada).

``<number> [N|S|E|W] <Capitalised Name...> <street type>[, Apt/Suite/Unit x]`` optionally
followed by ``City, ST 12345`` / ``City, ON K1A 0B1`` / ``Town<newline>SW1A 1AA``; UK forms
``Flat 3, Name Street``. Street types: the USPS suffix list and common abbreviations.
"""

from __future__ import annotations

import re

from pipelines.pii.recognizers._address import (
    NOT_NUMBER_TAIL,
    TOWN_END,
    WORD,
    AddressRecognizer,
    LayoutGate,
    town_only,
)
from pipelines.pii.text import Doc, WordGate, trie_pattern

SUFFIXES = [
    "Alley",
    "Avenue",
    "Branch",
    "Bridge",
    "Brook",
    "Brooks",
    "Burg",
    "Burgs",
    "Bypass",
    "Camp",
    "Canyon",
    "Cape",
    "Causeway",
    "Center",
    "Centers",
    "Circle",
    "Circles",
    "Cliff",
    "Cliffs",
    "Club",
    "Common",
    "Corner",
    "Corners",
    "Course",
    "Court",
    "Courts",
    "Cove",
    "Coves",
    "Creek",
    "Crescent",
    "Crest",
    "Crossing",
    "Crossroad",
    "Curve",
    "Dale",
    "Dam",
    "Divide",
    "Drive",
    "Drives",
    "Estate",
    "Estates",
    "Expressway",
    "Extension",
    "Extensions",
    "Fall",
    "Falls",
    "Ferry",
    "Field",
    "Fields",
    "Flat",
    "Flats",
    "Ford",
    "Fords",
    "Forest",
    "Forge",
    "Forges",
    "Fork",
    "Forks",
    "Fort",
    "Freeway",
    "Garden",
    "Gardens",
    "Gateway",
    "Glen",
    "Glens",
    "Green",
    "Greens",
    "Grove",
    "Groves",
    "Harbor",
    "Harbors",
    "Haven",
    "Heights",
    "Highway",
    "Hill",
    "Hills",
    "Hollow",
    "Inlet",
    "Island",
    "Islands",
    "Isle",
    "Junction",
    "Junctions",
    "Key",
    "Keys",
    "Knoll",
    "Knolls",
    "Lake",
    "Lakes",
    "Land",
    "Landing",
    "Lane",
    "Light",
    "Lights",
    "Loaf",
    "Lock",
    "Locks",
    "Lodge",
    "Loop",
    "Mall",
    "Manor",
    "Manors",
    "Meadow",
    "Meadows",
    "Mews",
    "Mill",
    "Mills",
    "Mission",
    "Motorway",
    "Mount",
    "Mountain",
    "Mountains",
    "Neck",
    "Orchard",
    "Oval",
    "Overpass",
    "Park",
    "Parks",
    "Parkway",
    "Parkways",
    "Pass",
    "Passage",
    "Path",
    "Pike",
    "Pine",
    "Pines",
    "Place",
    "Plain",
    "Plains",
    "Plaza",
    "Point",
    "Points",
    "Port",
    "Ports",
    "Prairie",
    "Radial",
    "Ramp",
    "Ranch",
    "Rapid",
    "Rapids",
    "Rest",
    "Ridge",
    "Ridges",
    "River",
    "Road",
    "Roads",
    "Route",
    "Row",
    "Rue",
    "Run",
    "Shoal",
    "Shoals",
    "Shore",
    "Shores",
    "Skyway",
    "Spring",
    "Springs",
    "Spur",
    "Spurs",
    "Square",
    "Squares",
    "Station",
    "Stravenue",
    "Stream",
    "Street",
    "Streets",
    "Summit",
    "Terrace",
    "Throughway",
    "Trace",
    "Track",
    "Trafficway",
    "Trail",
    "Tunnel",
    "Turnpike",
    "Underpass",
    "Union",
    "Unions",
    "Valley",
    "Valleys",
    "Via",
    "Viaduct",
    "View",
    "Views",
    "Village",
    "Villages",
    "Ville",
    "Vista",
    "Walk",
    "Walks",
    "Wall",
    "Way",
    "Ways",
    "Well",
    "Wells",
    "Close",
    "Gate",
    "Grange",
    "Rise",
    "Wharf",
    "Parade",
    "Broadway",
    "Boulevard",
    "Centre",
    "Harbour",
    "Quay",
    "Yard",
    "Approach",
    "Esplanade",
    "Promenade",
    # India
    "Nagar",
    "Marg",
    "Chowk",
    "Ganj",
    "Zila",
]
ABBREVIATIONS = [
    "St",
    "Ave",
    "Av",
    "Rd",
    "Blvd",
    "Ln",
    "Dr",
    "Ct",
    "Pl",
    "Ter",
    "Terr",
    "Hwy",
    "Pkwy",
    "Pky",
    "Cir",
    "Cres",
    "Sq",
    "Trl",
    "Ctr",
    "Expy",
    "Fwy",
    "Jct",
    "Mt",
    "Plz",
    "Pt",
    "Rte",
    "Xing",
    "Aly",
    "Cswy",
    "Cv",
    "Hts",
    "Mnr",
    "Pk",
    "Grv",
    "Gdns",
    "Crt",
]
_SUFFIX = "|".join(sorted(SUFFIXES, key=len, reverse=True))
_ABBR = "|".join(sorted(ABBREVIATIONS, key=len, reverse=True))
_STREET_WORD = rf"(?:\d{{1,3}}(?:st|nd|rd|th)?|{WORD})"  # 17 Ave SW, 3rd Rd
_DIR = r"(?:(?:N|S|E|W|NE|NW|SE|SW)\.?|North|South|East|West)"
_STREET = (
    rf"(?:{_DIR} )?(?:{_STREET_WORD} ){{1,4}}(?:{_SUFFIX}|(?:{_ABBR})\.?)(?![A-Za-z])"
    rf"(?: {_DIR}(?![A-Za-z]))?"
)
_UNIT = r"(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Room|Rm|Flat|#)\.? ?#?[A-Za-z0-9-]{1,6})"
_CITY = rf"{WORD}(?: {WORD}){{0,3}}"
_US_STATES = (
    "al|ak|az|ar|ca|co|ct|de|dc|fl|ga|hi|id|il|in|ia|ks|ky|la|me|md|ma|mi|mn|ms|mo|mt|ne|nv"
    "|nh|nj|nm|ny|nc|nd|oh|ok|or|pa|ri|sc|sd|tn|tx|ut|vt|va|wa|wv|wi|wy|alabama|alaska"
    "|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|idaho"
    "|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan"
    "|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey"
    "|new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania"
    "|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia"
    "|washington|west virginia|wisconsin|wyoming"
)
# US states and Canadian provinces: the abbreviation or the full name.
_STATE_NAMES = "|".join(w.title() for w in _US_STATES.split("|") if len(w) > 2)
_PROVINCES = "AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT|PR|GU|VI"  # (and US territories)
_STATE_ABBRS = "|".join(w.upper() for w in _US_STATES.split("|") if len(w) == 2) + "|" + _PROVINCES
_AU_STATE = r"(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT)"
_US_STATE_ZIP = (
    rf"(?:(?:[A-Z]{{2}}\.?|{_STATE_NAMES}),? {{1,2}}(?:\d{{5}}(?:-\d{{4}})?|[A-Z]\d[A-Z] ?\d[A-Z]\d)"
    rf"|{_AU_STATE},? {{1,2}}\d{{4}})"  # Australia: state, 4-digit postcode
)
_IN_PIN = r"\d{6}(?!\d)"  # India: Amaravati 668587, Mirzapur-267837, Gopalpur - 986204
_UK_POST = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"
_SEP = r"(?:, ?|,? ?\n ?| )"
_TAIL = (
    rf"(?:(?P<tail>{_SEP}{_CITY},? {_US_STATE_ZIP}"
    rf"|{_SEP}{_CITY}(?:{_SEP}{_CITY})?{_SEP}{_UK_POST}"
    rf"|{_SEP}{_UK_POST}"
    rf"|{_SEP}{_CITY}(?:, ?{_CITY})?(?: ?[-–] ?| ){_IN_PIN}"
    # a state without its ZIP code ends the address too: "Tiffanyland, TX."
    rf"|{_SEP}{_CITY},? (?:{_STATE_ABBRS}|{_STATE_NAMES}){TOWN_END})|{town_only(_CITY)})?"
)
PATTERN = re.compile(
    rf"(?:(?<![\w-])(?:Flat|Apartment|Apt|Unit|Suite|Studio)\.? [0-9A-Za-z]{{1,5}}{_SEP}(?:\d{{1,6}} )?"
    rf"|(?<![0-9A-Za-z_-])(?<!\d:){NOT_NUMBER_TAIL}(?:H\. ?No\. )?(?P<num>\d{{1,6}})[A-Za-z]?(?:(?P<sep>[-/])(?P<num2>\d{{1,4}}))?,? )"
    rf"{_STREET}{_UNIT}?{_TAIL}(?![\w])"
)

# Australia: any street type ("Blake Trunkway", "William Elbow") when a comma, the town, the
# state and a four-digit postcode follow; a unit before the number ("Unit 8, ", "31/").
AU_PATTERN = re.compile(
    r"(?<![\w/-])(?:(?:Unit|Flat|Apartment|Apt|Suite|Shop|Level)\.? [0-9A-Za-z]{1,5}, ?"
    rf"|\d{{1,4}}[A-Za-z]?/)?{NOT_NUMBER_TAIL}(?P<num>\d{{1,5}})[A-Za-z]?(?:-\d{{1,5}})?"
    rf" (?:{WORD} ){{1,3}}{WORD}(?:, ?|,? ?\n ?)(?P<tail>{_CITY},? {_AU_STATE},? {{1,2}}\d{{4}})(?!\d)"
)

# India: "45, Gade, Khammam - 228729": a number, a locality, the town, a dash, the PIN code.
IN_PATTERN = re.compile(
    rf"(?<![\w/-]){NOT_NUMBER_TAIL}(?P<num>\d{{1,4}}), (?:{WORD} ){{0,2}}{WORD},"
    rf" (?P<tail>{_CITY} - \d{{6}})(?!\d)"
)
# (two searches: a top-level alternation would lose the regex engine's fast prefix scan)
AU_GATE = LayoutGate(
    rf"{_AU_STATE},? {{1,2}}\d{{4}}(?!\d)",
    4,
    WordGate(
        rf"{_AU_STATE},? {{1,2}}\d{{4}}",
        ("nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt"),
        folded=True,
    ),
)
IN_GATE = LayoutGate(r"- \d{6}(?!\d)", 6)

CONTEXT = (
    "address",
    "lives at",
    "live at",
    "living at",
    "lives on",
    "resides",
    "residence",
    "home",
    "house",
    "moved to",
    "located at",
    "mailing",
    "postal",
)


class EnglishAddressRecognizer(AddressRecognizer):
    country = None
    scheme = "address_en"
    pattern = PATTERN
    context = CONTEXT
    gate = re.compile(r"\d[a-z]{0,2},? [a-z]|(?:flat|apartment|apt|unit|suite|studio)\.? [0-9a-z]")
    # Every match holds a street type after a space (case-sensitive, as in the pattern).
    word_gate = WordGate(
        rf" (?:{trie_pattern(SUFFIXES + ABBREVIATIONS)})(?![A-Za-z])",
        SUFFIXES + ABBREVIATIONS,
        shift=-1,
        folded=True,
    )
    layouts = ((AU_PATTERN, AU_GATE), (IN_PATTERN, IN_GATE))

    def valid(self, m: re.Match[str]) -> bool:
        """A falling number range without a town is a score (Osasuna 2-1 Athletic Club), not
        the house numbers 12-14; with its town it may be a Canadian unit (12-3 Main St)."""
        if m.re is not PATTERN:
            return True  # (the other layouts end with their postcode)
        num2 = m.group("num2")
        if num2 is None or m.group("sep") != "-" or m.group("tail") or m.group("town"):
            return True
        return int(num2) > int(m.group("num"))


# Post office boxes and US military mail: "PO Box 1234, Springfield, IL 62704",
# "PSC 1234, Box 5678, APO AE 09012", "Unit 2050 Box 4190, DPO AP 96522", "USNS Comfort,
# FPO AA 34055". A box without its town and postcode scores low unless address context.
_MILITARY_POST = r"(?P<military>(?:APO|FPO|DPO) A[AEP] \d{5})"
# Also a rural route (RR 5, Box 226, Marfa, TX 79804), a Canadian station (PO Box 3552, Stn
# Main, Ottawa ON K7A 9E5), a German Postfach and a French boîte postale with their postcode.
BOX_PATTERN = re.compile(
    rf"(?<![0-9A-Za-z_-])(?:(?:R\.? ?R\.? \d{{1,3}},? )?(?i:P\.? ?O\.? ?Box|Post Office Box|POB|Box)"
    rf" \d{{1,6}}(?:,? Stn {WORD})?{_TAIL}"
    rf"|(?:(?:PSC|CMR|Unit) \d{{1,5}},? Box \d{{1,5}}|(?:USNS|USNV|USS|USCGC)(?: {WORD}){{1,3}})"
    rf"{_SEP}{_MILITARY_POST}"
    rf"|(?:Postfach \d{{1,3}}(?: \d{{2}}){{0,3}}|B\.? ?P\.? \d{{1,5}})"
    rf"(?P<eu_tail>,? (?:D-|F-)?\d{{5}} {WORD}))(?![\w])"
)


class PostBoxAddressRecognizer(AddressRecognizer):
    country = None
    scheme = "address_en"
    pattern = BOX_PATTERN
    context = CONTEXT
    base_score = 0.4
    word_gate = WordGate(
        r"box \d|[adf]po a[aep] \d|postfach \d|b\.? ?p\.? \d",
        ("box", "apo", "dpo", "fpo", "postfach", "b.", "bp", "b p"),
    )

    def full(self, m: re.Match[str]) -> bool:
        return bool(m.group("tail") or m.group("military") or m.group("eu_tail"))


# US addresses typed all in lower case, without commas ("7777 walters lane apt 8a oakland
# ca 94665"): only the common street types, and the state must follow (a closed list), with
# its ZIP code or at the end of the line or sentence.
_LOWER_TYPES = (
    "street|st|avenue|ave|road|rd|drive|dr|lane|ln|boulevard|blvd|court|ct|place|pl|terrace"
    "|ter|way|circle|cir|parkway|pkwy|highway|hwy|trail|trl|square|sq|path"
)
_LW = r"[a-z][a-z'.-]{1,24}"
_FUNCTION_WORDS = r"(?:and|or|then|in|on|at|to|the|of|for|with|from|down|up|near|by|is|was) "
LOWER_PATTERN = re.compile(
    rf"(?<![\w-])\d{{1,6}}[a-z]? (?:[nsew]\.? )?(?:(?:\d{{1,3}}(?:st|nd|rd|th)|{_LW}) ){{1,3}}"
    rf"(?:{_LOWER_TYPES})\.?(?: [nsew]{{1,2}})?"
    r"(?:,? (?:apt|apartment|suite|ste|unit|#)\.? ?#?[a-z0-9-]{1,6})?"
    rf",? (?:(?!{_FUNCTION_WORDS}){_LW} ){{1,3}}?(?:{_US_STATES})"
    r"(?P<tail>,? \d{5}(?:-\d{4})?(?!\d)|(?=[ \t]*(?:[.,;!?|\r\n]|$)))"
)


class LowercaseUsAddressRecognizer(AddressRecognizer):
    country = "US"
    scheme = "address_en"
    pattern = LOWER_PATTERN
    context = CONTEXT
    base_score = 0.4  # without the ZIP code: only with an address word
    full_score = 0.85
    word_gate = WordGate(rf" (?:{_LOWER_TYPES})\.?[ ,]", _LOWER_TYPES.split("|"), shift=-1)

    def haystack(self, doc: Doc) -> str:
        return doc.lower
