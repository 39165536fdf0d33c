"""Files the bot or a person sends: kept in memory, reused by file_id, images measured."""

from __future__ import annotations

import struct

from pnplive.emulator.errors import bad_request
from pnplive.emulator.params import Upload
from pnplive.emulator.state import EmulatorState, StoredFile


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG; (0, 0) for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return 0, 0


def _jpeg_size(data: bytes) -> tuple[int, int]:
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            return 0, 0
        marker = data[at + 1]
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        # Start-of-frame markers carry the size; C4, C8 and CC are other tables.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return 0, 0


def store_sent_file(state: EmulatorState, kind: str, value: Upload | str) -> StoredFile:
    """What the bot passed for a photo or document: an upload, a known file_id or a URL."""
    if isinstance(value, Upload):
        return store_upload(state, kind, value)
    if value in state.files:
        return state.files[value]
    if value.startswith(("http://", "https://")):
        # The emulator does not fetch the Internet; the page shows the URL itself.
        name = value.rsplit("/", 1)[-1] or None
        return state.store_file(kind, url=value, file_name=name)
    raise bad_request("wrong file identifier/HTTP URL specified")


def store_upload(state: EmulatorState, kind: str, upload: Upload) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    size = image_size(upload.data) if kind == "photo" else (0, 0)
    return state.store_file(
        kind,
        data=upload.data,
        file_name=upload.filename or None,
        mime_type=upload.content_type or None,
        size=size,
    )
