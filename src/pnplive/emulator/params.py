"""The parameters of one Bot API call, whichever way they were sent.

aiogram posts multipart forms in which every value is a string: numbers and booleans as JSON
scalars, nested objects as JSON text, and uploads as separate parts named by ``attach://<name>``.
Plain JSON bodies carry real types. The accessors below accept both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pnplive.emulator.errors import bad_request


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str
    content_type: str


@dataclass
class Params:
    values: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.uploads

    def text(self, name: str, default: str = "") -> str:
        value = self.values.get(name)
        return default if value is None else str(value)

    def required_text(self, name: str, empty: str | None = None) -> str:
        value = self.text(name)
        if not value:
            raise bad_request(empty or f"{name} is empty")
        return value

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def required_integer(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def structured(self, name: str) -> Any:
        """A nested object or list: given as is in JSON bodies, as JSON text in forms."""
        value = self.values.get(name)
        if isinstance(value, str):
            if not value:
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def attachment(self, reference: Any) -> Upload | None:
        """The uploaded part a value points to with ``attach://name``, if any."""
        if isinstance(reference, str) and reference.startswith("attach://"):
            name = reference.removeprefix("attach://")
            if name not in self.uploads:
                raise bad_request(f"file attach://{name} not found")
            return self.uploads[name]
        return None

    def file(self, name: str) -> Upload | str | None:
        """A file field: an upload under its own name, an attach:// reference, a file_id or URL."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.values.get(name)
        if value in (None, ""):
            return None
        return self.attachment(value) or str(value)
