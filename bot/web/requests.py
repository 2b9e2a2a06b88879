"""Reading and checking JSON request bodies; every problem becomes a 4xx with a JSON error."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

MAX_BODY_BYTES = 64 * 1024


async def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON object body, or a 400/413 saying what to send instead."""
    return parse_json_object(await request.body())


def parse_json_object(body: bytes) -> dict[str, Any]:
    """A JSON object from raw bytes (a webhook checks its signature on the bytes first), or a
    400/413. Nesting deeper than Python's parser can follow is malformed input, not a crash."""
    if len(body) > MAX_BODY_BYTES:
        raise HTTPException(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise HTTPException(400, "The body must be JSON, e.g. {\"user\": \"u1\", \"text\": \"hello\"}.") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "The body must be a JSON object.")
    return data


def optional_string(data: dict[str, Any], name: str, *, max_length: int) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise HTTPException(400, f"`{name}` must be a string.")
    if len(value) > max_length:
        raise HTTPException(413, f"`{name}` is longer than {max_length} characters.")
    return value


def required_string(data: dict[str, Any], name: str, *, max_length: int) -> str:
    value = optional_string(data, name, max_length=max_length)
    if not value or not value.strip():
        raise HTTPException(400, f"`{name}` is required and must be a non-empty string.")
    return value
