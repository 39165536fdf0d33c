"""One error shape for every response: ``{"error": {"code", "message", "details"}}``.

Domain errors (``PnpError``) keep their status and stable code; validation errors are 422; any
other exception is logged with the request id and answered 500 with that id and nothing else (no
stack trace, no SQL).
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pnplive.api import webui
from pnplive.api.abuse import counted_after
from pnplive.api.ratelimit import RateLimited
from pnplive.errors import PnpError
from pnplive.kit.db import is_unavailable

log = logging.getLogger("pnplive.api")

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class ErrorBody(BaseModel):
    code: str = Field(examples=["slot_taken"])
    message: str = Field(examples=["this time has just been taken"])
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "details": details or {}}},
        status_code=status,
        headers=headers,
    )


def request_id(request: Request) -> str:
    rid: str | None = getattr(request.state, "request_id", None)
    return rid or "-"


BODY_NOT_PARSED = "There was an error parsing the body"

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


async def _pnp_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PnpError)
    if webui.is_page(request):
        return webui.error_page(request, exc.status, exc.message)
    headers = None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.details.get("retry_after", 1))}
    if exc.status == 401:
        headers = {"WWW-Authenticate": 'Bearer, tma realm="pnplive"'}
    response = error_response(exc.status, exc.code, exc.message, _jsonable(exc.details), headers)
    if isinstance(exc, RateLimited):
        response.background = counted_after(request)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if webui.is_page(request):
        return webui.error_page(
            request, 422, "; ".join(str(e.get("msg", "")) for e in exc.errors())
        )
    problems = [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in exc.errors()
    ]
    return error_response(422, "validation_error", "the request is not valid", {"errors": problems})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == BODY_NOT_PARSED:
        # A body that is not even text is invalid input like any other: 422.
        return error_response(422, "invalid_body", "the request body could not be read")
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(
        exc.status_code, code, message, headers=dict(exc.headers) if exc.headers else None
    )


def _unexpected(request: Request) -> Response:
    rid = request_id(request)
    log.exception("unhandled error on %s %s [request %s]", request.method, request.url.path, rid)
    return error_response(
        500,
        "internal_error",
        "Sorry, something went wrong on our side. Please try again.",
        {"request_id": rid},
        headers={REQUEST_ID_HEADER: rid},
    )


RETRY_AFTER_SECONDS = 2


def unavailable_response(request: Request) -> Response:
    rid = request_id(request)
    log.warning("database unavailable on %s %s [request %s]", request.method, request.url.path, rid)
    return error_response(
        503,
        "service_unavailable",
        "The service is busy or briefly out of reach. Please try again in a moment.",
        {"request_id": rid},
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), REQUEST_ID_HEADER: rid},
    )


async def _database_error(request: Request, exc: Exception) -> Response:
    if is_unavailable(exc):
        return unavailable_response(request)
    return _unexpected(request)


def install(app: FastAPI) -> None:
    app.add_exception_handler(PnpError, _pnp_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_exception_handler(OSError, _database_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)

    app.add_middleware(RequestIdMiddleware)


class RequestIdMiddleware:
    """Gives every request an id (``X-Request-ID``: the caller's if sane, else a new one), puts
    it on every response, and turns any unhandled exception into a logged 500 that carries it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        rid = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            request = Request(scope)
            # A commit after the endpoint can still find the database gone or busy.
            response = (
                unavailable_response(request) if is_unavailable(exc) else _unexpected(request)
            )
            if started:  # too late for an answer: the log has it
                return
            await response(scope, receive, send)
