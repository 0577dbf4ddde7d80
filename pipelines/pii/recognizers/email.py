"""E-mail addresses (bounded, backtracking-free pattern; role mailboxes score lower)."""

from __future__ import annotations

import re
from typing import Any

from pipelines.pii.recognizers.base import CONTEXT_BEFORE, RegexRecognizer

# Not after an "@": @night1994@fosstodon.org is a fediverse handle, public, not an address.
PATTERN = re.compile(
    r"(?<![A-Za-z0-9._%+@-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63}){0,6}\.[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9-])"
)
ROLE_MAILBOXES = frozenset(
    [
        "info",
        "contact",
        "press",
        "presse",
        "media",
        "support",
        "help",
        "admin",
        "webmaster",
        "noreply",
        "no-reply",
        "sales",
        "service",
        "abuse",
        "security",
        "privacy",
        "legal",
        "newsletter",
        "hello",
        "office",
    ]
)


# File names look like addresses (icon@2x.png): their extensions are not top-level domains.
FILE_EXTENSIONS = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "bmp",
        "ico",
        "tif",
        "tiff",
        "js",
        "css",
        "html",
        "htm",
        "php",
        "json",
        "xml",
        "txt",
        "pdf",
        "mp3",
        "mp4",
        "wav",
        "webm",
    ]
)


# After an SSH remote's host: a path (``owner/repo.git``, ``~/site``), not a password.
_REMOTE_PATH = re.compile(r":[\w.~-]*/")


def is_git_remote(text: str, end: int) -> bool:
    """``git@github.com:owner/repo``: an SSH remote, not a mailbox (``jane@mail.com:hunter2``,
    a leaked combo-list line, is one)."""
    return _REMOTE_PATH.match(text, end) is not None


class EmailRecognizer(RegexRecognizer):
    kind = "email"
    scheme = "email"
    pattern = PATTERN
    context = (
        "email",
        "e-mail",
        "mail",
        "邮箱",
        "郵箱",
        "邮件",
        "courriel",
        "correo",
        "contact",
        "écrivez",
        "write to",
    )
    negative = ()
    base_score = 0.9
    context_score = 0.95

    def applies(self, doc) -> bool:  # type: ignore[no-untyped-def]
        return "@" in doc.folded

    def validate(self, match: re.Match[str]) -> tuple[str, dict[str, Any]] | None:
        value = match.group().lower()
        local = value.split("@", 1)[0]
        if ".." in value or value.rsplit(".", 1)[1] in FILE_EXTENSIONS:
            return None
        if is_git_remote(match.string, match.end()):
            return None
        return value, ({"role": True} if local in ROLE_MAILBOXES else {})

    def analyze(self, doc):  # type: ignore[no-untyped-def]
        for cand in super().analyze(doc):
            if cand.details.get("role"):
                cand.score = 0.4
            yield cand


# Addresses written to dodge scrapers: "jane.doe [at] example [dot] com", "jane(at)example.org",
# "jane.doe at example dot com", "jane @ example . com", "jane 艾特 qq 点 com". A bare " at "
# counts only with a spelled dot in the domain too ("find us at example.com" is English).
_AT = r" ?(?:\[at\]|\(at\)|\{at\}|<at>|\[@\]|\(@\)) ?"
_DOT = r"(?:\.| ?(?:\[dot\]|\(dot\)|\{dot\}|\[\.\]|\(\.\)) ?)"
_SPELLED_DOT = r"(?: dot | \. | ?点 ?)"
_LOCAL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
OBFUSCATED_PATTERN = re.compile(
    rf"(?P<local>{_LOCAL}){_AT}(?P<domain>{_LABEL}(?:{_DOT}{_LABEL}){{0,5}}{_DOT}[A-Za-z]{{2,24}})"
    rf"(?![A-Za-z0-9-])"
    rf"|(?P<slocal>{_LOCAL}(?: dot [A-Za-z0-9_%+-]{{1,63}}){{0,3}}) ?(?:(?P<bare> at | @ )|艾特) ?"
    rf"(?P<sdomain>{_LABEL}(?:{_SPELLED_DOT}{_LABEL}){{0,4}}{_SPELLED_DOT}[A-Za-z]{{2,24}})"
    rf"(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
# With a bare " at ", a local part of letters only needs a mail provider's domain or an
# e-mail word: "john at gmail dot com" is an address, "invested at the dot com peak" English.
MAIL_PROVIDERS = frozenset(
    [
        "gmail",
        "googlemail",
        "yahoo",
        "hotmail",
        "outlook",
        "live",
        "msn",
        "aol",
        "icloud",
        "me",
        "mac",
        "proton",
        "protonmail",
        "gmx",
        "web",
        "t-online",
        "freenet",
        "orange",
        "free",
        "sfr",
        "laposte",
        "wanadoo",
        "qq",
        "163",
        "126",
        "sina",
        "sohu",
        "yeah",
        "foxmail",
        "aliyun",
        "naver",
        "daum",
        "hanmail",
        "yandex",
        "mail",
        "libero",
        "virgilio",
    ]
)
_SPELLED_AT = ("[at]", "(at)", "{at}", "<at>", "[@]", "(@)", " dot ", " @ ", "艾特")
_DOT_WORD = re.compile(rf"{_DOT}|{_SPELLED_DOT}", re.IGNORECASE)


# Top-level domains a spelled-out address may end in: any two letters (a country) or these.
COMMON_TLDS = frozenset(
    ["com", "net", "org", "edu", "gov", "info", "biz", "name", "mobi", "online", "xyz", "app"]
)


def _real_tld(domain: str) -> bool:
    """Whether a spelled-out domain ends in a real-looking top-level domain ("q @ k .
    transpose" does not)."""
    tld = domain.rsplit(".", 1)[1]
    return len(tld) == 2 or tld in COMMON_TLDS


class ObfuscatedEmailRecognizer(EmailRecognizer):
    pattern = OBFUSCATED_PATTERN
    base_score = 0.85

    def applies(self, doc) -> bool:  # type: ignore[no-untyped-def]
        lower = doc.lower
        return any(at in lower for at in _SPELLED_AT)

    def validate(self, match: re.Match[str]) -> tuple[str, dict[str, Any]] | None:
        local = _DOT_WORD.sub(".", match.group("local") or match.group("slocal")).lower()
        domain = _DOT_WORD.sub(".", match.group("domain") or match.group("sdomain")).lower()
        if ".." in local or domain.rsplit(".", 1)[1] in FILE_EXTENSIONS:
            return None
        details: dict[str, Any] = {"role": True} if local in ROLE_MAILBOXES else {}
        if match.group("slocal"):
            if not _real_tld(domain):
                return None
            if match.group("bare") and local.isalpha():
                # a one-letter name with a bare "at" or " @ " is code or prose; a name of
                # letters only is an address at a mail provider, elsewhere only next to an
                # e-mail word ("invested at the dot com peak" vs "email: jsmith at example
                # dot org")
                if len(local) < 2:
                    return None
                if domain.split(".")[0] not in MAIL_PROVIDERS:
                    details["needs_context"] = True
        return f"{local}@{domain}", details

    def analyze(self, doc):  # type: ignore[no-untyped-def]
        for cand in super().analyze(doc):
            if cand.details.pop("needs_context", False) and (
                doc.word_before(cand.start, CONTEXT_BEFORE, self.context) == -1
            ):
                continue
            yield cand
