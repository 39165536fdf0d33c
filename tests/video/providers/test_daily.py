"""Daily.co over real HTTP against a local fake of its API: what is sent, retries, clean-up."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from pnplive.video.providers.base import VideoProviderError
from pnplive.video.providers.daily import DailyProvider
from tests.fakes.daily_api import API_KEY, FakeDailyApi
from tests.video.providers.support import MEMBER, PERFORMER, room_request
from tests.video.signers import DAILY_SECRET

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def daily() -> AsyncIterator[FakeDailyApi]:
    fake = FakeDailyApi()
    await fake.start()
    yield fake
    await fake.stop()


def provider(fake: FakeDailyApi, **kw: object) -> DailyProvider:
    args: dict[str, object] = {
        "api_key": API_KEY,
        "webhook_secret": DAILY_SECRET,
        "api_base": fake.base_url,
        "retries": 2,
        "backoff": 0.0,
        "timeout": 5.0,
    } | kw
    return DailyProvider(**args)  # type: ignore[arg-type]


async def test_a_private_room_for_two_and_a_token_per_participant(daily: FakeDailyApi) -> None:
    req = room_request()
    opened = await provider(daily).open_room(req)

    nbf, exp = int(req.not_before.timestamp()), int(req.expires.timestamp())
    assert re.fullmatch(r"pnplive-[0-9a-f]{32}", opened.room_name)
    assert opened.provider == "daily"
    assert all(r.authorization == f"Bearer {API_KEY}" for r in daily.requests)
    [room] = daily.made("POST", "/v1/rooms")
    assert room.body == {
        "name": opened.room_name,
        "privacy": "private",
        "properties": {"nbf": nbf, "exp": exp, "max_participants": 2, "eject_at_room_exp": True},
    }
    tokens = daily.made("POST", "/v1/meeting-tokens")
    assert [t.body for t in tokens] == [
        {
            "properties": {
                "room_name": opened.room_name,
                "nbf": nbf,
                "exp": exp,
                "is_owner": who is PERFORMER,
                "user_name": who.name,
                "user_id": who.user_id,
                "eject_at_token_exp": True,
            }
        }
        for who in (PERFORMER, MEMBER)
    ]
    room_url = f"https://pnplive.daily.co/{opened.room_name}"
    assert opened.join_urls == {
        PERFORMER.user_id: f"{room_url}?t=tok-1",
        MEMBER.user_id: f"{room_url}?t=tok-2",
    }


async def test_a_shared_client_is_used_and_left_open(daily: FakeDailyApi) -> None:
    async with httpx.AsyncClient() as client:
        p = provider(daily, http=client)
        opened = await p.open_room(room_request())
        await p.close_room(opened.room_name)
        assert not client.is_closed
    assert [r.method for r in daily.requests] == ["POST", "POST", "POST", "DELETE"]


async def test_closing_deletes_the_room_and_a_missing_room_is_already_closed(
    daily: FakeDailyApi,
) -> None:
    p = provider(daily)
    opened = await p.open_room(room_request())
    await p.close_room(opened.room_name)
    assert opened.room_name not in daily.rooms
    await p.close_room(opened.room_name)  # 404: nothing left to do
    deletes = daily.made("DELETE")
    assert [(d.path, d.status) for d in deletes] == [
        (f"/v1/rooms/{opened.room_name}", 200),
        (f"/v1/rooms/{opened.room_name}", 404),
    ]


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_server_errors_and_throttling_are_retried(daily: FakeDailyApi, status: int) -> None:
    daily.script("POST", "/v1/rooms", status)
    daily.script("POST", "/v1/meeting-tokens", status, status)
    opened = await provider(daily).open_room(room_request())
    assert [r.status for r in daily.made("POST", "/v1/rooms")] == [status, 200]
    assert [r.status for r in daily.made("POST", "/v1/meeting-tokens")] == [
        status,
        status,
        200,
        200,
    ]
    assert opened.room_name in daily.rooms


async def test_retries_are_bounded(daily: FakeDailyApi) -> None:
    daily.script("DELETE", "/v1/rooms/", 500, 500, 500, 500)
    with pytest.raises(VideoProviderError, match="500"):
        await provider(daily, retries=2).close_room("pnplive-x")
    assert len(daily.made("DELETE")) == 3


@pytest.mark.parametrize("status", [401, 400, 403])
async def test_client_errors_are_not_retried(daily: FakeDailyApi, status: int) -> None:
    daily.script("POST", "/v1/rooms", status)
    with pytest.raises(VideoProviderError, match=str(status)):
        await provider(daily).open_room(room_request())
    assert len(daily.requests) == 1


async def test_a_wrong_api_key_fails_at_once(daily: FakeDailyApi) -> None:
    with pytest.raises(VideoProviderError, match="401"):
        await provider(daily, api_key="wrong").open_room(room_request())
    assert [r.status for r in daily.requests] == [401]


async def test_a_room_whose_tokens_fail_is_deleted(daily: FakeDailyApi) -> None:
    daily.script("POST", "/v1/meeting-tokens", 400)
    with pytest.raises(VideoProviderError):
        await provider(daily).open_room(room_request())
    assert daily.rooms == {}
    assert [r.status for r in daily.made("DELETE")] == [200]


async def test_a_slow_answer_times_out_into_a_provider_error(daily: FakeDailyApi) -> None:
    daily.delay_seconds = 1.0
    with pytest.raises(VideoProviderError, match="Timeout"):
        await provider(daily, timeout=0.1, retries=1).close_room("pnplive-x")
    assert len(daily.requests) == 2


async def test_connection_errors_are_retried() -> None:
    attempts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request.url.path)
        if len(attempts) < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(404, json={"error": "not-found"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        p = DailyProvider(api_key=API_KEY, api_base="https://daily.test/v1", backoff=0, http=client)
        await p.close_room("pnplive-x")
    assert attempts == ["/v1/rooms/pnplive-x"] * 3


async def test_nothing_listens_gives_a_provider_error() -> None:
    fake = FakeDailyApi()
    await fake.start()
    await fake.stop()  # the port is closed now
    with pytest.raises(VideoProviderError, match="ConnectError"):
        await provider(fake, retries=1).open_room(room_request())


async def test_an_answer_without_the_expected_fields_is_a_provider_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(200, json={"deleted": True})
        if request.url.path.endswith("/rooms"):
            return httpx.Response(200, json={"name": "pnplive-x", "url": "javascript:alert(1)"})
        return httpx.Response(200, text="not json")

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        p = DailyProvider(api_key=API_KEY, api_base="https://daily.test/v1", http=client)
        with pytest.raises(VideoProviderError, match="web address"):
            await p.open_room(room_request())
