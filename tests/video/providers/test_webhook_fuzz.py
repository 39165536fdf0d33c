"""Random bodies, correctly signed, and random signature headers: every outcome is a list of
well-formed call events or ``WebhookRejected``, never another exception."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC
from functools import partial
from typing import Any

from hypothesis import find, given, settings
from hypothesis import strategies as st

from pnplive.video.providers.base import CallEvent, EventKind, WebhookRejected
from pnplive.video.providers.daily import DailyProvider
from pnplive.video.providers.jaas import JaasProvider
from tests.video.providers.support import NOW, private_pem, rsa_key
from tests.video.signers import (
    DAILY_SECRET,
    JAAS_APP_ID,
    JAAS_KEY_ID,
    JAAS_SECRET,
    daily_sign,
    jaas_sign,
)

FUZZ = settings(max_examples=300, deadline=None, derandomize=True)
TS = int(NOW.timestamp())

JAAS = JaasProvider(
    app_id=JAAS_APP_ID,
    key_id=JAAS_KEY_ID,
    private_key=private_pem(rsa_key()),
    webhook_secret=JAAS_SECRET,
)
DAILY = DailyProvider(api_key="k", webhook_secret=DAILY_SECRET, api_base="http://unused.invalid")

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "\x00", "\ud800", "r" * 300, "1803891600", "Infinity"]),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.recursive(st.integers(), lambda c: st.lists(c, max_size=2), max_leaves=20),
)
MS = st.integers(min_value=TS * 1000 - 10**6, max_value=TS * 1000 + 10**6)


ABSENT = object()


def mostly(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Plausible 8 times in 10 (so whole events often pass), else hostile or absent."""
    return st.integers(0, 9).flatmap(
        lambda i: plausible if i < 8 else HOSTILE if i == 8 else st.just(ABSENT)
    )


def fields(plausible: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects whose every field is plausible, hostile or absent."""
    return st.fixed_dictionaries({k: mostly(v) for k, v in plausible.items()}).map(
        lambda d: {k: v for k, v in d.items() if v is not ABSENT}
    )


JAAS_BODIES = fields(
    {
        "idempotencyKey": st.text(min_size=1, max_size=10),
        "eventType": st.sampled_from(
            ["PARTICIPANT_JOINED", "PARTICIPANT_LEFT", "ROOM_DESTROYED", "ROOM_CREATED"]
        ),
        "timestamp": MS,
        "fqn": st.sampled_from([f"{JAAS_APP_ID}/pnplive-r", f"{JAAS_APP_ID}/", "x/y"]),
        "data": fields({"id": st.text(min_size=1, max_size=10)}),
    }
)
DAILY_BODIES = fields(
    {
        "version": st.just("1.0.0"),
        "type": st.sampled_from(
            ["participant.joined", "participant.left", "meeting.ended", "meeting.started"]
        ),
        "id": st.text(min_size=1, max_size=10),
        "payload": fields(
            {"room": st.text(min_size=1, max_size=10), "user_id": st.text(max_size=10)}
        ),
        "event_ts": st.one_of(MS.map(lambda ms: ms / 1000), MS.map(lambda ms: ms // 1000)),
    }
)


def outcome(
    parse: Callable[[Mapping[str, str], bytes], list[CallEvent]],
    headers: Mapping[str, str],
    body: bytes,
) -> list[CallEvent] | WebhookRejected:
    try:
        events = parse(headers, body)
    except WebhookRejected as exc:
        return exc
    assert isinstance(events, list) and len(events) <= 1
    for e in events:
        assert isinstance(e.kind, EventKind)
        for text in (e.event_id, e.room_name, *([e.user_id] if e.user_id is not None else [])):
            assert isinstance(text, str) and 0 < len(text) <= 255 and "\x00" not in text
            text.encode("utf-8")  # no lone surrogates
        assert (e.user_id is None) == (e.kind is EventKind.ENDED)
        assert e.at.tzinfo is UTC
    return events


def _dump(value: Any) -> bytes:
    return json.dumps(value).encode()


@FUZZ
@given(JAAS_BODIES)
def test_jaas_signed_random_events(event: dict[str, Any]) -> None:
    body = _dump(event)
    outcome(lambda h, b: JAAS.parse_webhook(h, b, NOW), jaas_sign(body, TS), body)


@FUZZ
@given(DAILY_BODIES)
def test_daily_signed_random_events(event: dict[str, Any]) -> None:
    body = _dump(event)
    outcome(lambda h, b: DAILY.parse_webhook(h, b, NOW), daily_sign(body, TS), body)


@FUZZ
@given(st.one_of(st.binary(max_size=200), HOSTILE.map(_dump)))
def test_signed_random_bodies(body: bytes) -> None:
    got = outcome(lambda h, b: JAAS.parse_webhook(h, b, NOW), jaas_sign(body, TS), body)
    assert isinstance(got, WebhookRejected) or got == []  # nothing here is a call event
    got = outcome(lambda h, b: DAILY.parse_webhook(h, b, NOW), daily_sign(body, TS), body)
    assert isinstance(got, WebhookRejected) or got == []


HEADER_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["t=", "v1=", "t=1,v1=", ",,,", "t=a=b,v1=c=d", f"t={TS},v1==", "=", "t"]),
)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            ["X-Jaas-Signature", "x-webhook-signature", "X-Webhook-Timestamp", "Other"]
        ),
        HEADER_TEXT,
    )
)
def test_random_signature_headers_are_refused(headers: dict[str, str]) -> None:
    body = b'{"eventType": "ROOM_DESTROYED"}'
    for provider in (JAAS, DAILY):
        parse = partial(provider.parse_webhook, now=NOW)
        assert isinstance(outcome(parse, headers, body), WebhookRejected)


def test_the_random_events_reach_every_outcome() -> None:
    """The strategies above are not all rejections: some bodies do make call events."""
    for bodies, sign, parse in (
        (JAAS_BODIES, jaas_sign, JAAS.parse_webhook),
        (DAILY_BODIES, daily_sign, DAILY.parse_webhook),
    ):
        for kind in EventKind:
            find(
                bodies,
                lambda e, s=sign, p=parse, k=kind: _kinds(p, s, _dump(e)) == [k],  # type: ignore[misc]
                settings=settings(max_examples=5000, database=None),
            )


def _kinds(parse: Any, sign: Any, body: bytes) -> list[EventKind] | None:
    try:
        return [e.kind for e in parse(sign(body, TS), body, NOW)]
    except WebhookRejected:
        return None
