"""Normalise pipeline: every text a reader of the post sees, as plain text, field by field."""

from __future__ import annotations

import re
import unicodedata

from bs4 import BeautifulSoup

from monitor.items import Post

BLOCK_TAGS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre")
HTML_HINT = re.compile(r"<(p|br|div|span|a|li|blockquote|h[1-6])[\s/>]", re.IGNORECASE)
SPACES = re.compile(r"[ \t\u00a0]+")
BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """Readable text of an HTML fragment: paragraphs and ``<br>`` as line breaks, links as
    their text, entities decoded, scripts and styles dropped."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    return tidy(soup.get_text())


def tidy(text: str) -> str:
    """NFC, spaces folded, at most one blank line, no leading or trailing blank space."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def as_text(value: str) -> str:
    """Plain text of a field that may hold HTML."""
    return html_to_text(value) if HTML_HINT.search(value) else tidy(value)


def scanned_fields(post: Post) -> list[tuple[str, str]]:
    """Every text a reader of ``post`` sees, named: body, content warning, alt texts, quote."""
    fields = [("body", post.text), ("content_warning", post.content_warning)]
    fields += [(f"alt_text_{i}", alt) for i, alt in enumerate(post.alt_texts)]
    fields.append(("quoted", post.quoted_text))
    return [(name, text) for name, text in fields if text]


class NormalisePipeline:
    """Turns every scanned field of a post into plain text (HTML reduced, spaces tidied)."""

    def process_item(self, item: object) -> object:
        if isinstance(item, Post):
            item.text = as_text(item.text)
            item.content_warning = as_text(item.content_warning)
            item.alt_texts = [as_text(alt) for alt in item.alt_texts if alt and alt.strip()]
            item.quoted_text = as_text(item.quoted_text)
        return item
