"""Refuse text that no database can store: NUL characters and lone UTF-16 surrogates.

PostgreSQL rejects both (and SQLite's driver cannot encode a lone surrogate), so without this
such input would fail deep in a query instead of being answered as what it is: invalid input.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from pnplive.errors import InvalidInput


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(value: Any) -> bool:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return all(_walk(k) and _walk(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_walk(v) for v in value)
    return True


async def reject_unstorable_text(request: Request) -> None:
    """Router dependency: 422 for NUL or lone surrogates in the query or the JSON body."""
    for key, value in request.query_params.multi_items():
        if not (storable(key) and storable(value)):
            raise InvalidInput("text must not contain NUL or invalid characters", where="query")
    if request.method in ("POST", "PUT", "PATCH"):
        body = await request.body()
        if not body:
            return
        try:
            data = json.loads(body)
        except ValueError:
            return  # not JSON: the body validation answers that
        if not _walk(data):
            raise InvalidInput("text must not contain NUL or invalid characters", where="body")
