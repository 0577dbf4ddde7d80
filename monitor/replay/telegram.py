"""Telegram public channel preview (``t.me/s/<channel>``) HTML, as the widget renders it."""

from __future__ import annotations

import html
from typing import Any

from monitor.replay.data import SynthPost

CHANNELS: dict[str, dict[str, Any]] = {
    "leakychan": {"count": 150},
    "growingchan": {"count": 30},
    "privchan": {"scenario": "no_preview"},
    "truncchan": {"count": 40, "scenario": "truncated"},
    "badbyteschan": {"count": 40, "scenario": "badutf8"},
    "flakychan": {"count": 40, "scenario": "500"},
}
PAGE_SIZE = 20


def _text_html(text: str) -> str:
    return "<br/>".join(html.escape(line, quote=False) for line in text.split("\n"))


def message(channel: str, post: SynthPost) -> str:
    n = post.index
    extra = ""
    if post.kind == "boost":
        extra = (
            '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from '
            '<a class="tgme_widget_message_forwarded_from_name" href="https://t.me/otherchan/5">'
            '<span dir="auto">Other Channel (synthetic)</span></a></div>'
        )
        body = post.quoted_text
    else:
        body = post.text
    if post.kind == "quote":
        extra += (
            f'<a class="tgme_widget_message_reply" href="https://t.me/{channel}/{max(1, n - 1)}">'
            '<div class="tgme_widget_message_author accent_color">'
            '<span class="tgme_widget_message_author_name" dir="auto">Other (synthetic)</span>'
            '</div><div class="tgme_widget_message_metatext js-message_reply_text" dir="auto">'
            f"{_text_html(post.quoted_text)}</div></a>"
        )
    photo = ""
    if post.alt_texts:
        photo = (
            f'<a class="tgme_widget_message_photo_wrap" href="https://t.me/{channel}/{n}" '
            "style=\"width:800px;background-image:url('https://cdn4.telesco.pe/file/x.jpg')\">"
            '<div class="tgme_widget_message_photo" style="padding-top:75%"></div></a>'
        )
    stamp = post.created_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        f'<div class="tgme_widget_message text_not_supported_wrap js-widget_message" '
        f'data-post="{channel}/{n}" data-view="eyJjIjotMTAwMH0">'
        '<div class="tgme_widget_message_user">'
        f'<a href="https://t.me/{channel}"><i class="tgme_widget_message_user_photo bgcolor1" '
        'data-content-len="1"></i></a></div>'
        '<div class="tgme_widget_message_bubble">'
        '<i class="tgme_widget_message_bubble_tail"></i>'
        '<div class="tgme_widget_message_author accent_color">'
        f'<a class="tgme_widget_message_owner_name" href="https://t.me/{channel}">'
        f'<span dir="auto">{channel.title()} (synthetic)</span></a></div>'
        f"{extra}{photo}"
        f'<div class="tgme_widget_message_text js-message_text" dir="auto">{_text_html(body)}'
        "</div>"
        '<div class="tgme_widget_message_footer compact js-message_footer">'
        '<div class="tgme_widget_message_info short js-message_info">'
        f'<span class="tgme_widget_message_views">{n * 13}</span>'
        '<span class="copyonly"> views</span>'
        '<span class="tgme_widget_message_meta">'
        f'<a class="tgme_widget_message_date" href="https://t.me/{channel}/{n}">'
        f'<time datetime="{stamp}" class="time">{post.created_at:%H:%M}</time></a></span>'
        "</div></div></div></div></div>"
    )


def channel_page(channel: str, posts_desc: list[SynthPost], before: int | None) -> str:
    """``/s/<channel>[?before=<id>]``: up to 20 messages older than ``before``, oldest first,
    with a "load more" link when older ones exist."""
    chosen = [p for p in posts_desc if before is None or p.index < before][:PAGE_SIZE]
    chosen.reverse()
    more = ""
    if chosen and chosen[0].index > 1:
        first = chosen[0].index
        more = (
            '<div class="tgme_widget_message_centered js-messages_more_wrap">'
            f'<a href="/s/{channel}?before={first}" data-before="{first}" '
            'class="tme_messages_more js-messages_more"></a></div>'
        )
    messages = "".join(message(channel, p) for p in chosen)
    title = f"{channel.title()} (synthetic)"
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{title} – Telegram</title>"
        f'<meta property="og:title" content="{title}">'
        '<meta property="og:description" content="Synthetic test channel.">'
        f'<link rel="canonical" href="https://t.me/s/{channel}">'
        + (f'<link rel="prev" href="/s/{channel}?before={chosen[0].index}">' if more else "")
        + '</head><body class="widget_frame_base tgme_webpreview">'
        '<header class="tgme_header"><div class="tgme_channel_info">'
        '<div class="tgme_channel_info_header">'
        f'<div class="tgme_channel_info_header_title"><span dir="auto">{title}</span></div>'
        f'<div class="tgme_channel_info_header_username"><a href="https://t.me/{channel}">'
        f"@{channel}</a></div></div>"
        '<div class="tgme_channel_info_description">Synthetic test channel.</div>'
        "</div></header>"
        '<main class="tgme_main"><section class="tgme_channel_history js-message_history">'
        f"{more}{messages}</section></main></body></html>"
    )


def channel_landing(channel: str) -> str:
    """``/<channel>``: the landing page Telegram redirects to when there is no preview."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>Telegram: Contact @{channel}</title>"
        f'<meta property="og:title" content="{channel.title()} (synthetic)">'
        '</head><body class="no-transition"><div class="tgme_page_wrap"><div class="tgme_page">'
        f'<div class="tgme_page_title"><span dir="auto">{channel.title()} (synthetic)</span>'
        '</div><div class="tgme_page_extra">1 234 subscribers</div>'
        '<div class="tgme_page_action"><a class="tgme_action_button_new" '
        f'href="tg://resolve?domain={channel}">View in Telegram</a></div>'
        "</div></div></body></html>"
    )
