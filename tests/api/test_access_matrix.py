"""Every endpoint × every role (SPEC §1): who is let in, who is refused, and with which code.

Roles: anonymous (no credentials), unverified, free and prime members, another prime member, a
performer, admin and superadmin members (Telegram), an admin API token and an integration token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import func, select, text

from pnplive.availability.models import BlockedInterval, ExtraAvailability, WeeklyRule
from pnplive.booking.models import Booking
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.models import metadata
from pnplive.notification.models import Subscription
from pnplive.performer.models import Performer
from pnplive.user.models import User
from tests.api.support import ROLES, World, build_world, iso, tomorrow_at
from tests.conftest import NOW

pytestmark = pytest.mark.asyncio

Req = Callable[[World], tuple[str, str, Any]]
Expect = int | tuple[int, str]

MEMBERS = ("free", "prime", "other_prime", "performer", "admin", "superadmin")
TOKENS = ("admin_token", "integration_token")
VIEWERS = (*MEMBERS, *TOKENS)


@dataclass(frozen=True)
class Case:
    name: str
    request: Req
    expect: dict[str, Expect]
    idempotent_key: bool = False

    def expected(self, role: str) -> Expect:
        if role == "anonymous":
            return (401, "unauthenticated")
        return self.expect.get(role, (403, "role_required"))


def only(roles: tuple[str, ...] | list[str], status: int, **others: Expect) -> dict[str, Expect]:
    out: dict[str, Expect] = dict.fromkeys(roles, status)
    out.update(others)
    return out


UNVERIFIED = (403, "age_not_verified")
NOT_YOURS = (403, "not_your_booking")
ADMINS = ("admin", "superadmin", "admin_token")


def browse(status: int = 200) -> dict[str, Expect]:
    return only(VIEWERS, status, unverified=UNVERIFIED)


def booking_gate(ok: int) -> dict[str, Expect]:
    """The access rules (F-ACC-1) behind the role gate: members only, each rule its own code."""
    return {
        "unverified": UNVERIFIED,
        "free": (403, "prime_required"),
        "prime": ok,
        "other_prime": ok,
        "performer": (403, "performers_cannot_book"),
        "admin": (403, "prime_required"),
        "superadmin": (403, "prime_required"),
    }


def clock_of(w: World) -> FrozenClock:
    return w.clock


def interval(w: World) -> dict[str, str]:
    return {
        "start": iso(tomorrow_at(w.clock, 0, days=5)),
        "end": iso(tomorrow_at(w.clock, 0, days=6)),
        "note": "holiday",
    }


WEEKLY = {"weekly": [{"weekday": d, "start": "08:00", "end": "22:00"} for d in range(7)]}

CASES = [
    # browsing
    Case("browse", lambda w: ("GET", "/api/models", None), browse()),
    Case("profile", lambda w: ("GET", f"/api/models/{w.p.id}", None), browse()),
    Case(
        "availability",
        lambda w: ("GET", f"/api/models/{w.p.id}/availability?duration=30", None),
        browse(),
    ),
    Case("match", lambda w: ("GET", "/api/match?duration=30", None), browse()),
    # booking
    Case(
        "create booking",
        lambda w: (
            "POST",
            "/api/bookings",
            {
                "performer_id": w.p.id,
                "start": iso(tomorrow_at(w.clock, 10)),
                "duration": 30,
                "accept_rules": True,
            },
        ),
        booking_gate(201),
        idempotent_key=True,
    ),
    Case(
        "instant call",
        lambda w: ("POST", f"/api/models/{w.p.id}/instant", {"duration": 15, "accept_rules": True}),
        booking_gate(201),
        idempotent_key=True,
    ),
    Case(
        "my bookings",
        lambda w: ("GET", "/api/bookings/my", None),
        only(MEMBERS, 200, unverified=UNVERIFIED),
    ),
    Case(
        "booking detail",
        lambda w: ("GET", f"/api/bookings/{w.b.public_id}", None),
        only(
            ["prime", "performer", *ADMINS],
            200,
            free=NOT_YOURS,
            other_prime=NOT_YOURS,
            unverified=NOT_YOURS,
            integration_token=NOT_YOURS,
        ),
    ),
    Case(
        "cancel booking",
        lambda w: ("POST", f"/api/bookings/{w.b.public_id}/cancel", {"reason": "plans"}),
        only(
            ["prime", "performer", *ADMINS],
            200,
            free=NOT_YOURS,
            other_prime=NOT_YOURS,
            unverified=NOT_YOURS,
            integration_token=NOT_YOURS,
        ),
    ),
    Case(
        "reschedule booking",
        lambda w: (
            "POST",
            f"/api/bookings/{w.b.public_id}/reschedule",
            {"start": iso(tomorrow_at(w.clock, 16, days=2))},
        ),
        only(
            ["prime", *ADMINS],
            200,
            performer=(403, "user_consent_required"),
            free=NOT_YOURS,
            other_prime=NOT_YOURS,
            unverified=NOT_YOURS,
            integration_token=NOT_YOURS,
        ),
    ),
    Case(
        "confirm hold",
        lambda w: (
            "POST",
            f"/api/bookings/{w.held.public_id if w.held else ''}/confirm",
            {"accept_rules": True},
        ),
        only(
            ["free", "prime", "performer", "admin", "superadmin"],
            403,
            other_prime=200,
            unverified=UNVERIFIED,
        ),
    ),
    # performer self-service
    Case("my profile", lambda w: ("GET", "/api/model/me", None), {"performer": 200}),
    Case("edit my profile", lambda w: ("PUT", "/api/model/me", {"bio": "hi"}), {"performer": 200}),
    Case("my schedule", lambda w: ("GET", "/api/model/me/availability", None), {"performer": 200}),
    Case(
        "set my schedule",
        lambda w: ("POST", "/api/model/me/availability", WEEKLY),
        {"performer": 200},
    ),
    Case(
        "block time",
        lambda w: ("POST", "/api/model/me/blocked", interval(w)),
        {"performer": 201},
    ),
    Case(
        "unblock time",
        lambda w: ("DELETE", "/api/model/me/blocked/999999", None),
        {"performer": (404, "not_found")},
    ),
    Case(
        "add extra time",
        lambda w: ("POST", "/api/model/me/extra", interval(w)),
        {"performer": 201},
    ),
    Case(
        "remove extra time",
        lambda w: ("DELETE", "/api/model/me/extra/999999", None),
        {"performer": (404, "not_found")},
    ),
    Case(
        "go online",
        lambda w: ("POST", "/api/model/me/status", {"presence": "offline"}),
        {"performer": 200},
    ),
    Case("my calls", lambda w: ("GET", "/api/model/me/bookings", None), {"performer": 200}),
    Case("my conflicts", lambda w: ("GET", "/api/model/me/conflicts", None), {"performer": 200}),
    # admin
    Case("admin performers", lambda w: ("GET", "/api/admin/models", None), only(ADMINS, 200)),
    Case(
        "admin create performer",
        lambda w: (
            "POST",
            "/api/admin/models",
            {"username": "newbie", "display_name": "Newbie", "price_per_minute": 100},
        ),
        only(ADMINS, 201),
    ),
    Case(
        "admin performer",
        lambda w: ("GET", f"/api/admin/models/{w.p.id}", None),
        only(ADMINS, 200),
    ),
    Case(
        "admin edit performer",
        lambda w: ("PUT", f"/api/admin/models/{w.p.id}", {"status": "paused"}),
        only(ADMINS, 200),
    ),
    Case(
        "admin deactivate performer",
        lambda w: ("DELETE", f"/api/admin/models/{w.p.id}", None),
        only(ADMINS, 200),
    ),
    Case(
        "admin schedule",
        lambda w: ("GET", f"/api/admin/models/{w.p.id}/availability", None),
        only(ADMINS, 200),
    ),
    Case(
        "admin set schedule",
        lambda w: ("POST", f"/api/admin/models/{w.p.id}/availability", WEEKLY),
        only(ADMINS, 200),
    ),
    Case(
        "admin block time",
        lambda w: ("POST", f"/api/admin/models/{w.p.id}/blocked", interval(w)),
        only(ADMINS, 201),
    ),
    Case(
        "admin unblock time",
        lambda w: ("DELETE", f"/api/admin/models/{w.p.id}/blocked/999999", None),
        only(ADMINS, 404),
    ),
    Case(
        "admin add extra time",
        lambda w: ("POST", f"/api/admin/models/{w.p.id}/extra", interval(w)),
        only(ADMINS, 201),
    ),
    Case(
        "admin remove extra time",
        lambda w: ("DELETE", f"/api/admin/models/{w.p.id}/extra/999999", None),
        only(ADMINS, 404),
    ),
    Case("admin bookings", lambda w: ("GET", "/api/admin/bookings", None), only(ADMINS, 200)),
    Case(
        "admin booking",
        lambda w: ("GET", f"/api/admin/bookings/{w.b.public_id}", None),
        only(ADMINS, 200),
    ),
    Case(
        "admin cancel",
        lambda w: ("POST", f"/api/admin/bookings/{w.b.public_id}/cancel", {}),
        only(ADMINS, 200),
    ),
    Case(
        "admin reschedule",
        lambda w: (
            "POST",
            f"/api/admin/bookings/{w.b.public_id}/reschedule",
            {"start": iso(tomorrow_at(w.clock, 16, days=2))},
        ),
        only(ADMINS, 200),
    ),
    Case("admin conflicts", lambda w: ("GET", "/api/admin/conflicts", None), only(ADMINS, 200)),
    Case("roles", lambda w: ("GET", "/api/admin/roles", None), {"superadmin": 200}),
    Case(
        "grant role",
        lambda w: (
            "POST",
            "/api/admin/roles",
            {"telegram_id": w.users["free"].telegram_id, "role": "admin", "action": "grant"},
        ),
        {"superadmin": 200},
    ),
    # the member's own standing (F-ACC-1)
    Case("me", lambda w: ("GET", "/api/me", None), only((*MEMBERS, "unverified"), 200)),
    Case(
        "update me",
        lambda w: ("PUT", "/api/me", {"language": "es"}),
        only((*MEMBERS, "unverified"), 200),
    ),
    Case(
        "confirm age",
        lambda w: ("POST", "/api/me/age-confirmation", {"confirm": True}),
        only((*MEMBERS, "unverified"), 200),
    ),
    Case(
        "accept terms",
        lambda w: ("POST", "/api/me/terms", {"version": "1"}),
        only((*MEMBERS, "unverified"), 200),
    ),
    # members for admins (F-ACC-2/3)
    Case("admin members", lambda w: ("GET", "/api/admin/users", None), only(ADMINS, 200)),
    Case(
        "admin member",
        lambda w: ("GET", f"/api/admin/users/{w.users['free'].id}", None),
        only(ADMINS, 200),
    ),
    Case(
        "grant prime",
        lambda w: ("POST", f"/api/admin/users/{w.users['free'].id}/prime", None),
        only(ADMINS, 200),
    ),
    Case(
        "revoke prime",
        lambda w: ("DELETE", f"/api/admin/users/{w.users['prime'].id}/prime", None),
        only(ADMINS, 200),
    ),
    Case(
        "restrict member",
        lambda w: (
            "POST",
            f"/api/admin/users/{w.users['free'].id}/restriction",
            {"reason": "spam"},
        ),
        only(ADMINS, 200),
    ),
    Case(
        "lift restriction",
        lambda w: ("DELETE", f"/api/admin/users/{w.users['free'].id}/restriction", None),
        only(ADMINS, 200),
    ),
    Case(
        "membership integration",
        lambda w: ("PUT", "/api/integrations/membership/4242", {"prime": True}),
        only((*ADMINS, "integration_token"), 200),
    ),
    # money (F-ADM-2, F-PAY-4)
    Case("admin payments", lambda w: ("GET", "/api/admin/payments", None), only(ADMINS, 200)),
    Case("admin refunds", lambda w: ("GET", "/api/admin/refunds", None), only(ADMINS, 200)),
    # payments (F-PAY-1..7): webhooks and checkout pages answer providers and payers, not roles
    Case(
        "pay a booking",
        lambda w: ("POST", f"/api/bookings/{w.b.public_id}/pay", {"provider": "sandbox"}),
        {
            # Someone else's booking is not there for you (its existence is not revealed).
            **only(MEMBERS, (404, "booking_not_found")),
            "prime": (409, "booking_not_payable"),
            "unverified": UNVERIFIED,
        },
    ),
    Case(
        "how a booking can be paid",
        lambda w: ("GET", f"/api/bookings/{w.b.public_id}/pay", None),
        {
            **only(MEMBERS, (404, "booking_not_found")),
            "prime": (409, "booking_not_payable"),
            "unverified": UNVERIFIED,
        },
    ),
    Case(
        "my earnings",
        lambda w: ("GET", "/api/model/me/earnings", None),
        only(("performer",), 200),
    ),
    Case("revenue", lambda w: ("GET", "/api/admin/revenue", None), only(ADMINS, 200)),
    Case("payouts", lambda w: ("GET", "/api/admin/payouts", None), only(ADMINS, 200)),
    Case(
        "record a payout",
        lambda w: (
            "POST",
            "/api/admin/payouts",
            {"performer_id": w.p.id, "amount": 100, "currency": "USD", "method": "bank"},
        ),
        only(ADMINS, (409, "payout_not_allowed")),
    ),
    Case(
        "manual refund",
        lambda w: ("POST", f"/api/admin/bookings/{w.b.public_id}/refund", {"amount": 100}),
        only(ADMINS, (409, "refund_not_allowed")),
    ),
    Case(
        "refund done by hand",
        lambda w: ("POST", f"/api/admin/refunds/re_{'0' * 24}/done", {"reference": "x"}),
        only(ADMINS, (404, "refund_not_found")),
    ),
    Case(
        "performer ledger",
        lambda w: ("GET", f"/api/admin/models/{w.p.id}/ledger", None),
        only(ADMINS, 200),
    ),
    # operations (F-WRK-1)
    Case("dead jobs", lambda w: ("GET", "/api/admin/jobs/dead", None), only(ADMINS, 200)),
    Case(
        "retry job",
        lambda w: ("POST", "/api/admin/jobs/999999/retry", None),
        only(ADMINS, (404, "not_found")),
    ),
    Case(
        "retry refund",
        lambda w: ("POST", f"/api/admin/refunds/re_{'0' * 24}/retry", None),
        only(ADMINS, (404, "refund_not_found")),
    ),
    # reviews and moderation (F-REV-1, F-ADM-6)
    Case(
        "review",
        lambda w: ("POST", f"/api/bookings/{w.b.public_id}/review", {"rating": 5}),
        only(
            ["prime"],
            (409, "not_reviewable"),
            **dict.fromkeys(["free", "other_prime", "performer", "admin", "superadmin"], 404),
            unverified=UNVERIFIED,
        ),
    ),
    Case("reviews", lambda w: ("GET", f"/api/models/{w.p.id}/reviews", None), browse()),
    Case("moderation queue", lambda w: ("GET", "/api/admin/moderation", None), only(ADMINS, 200)),
    Case(
        "moderation decision",
        lambda w: (
            "POST",
            "/api/admin/moderation",
            {"violation_id": 999999, "decision": "allow", "reason": "ok"},
        ),
        only(["admin", "superadmin"], 404, admin_token=(403, "role_required")),
    ),
    # proposals (F-BK-6): the performer or an admin proposes, the member answers
    Case(
        "propose a new time",
        lambda w: (
            "POST",
            f"/api/bookings/{w.b.public_id}/proposal",
            {"start": iso(tomorrow_at(w.clock, 11, days=2))},
        ),
        {
            **dict.fromkeys(
                ["unverified", "free", "prime", "other_prime", "integration_token"], NOT_YOURS
            ),
            **dict.fromkeys(["performer", "admin", "superadmin", "admin_token"], 201),
        },
    ),
    Case(
        "open proposal",
        lambda w: ("GET", f"/api/bookings/{w.b.public_id}/proposal", None),
        {
            **dict.fromkeys(["unverified", "free", "other_prime", "integration_token"], NOT_YOURS),
            **dict.fromkeys(
                ["prime", "performer", "admin", "superadmin", "admin_token"],
                (404, "no_open_proposal"),
            ),
        },
    ),
    Case(
        "answer a proposal",
        lambda w: (
            "POST",
            f"/api/bookings/{w.b.public_id}/proposal/answer",
            {"accept": True},
        ),
        {
            **dict.fromkeys(["free", "other_prime", "performer", "admin", "superadmin"], NOT_YOURS),
            "unverified": UNVERIFIED,
            "prime": (404, "no_open_proposal"),
        },
    ),
    # safety (F-SAF-1, F-ADM-6, F-ACC-3)
    Case(
        "report incident",
        lambda w: ("POST", f"/api/bookings/{w.b.public_id}/incidents", {"category": "other"}),
        {
            **dict.fromkeys(["free", "other_prime", "admin", "superadmin"], NOT_YOURS),
            "unverified": UNVERIFIED,
            "prime": 201,
            "performer": 201,
        },
    ),
    Case(
        "message the other side",
        lambda w: ("POST", f"/api/bookings/{w.b.public_id}/messages", {"text": "hello"}),
        {
            **dict.fromkeys(["free", "other_prime", "admin", "superadmin"], NOT_YOURS),
            "unverified": UNVERIFIED,
            "prime": 201,
            "performer": 201,
        },
    ),
    Case("incidents", lambda w: ("GET", "/api/admin/incidents", None), only(ADMINS, 200)),
    Case(
        "incident",
        lambda w: ("GET", f"/api/admin/incidents/{'0' * 16}", None),
        only(ADMINS, (404, "incident_not_found")),
    ),
    Case(
        "resolve incident",
        lambda w: (
            "POST",
            f"/api/admin/incidents/{'0' * 16}/resolution",
            {"resolution": "warned"},
        ),
        only(
            ["admin", "superadmin"],
            (404, "incident_not_found"),
            admin_token=(403, "role_required"),
        ),
    ),
    Case(
        "flagged with risk",
        lambda w: ("GET", "/api/admin/moderation/flagged", None),
        only(ADMINS, 200),
    ),
    Case(
        "flagged item",
        lambda w: ("GET", "/api/admin/moderation/999999", None),
        only(ADMINS, (404, "violation_not_found")),
    ),
    Case(
        "user moderation record",
        lambda w: ("GET", f"/api/admin/moderation/users/{w.users['free'].id}", None),
        only(ADMINS, 200),
    ),
    Case(
        "restrict author",
        lambda w: ("POST", "/api/admin/moderation/999999/restriction", {"reason": "spam"}),
        only(["admin", "superadmin"], 404, admin_token=(403, "role_required")),
    ),
    # analytics and exports (F-ADM-3/4)
    Case("analytics", lambda w: ("GET", "/api/admin/analytics", None), only(ADMINS, 200)),
    Case(
        "export",
        lambda w: ("GET", "/api/admin/exports/bookings.csv", None),
        only(ADMINS, 200),
    ),
    # online alerts (F-NTF-5)
    Case(
        "follow performer",
        lambda w: ("POST", f"/api/models/{w.p.id}/follow", None),
        only(MEMBERS, 200, unverified=UNVERIFIED),
    ),
    Case(
        "unfollow performer",
        lambda w: ("DELETE", f"/api/models/{w.p.id}/follow", None),
        only(MEMBERS, 200, unverified=UNVERIFIED),
    ),
    Case(
        "performers I follow",
        lambda w: ("GET", "/api/me/following", None),
        only(MEMBERS, 200, unverified=UNVERIFIED),
    ),
    Case("broadcasts", lambda w: ("GET", "/api/admin/broadcasts", None), only(ADMINS, 200)),
    Case(
        "broadcast",
        lambda w: ("GET", "/api/admin/broadcasts/999999", None),
        only(ADMINS, (404, "not_found")),
    ),
]


async def snapshot(db: Database) -> list[tuple[Any, ...]]:
    """What a refused request must leave untouched."""
    async with db.transaction() as s:
        rows: list[tuple[Any, ...]] = []
        for b in (await s.scalars(select(Booking).order_by(Booking.id))).all():
            rows.append(("b", b.public_id, b.status, b.start_at))
        for p in (await s.scalars(select(Performer).order_by(Performer.id))).all():
            rows.append(("p", p.id, p.updated_at, p.presence, p.bio, p.status))
        for u in (await s.scalars(select(User).order_by(User.id))).all():
            rows.append(
                (
                    "u",
                    u.id,
                    u.role,
                    u.is_prime,
                    u.restricted_at,
                    u.age_verified_at,
                    u.terms_version,
                    u.language,
                )
            )
        for t in (WeeklyRule, BlockedInterval, ExtraAvailability, Subscription):
            rows.append((t.__name__, await s.scalar(select(func.count()).select_from(t))))
        return rows


async def reset(db: Database) -> None:
    async with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                await conn.execute(table.delete())


async def call(
    client: httpx.AsyncClient, case: Case, w: World, role: str
) -> tuple[httpx.Response, Expect]:
    method, url, body = case.request(w)
    headers = w.headers(role)
    if case.idempotent_key:
        headers["Idempotency-Key"] = f"matrix-{role}"
    r = await client.request(method, url, json=body, headers=headers)
    expected = case.expected(role)
    status, code = expected if isinstance(expected, tuple) else (expected, None)
    assert r.status_code == status, (case.name, role, r.status_code, r.text)
    if status >= 400:
        err = r.json()["error"]
        assert set(err) == {"code", "message", "details"}
        if code is not None:
            assert err["code"] == code, (case.name, role, err)
        elif status == 403:
            assert err["code"] in {"role_required", "not_your_booking"}, (case.name, role, err)
    return r, expected


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
async def test_endpoint_by_role(
    case: Case, db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    """Refused roles first, on one world, which must not change; then each allowed role on a
    fresh world (a write by one must not decide the answer to the next)."""
    method = case.request(_FakeWorld())[0]  # type: ignore[arg-type]
    allowed = [r for r in ROLES if _status(case.expected(r)) not in (401, 403)]
    refused = [r for r in ROLES if r not in allowed]
    assert allowed, "every endpoint has someone who may use it"
    w = await build_world(db, clock)
    before = await snapshot(db)
    for role in refused:
        await call(client, case, w, role)
    assert await snapshot(db) == before, f"a refused {case.name} changed something"
    for i, role in enumerate(allowed):
        if i and method != "GET":
            await reset(db)
            w = await build_world(db, clock)
        await call(client, case, w, role)


def _status(e: Expect) -> int:
    return e[0] if isinstance(e, tuple) else e


async def test_every_api_operation_is_in_the_matrix(app: FastAPI) -> None:
    """Every operation of the routers of this module's scope (the payment routes are tested
    with the payments)."""
    routers = (
        "models",
        "bookings",
        "model_me",
        "admin",
        "admin_money",
        "admin_ops",
        "admin_users",
        "analytics",
        "me",
        "notifications",
        "reviews",
        "safety",
        "proposals",
        "payments",
    )
    mine = {f"pnplive.api.routers.{m}" for m in routers}
    ours = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and route.endpoint.__module__ in mine
        for method in route.methods
    }
    covered = set()
    for case in CASES:
        w = _FakeWorld()
        method, url, _ = case.request(w)  # type: ignore[arg-type]
        covered.add((method, _template(url.split("?")[0])))
    assert ours - covered == set()


class _Obj:
    id = 1
    public_id = "0123456789abcdef"
    telegram_id = 1


class _FakeWorld:
    clock = FrozenClock(NOW)
    p = _Obj()
    b = _Obj()
    held = _Obj()
    users: ClassVar[dict[str, _Obj]] = {"free": _Obj(), "prime": _Obj()}


def _template(url: str) -> str:
    import re

    url = re.sub(r"/api/models/1(?=/|$)", "/api/models/{performer_id}", url)
    url = re.sub(r"/api/admin/models/1(?=/|$)", "/api/admin/models/{performer_id}", url)
    url = re.sub(r"/api/admin/incidents/0{16}(?=/|$)", "/api/admin/incidents/{incident_id}", url)
    url = re.sub(r"/moderation/users/1$", "/moderation/users/{user_id}", url)
    url = re.sub(r"/moderation/999999$", "/moderation/{violation_id}", url)
    url = re.sub(r"/moderation/999999/restriction$", "/moderation/{violation_id}/restriction", url)
    url = re.sub(r"/0123456789abcdef(?=/|$)", "/{booking_id}", url)
    url = re.sub(r"/broadcasts/999999$", "/broadcasts/{broadcast_id}", url)
    url = re.sub(r"/api/admin/users/1(?=/|$)", "/api/admin/users/{user_id}", url)
    url = re.sub(r"/membership/4242$", "/membership/{telegram_id}", url)
    url = re.sub(r"/exports/bookings\.csv$", "/exports/{name}.{fmt}", url)
    url = re.sub(r"/jobs/999999/retry$", "/jobs/{job_id}/retry", url)
    url = re.sub(r"/refunds/re_0+/retry$", "/refunds/{refund_id}/retry", url)
    url = re.sub(r"/999999$", "/{item_id}", url)
    return url
