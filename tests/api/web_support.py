"""Signing in to the web dashboards in tests: a session for any role, and the form's CSRF."""

from __future__ import annotations

import re

import httpx

from pnplive.auth import tokens, web
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.user.models import User

COOKIE = "pnplive_session"


async def sign_in_user(
    client: httpx.AsyncClient, db: Database, clock: FrozenClock, user: User
) -> None:
    """Through a one-time login link, as the bot sends it."""
    async with db.transaction() as s:
        fresh = await s.get(User, user.id)
        assert fresh is not None
        link = await web.issue_link(s, fresh, clock.now())
    r = await client.get(f"/login/{link}", follow_redirects=False)
    assert r.status_code == 303, r.text


async def sign_in_token(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as s:
        _, plain = await tokens.create(s, "ops-web", "admin", clock.now())
    r = await client.post("/login", data={"token": plain}, follow_redirects=False)
    assert r.status_code == 303, r.text


def member_session(user: User, clock: FrozenClock, secret: str) -> str:
    """A correctly signed session cookie for a plain member (who cannot get one by a link)."""
    cookie, _ = web.session_cookie("member", user.id, clock.now(), secret)
    return cookie


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, "the page has no CSRF token"
    return found.group(1)
