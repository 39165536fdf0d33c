"""Following performers' online alerts (members) and broadcast progress (admins), F-NTF-5."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from pnplive.api import schemas as s
from pnplive.api.common import PagingDep, errors
from pnplive.api.deps import AdminDep, ClockDep, SessionDep, UserDep
from pnplive.notification import broadcast

router = APIRouter(tags=["notifications"])

PerformerId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Performer id.")]
BroadcastId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Broadcast id.")]


class FollowOut(BaseModel):
    performer_id: int
    following: bool
    changed: bool = Field(description="False when it already was so.")


class FollowingOut(BaseModel):
    performer_ids: list[int]


class BroadcastOut(BaseModel):
    id: int
    performer_id: int
    status: str = Field(examples=["sending", "done"])
    total: int
    pending: int
    sent: int
    failed: int
    unreachable: int
    created_at: datetime
    finished_at: datetime | None


@router.post(
    "/api/models/{performer_id}/follow",
    response_model=FollowOut,
    summary="Be told when this performer comes online (F-NTF-5)",
    responses=errors(401, 403, 404, 422, 429),
)
async def follow(
    performer_id: PerformerId, session: SessionDep, principal: UserDep, clock: ClockDep
) -> FollowOut:
    assert principal.user is not None
    changed = await broadcast.follow(
        session, principal.user, performer_id, clock.now(), admin=principal.is_admin
    )
    return FollowOut(performer_id=performer_id, following=True, changed=changed)


@router.delete(
    "/api/models/{performer_id}/follow",
    response_model=FollowOut,
    summary="Stop the online alerts of this performer",
    responses=errors(401, 403, 422, 429),
)
async def unfollow(performer_id: PerformerId, session: SessionDep, principal: UserDep) -> FollowOut:
    assert principal.user is not None
    changed = await broadcast.unsubscribe(session, principal.user, performer_id)
    return FollowOut(performer_id=performer_id, following=False, changed=changed)


@router.get(
    "/api/me/following",
    response_model=FollowingOut,
    summary="The performers whose online alerts I get",
    responses=errors(401, 403, 429),
)
async def following(session: SessionDep, principal: UserDep) -> FollowingOut:
    assert principal.user is not None
    return FollowingOut(performer_ids=await broadcast.followed(session, principal.user))


@router.get(
    "/api/admin/broadcasts",
    response_model=s.Page[BroadcastOut],
    summary="Online broadcasts and their progress, newest first",
    responses=errors(401, 403, 422, 429),
)
async def list_broadcasts(
    session: SessionDep,
    _admin: AdminDep,
    page: PagingDep,
    performer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> dict[str, object]:
    items, total = await broadcast.list_progress(
        session, performer_id=performer_id, limit=page.limit, offset=page.offset
    )
    out = [BroadcastOut.model_validate(p, from_attributes=True) for p in items]
    return s.page_of(out, total, page.limit, page.offset)


@router.get(
    "/api/admin/broadcasts/{broadcast_id}",
    response_model=BroadcastOut,
    summary="One broadcast's progress: sent, failed, unreachable, pending",
    responses=errors(401, 403, 404, 422, 429),
)
async def get_broadcast(
    broadcast_id: BroadcastId, session: SessionDep, _admin: AdminDep
) -> BroadcastOut:
    return BroadcastOut.model_validate(
        await broadcast.progress(session, broadcast_id), from_attributes=True
    )
