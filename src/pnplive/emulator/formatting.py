"""Telegram's HTML formatting: parsed into plain text plus entities, and rendered back safely.

Telegram answers with the plain text and entities whose offsets count UTF-16 code units, so
that is what ``parse_html`` produces. ``render_html`` turns them into HTML for the chat page
with everything else escaped. Markdown parse modes are kept as written (not parsed).
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

from pnplive.emulator.errors import bad_request

_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "span": "spoiler",  # only with class="tg-spoiler"
    "tg-emoji": "custom_emoji",
}

_RENDER = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre>", "</pre>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote>", "</blockquote>"),
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.plain: list[str] = []
        self.length = 0
        self.open: list[tuple[str, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = _TAGS.get(tag)
        values = dict(attrs)
        if kind is None or (tag == "span" and values.get("class") != "tg-spoiler"):
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        entity: dict[str, Any] = {"type": kind, "offset": self.length}
        if tag == "a":
            entity["url"] = values.get("href") or ""
        if tag == "tg-emoji":
            entity["custom_emoji_id"] = values.get("emoji-id") or ""
        if tag == "blockquote" and "expandable" in values:
            entity["type"] = "expandable_blockquote"
        self.open.append((tag, entity))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            raise bad_request(f'can\'t parse entities: Unmatched end tag "{tag}"')
        _, entity = self.open.pop()
        entity["length"] = self.length - entity["offset"]
        if entity["length"] > 0:
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.plain.append(data)
        self.length += utf16_len(data)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    if parser.open:
        raise bad_request(f"can't parse entities: Can't find end tag \"{parser.open[-1][0]}\"")
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.plain), entities


def apply_parse_mode(
    text: str, parse_mode: str | None, entities: Any
) -> tuple[str, list[dict[str, Any]]]:
    """The text and entities Telegram would store for what the bot sent."""
    if isinstance(entities, list) and entities:
        return text, [dict(e) for e in entities]
    if parse_mode and parse_mode.lower() == "html":
        return parse_html(text)
    return text, []


def render_html(text: str, entities: list[dict[str, Any]]) -> str:
    """Safe HTML for the chat page: only known entities become tags, the rest is escaped."""
    units = text.encode("utf-16-le")
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for entity in entities:
        start, end = _tags_for(entity)
        if not start:
            continue
        offset = int(entity.get("offset", 0))
        opens.setdefault(offset, []).append(start)
        closes.setdefault(offset + int(entity.get("length", 0)), []).insert(0, end)
    out: list[str] = []
    chunk_start = 0
    boundaries = sorted(set(opens) | set(closes) | {len(units) // 2})
    for boundary in boundaries:
        piece = units[chunk_start * 2 : boundary * 2].decode("utf-16-le", errors="replace")
        out.append(html.escape(piece))
        out.extend(closes.get(boundary, []))
        out.extend(opens.get(boundary, []))
        chunk_start = boundary
    return "".join(out).replace("\n", "<br>")


def _tags_for(entity: dict[str, Any]) -> tuple[str, str]:
    kind = entity.get("type")
    if kind == "text_link":
        url = str(entity.get("url", ""))
        if not url.startswith(("http://", "https://", "tg://")):
            return "", ""
        href = html.escape(url, quote=True)
        return f'<a href="{href}" target="_blank" rel="noopener">', "</a>"
    return _RENDER.get(str(kind), ("", ""))
