"""One base error with a stable code and an HTTP status; every domain error derives from it."""

from __future__ import annotations

from typing import Any, ClassVar


class PnpError(Exception):
    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class NotFound(PnpError):
    code = "not_found"
    status = 404


class Forbidden(PnpError):
    code = "forbidden"
    status = 403


class Conflict(PnpError):
    code = "conflict"
    status = 409


class InvalidInput(PnpError):
    code = "invalid_input"
    status = 422
