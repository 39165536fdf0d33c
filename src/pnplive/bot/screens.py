"""Opening a screen from a command: afresh, as a new message at the bottom of the chat."""

from __future__ import annotations

from aiogram.fsm.state import State
from aiogram_dialog import DialogManager, ShowMode, StartMode


async def restart(manager: DialogManager, state: State) -> None:
    await manager.start(state, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
