"""The performer account of the member using the performer menu."""

from __future__ import annotations

from pnplive.bot.context import BotContext
from pnplive.errors import PnpError
from pnplive.performer import service as performers
from pnplive.performer.models import Performer
from pnplive.user.models import User


async def own_performer(ctx: BotContext, user: User) -> Performer:
    """The menu is only offered to performers; an old button of a former one is refused."""
    async with ctx.db.reading() as session:
        p = await performers.of_user(session, user.id)
    if p is None:
        raise PnpError("not a performer")
    return p
