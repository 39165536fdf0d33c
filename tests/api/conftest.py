"""Fixtures for the REST API tests: an app on the test database with a frozen clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from fastapi import FastAPI

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.api.support import World, build_world, client_for, make_app


@pytest_asyncio.fixture
async def app(db: Database, clock: FrozenClock) -> FastAPI:
    return make_app(db, clock)


@pytest_asyncio.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


@pytest_asyncio.fixture
async def world(db: Database, clock: FrozenClock) -> World:
    return await build_world(db, clock)
