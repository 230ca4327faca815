"""Every error → status mapping of the API, in one place, plus the request-body size guard."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lianfang.errors import FetchBlocked, Forbidden, InputError, LianfangError, NotFound, Unauthorized


class BodyTooLarge(InputError):
    """Raised when a request body exceeds Settings.max_body_bytes (declared or while streaming)."""


class RateLimited(LianfangError):
    """Raised when a client exceeds the public endpoints' rate limit."""


class BadEncoding(InputError):
    """Raised when a body is not valid UTF-8."""


STATUS: tuple[tuple[type[LianfangError], int], ...] = (
    (BodyTooLarge, 413),
    (BadEncoding, 400),
    (RateLimited, 429),
    (Unauthorized, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (FetchBlocked, 422),
    (InputError, 422),
    (LianfangError, 400),
)


def status_of(exc: LianfangError) -> int:
    """HTTP status for a Lianfang error (first matching class in STATUS)."""
    return next(code for cls, code in STATUS if isinstance(exc, cls))


async def _lianfang_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LianfangError)
    code = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
    return JSONResponse({"error": type(exc).__name__, "detail": str(exc)}, status_code=code, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors: list[dict[str, Any]] = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        field = ".".join(p for p in loc if p != "body") or "body"
        if err.get("type") == "json_invalid":
            field = "body"
        errors.append({"field": field, "message": err.get("msg", ""), "type": err.get("type", "")})
    first = errors[0] if errors else {"field": "body", "message": "invalid request"}
    return JSONResponse(
        {"error": "ValidationError", "detail": f"{first['field']}: {first['message']}", "errors": errors},
        status_code=422,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn LianfangError and validation errors into JSON 4xx answers."""
    app.add_exception_handler(LianfangError, _lianfang_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


class BodyLimit:
    """ASGI middleware: 413 for a declared Content-Length over the limit; BodyTooLarge while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        """Wrap `app`, refusing bodies larger than `max_bytes`."""
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count streamed bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                response = JSONResponse(
                    {"error": "BodyTooLarge", "detail": f"request body over {self.max_bytes} bytes"},
                    status_code=413,
                )
                await response(scope, receive, send)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(f"request body over {self.max_bytes} bytes")
            return message

        await self.app(scope, counted, send)
