"""A local Telegram Bot API emulator with a web chat page, for development and tests.

It knows nothing of the product: the app gives it bot tokens and the personas who chat.
"""

from pnplive.emulator.client import ChatClient
from pnplive.emulator.emulator import Emulator, create_emulator
from pnplive.emulator.people import PaymentOutcome, PressOutcome
from pnplive.emulator.ratelimit import RateLimits
from pnplive.emulator.state import Message, Notice, Persona

__all__ = [
    "ChatClient",
    "Emulator",
    "Message",
    "Notice",
    "PaymentOutcome",
    "Persona",
    "PressOutcome",
    "RateLimits",
    "create_emulator",
]
