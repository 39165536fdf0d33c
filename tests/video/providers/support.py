"""A room request for one booking (performer + member) and keys to sign and check tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pnplive.video.providers.base import Participant, RoomRequest

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
PERFORMER = Participant(user_id="u-performer", name="Perla Rendón", moderator=True)
MEMBER = Participant(user_id="u-member", name='Max "M" & Co', moderator=False)


def room_request() -> RoomRequest:
    return RoomRequest(
        booking_id="b-1",
        not_before=NOW - timedelta(minutes=5),
        expires=NOW + timedelta(minutes=35),
        participants=[PERFORMER, MEMBER],
    )


@cache
def rsa_key(which: int = 0) -> rsa.RSAPrivateKey:
    """An RSA key per ``which`` (cached: generating keys is slow)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
