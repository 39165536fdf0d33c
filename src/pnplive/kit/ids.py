"""Identifiers: opaque random ids for anything a URL can carry."""

from __future__ import annotations

import secrets


def new_public_id() -> str:
    return secrets.token_hex(8)
