"""Normalise pipeline: every text a reader of the post sees, as plain text, field by field."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from monitor.items import Post
from spiders.parsers import common

HTML_HINT = re.compile(r"<(p|br|div|span|a|li|blockquote|h[1-6])[\s/>]", re.IGNORECASE)


def html_to_text(html: str) -> str:
    """Readable text of an HTML fragment: paragraphs and ``<br>`` as line breaks, links as
    their text, entities decoded, scripts and styles dropped; NFC."""
    return tidy(common.html_text(html))


def tidy(text: str) -> str:
    """NFC, spaces folded, at most one blank line, no leading or trailing blank space."""
    return common.tidy(unicodedata.normalize("NFC", text))


def as_text(value: Any) -> str:
    """Plain text of a field that may hold HTML; a non-string is an empty field."""
    if not isinstance(value, str):
        return ""
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
            item.alt_texts = [
                as_text(alt) for alt in item.alt_texts if isinstance(alt, str) and alt.strip()
            ]
            item.quoted_text = as_text(item.quoted_text)
        return item
