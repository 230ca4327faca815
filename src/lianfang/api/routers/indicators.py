"""GET /indicators/{type}/{value} (from the database) and POST /lookup (from the in-memory index).

POST /lookup is the hot path (one value per request from gateways and bots), so it is a bare
ASGI app on a Starlette route placed ahead of FastAPI's router (`lookup_route`): no dependency
solving, no request or response objects, no body model, no response_model. It reads the raw
body, parses it with orjson, checks it by hand against `LookupRequest` (same limits, same 422
shape: `errors[].field`) and sends pre-serialised bytes whose shape is `LookupResponse`.
`lookup_openapi` describes it in the OpenAPI document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from lianfang.api.auth import Caller, principal
from lianfang.api.errors import BadEncoding
from lianfang.api.schemas import IndicatorDetail, LookupItem, LookupRequest, LookupResponse, SightingOut
from lianfang.api.state import Platform, PlatformDep
from lianfang.errors import InputError
from lianfang.indicators.canonical import canonicalize
from lianfang.store import indicators as repo
from lianfang.store.accounts import Principal
from lianfang.store.models import utcnow
from lianfang.store.values import StoredValue, parse_type, stored

router = APIRouter(tags=["indicators"])


async def fresh_index(p: Platform) -> None:
    """Let the index catch up with other processes' commits when it is older than its staleness bound."""
    # Checked here so the common case stays on the event loop (no thread hop per request).
    if p.index.stale:
        await run_in_threadpool(p.index.maybe_refresh)


@router.get("/indicators/{type}/{value}", response_model=IndicatorDetail)
async def indicator(type: str, value: str, who: Caller, p: PlatformDep) -> IndicatorDetail:
    """Visible sightings, organisations, first/last seen, categories and confidence of one value."""
    kind = parse_type(type)
    found = canonicalize(value, kind)
    if found is None:
        raise InputError(f"{value!r} is not a valid {kind.value}")
    sv = stored(p.secrets, found[0], found[1])

    def detail() -> IndicatorDetail:
        with p.db.read() as session:
            s = repo.summarize(session, who.org_id, [sv])[sv.key]
            recent = repo.sightings(session, who.org_id, sv)
        shown = found[1] if who.sees_personal_data else sv.display
        return IndicatorDetail(
            type=s.type,
            value=shown,
            known_bad=s.known_bad,
            allowlisted=s.allowlisted,
            confidence=s.confidence,
            category=s.category,
            categories=s.categories,
            sightings=s.sightings,
            orgs=s.orgs,
            first_seen=s.first_seen,
            last_seen=s.last_seen,
            recent=[
                SightingOut(report_id=r.report_id, org=r.org, tlp=r.tlp, role=r.role, seen_at=r.seen_at)
                for r in recent
            ],
        )

    return await run_in_threadpool(detail)


def canonical_values(p: Platform, values: list[str], type_name: str | None) -> list[StoredValue | None]:
    """Canonicalise and convert each value to its stored form (None: not a recognisable indicator).

    Raises InputError (422) over Settings.lookup_max_values values or for an unknown type name.
    """
    if len(values) > p.settings.lookup_max_values:
        raise InputError(f"values: at most {p.settings.lookup_max_values} per request")
    kind = parse_type(type_name) if type_name else None
    out: list[StoredValue | None] = []
    for raw in values:
        found = canonicalize(raw, kind) if raw and len(raw) <= 2048 else None
        out.append(stored(p.secrets, found[0], found[1]) if found else None)
    return out


def lookup_items(p: Platform, values: list[str], svs: list[StoredValue | None], who: Principal,
                 now: datetime) -> list[dict[str, Any]]:
    """One `LookupItem`-shaped dict per value (with `svs` from `canonical_values`), as `who` may see now."""
    index = p.index
    hits = index.check([sv.key if sv else "" for sv in svs], who.org_id)
    unmasked = who.sees_personal_data
    items: list[dict[str, Any]] = []
    for raw, sv, hit in zip(values, svs, hits, strict=True):
        # Every item carries every LookupItem field, in the model's order, so clients see one schema.
        if sv is None:
            items.append({"input": raw, "valid": False, "type": None, "value": None, "known_bad": False,
                          "allowlisted": False, "category": None, "confidence": 0, "sightings": 0, "orgs": 0})
        elif hit is None:
            items.append({"input": raw, "valid": True, "type": sv.type.value,
                          "value": sv.canonical if unmasked else sv.display, "known_bad": False,
                          "allowlisted": index.is_allowed(sv.key, who.org_id), "category": None,
                          "confidence": 0, "sightings": 0, "orgs": 0})
        else:
            items.append({"input": raw, "valid": True, "type": sv.type.value,
                          "value": sv.canonical if unmasked else sv.display, "known_bad": True,
                          "allowlisted": False, "category": hit.category, "confidence": hit.confidence(now),
                          "sightings": hit.sightings, "orgs": hit.orgs})
    return items


async def lookup(
    body: LookupRequest, who: Principal, p: Platform
) -> tuple[LookupResponse, list[StoredValue | None]]:
    """Known-bad verdicts for an already validated request, as models (the dashboard's entry point).

    Also returns each value's stored form (None: not an indicator), so callers need not
    canonicalise again.

    Raises InputError as `canonical_values` does.
    """
    svs = canonical_values(p, body.values, body.type)
    await fresh_index(p)
    items = lookup_items(p, body.values, svs, who, utcnow())
    return LookupResponse(results=[LookupItem(**item) for item in items]), svs


def _invalid(field: tuple[str | int, ...], kind: str, message: str) -> RequestValidationError:
    # Same error records pydantic produces, so `api.errors` renders them like every other 422.
    return RequestValidationError([{"loc": ("body", *field), "msg": message, "type": kind}])


def _json_media_type(conn: HTTPConnection) -> bool:
    media = conn.headers.get("content-type", "").partition(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def parse_lookup_body(raw: bytes) -> tuple[list[str], str | None]:
    """`(values, type)` from a raw POST /lookup body, checked like `LookupRequest` (extra keys ignored).

    Raises BadEncoding (400) for bytes that are not UTF-8 and RequestValidationError (422, with the
    field) for anything else `LookupRequest` would refuse; the count limit is `lookup_items`' job.
    """
    if not raw:
        raise _invalid((), "missing", "Field required")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            raw.decode()
        except UnicodeDecodeError:
            raise BadEncoding("request body is not valid UTF-8") from None
        raise _invalid((), "json_invalid", "JSON decode error") from None
    if not isinstance(data, dict):
        raise _invalid((), "model_attributes_type",
                       "Input should be a valid dictionary or object to extract fields from")
    if "values" not in data:
        raise _invalid(("values",), "missing", "Field required")
    values = data["values"]
    if not isinstance(values, list):
        raise _invalid(("values",), "list_type", "Input should be a valid list")
    if not values:
        raise _invalid(("values",), "too_short", "List should have at least 1 item after validation, not 0")
    for i, value in enumerate(values):
        if value.__class__ is not str:
            raise _invalid(("values", i), "string_type", "Input should be a valid string")
    kind = data.get("type")
    if kind is not None and not isinstance(kind, str):
        raise _invalid(("type",), "string_type", "Input should be a valid string")
    return values, kind


class LookupEndpoint:
    """POST /lookup as a bare ASGI app: known-bad verdicts for up to Settings.lookup_max_values
    values, each canonicalised first.

    Errors are raised, not answered: the app's exception middleware renders them (401, 400, 422,
    413 from `BodyLimit`) exactly as for every FastAPI route.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        conn = HTTPConnection(scope)
        who = await principal(conn)
        if not _json_media_type(conn):
            raise _invalid((), "content_type", "Content-Type must be application/json")
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client hung up mid-body (load generators do at the end of a run)
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        values, kind = parse_lookup_body(b"".join(chunks))
        p: Platform = conn.app.state.platform
        svs = canonical_values(p, values, kind)
        await fresh_index(p)
        body = orjson.dumps({"results": lookup_items(p, values, svs, who, utcnow())})
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def lookup_route(prefix: str) -> Route:
    """POST {prefix}/lookup, served by `LookupEndpoint` (ahead of FastAPI's router: see module docs)."""
    return Route(f"{prefix}/lookup", LookupEndpoint(), methods=["POST"], name="lookup")


def lookup_openapi() -> tuple[dict[str, Any], dict[str, Any]]:
    """The OpenAPI path item of POST /lookup and the component schemas it refers to."""
    refs, defs = models_json_schema([(LookupResponse, "serialization")],
                                    ref_template="#/components/schemas/{model}")
    operation = {
        "tags": ["indicators"],
        "summary": "Lookup",
        "description": "Known-bad verdicts for up to Settings.lookup_max_values values, each canonicalised"
                       " first.",
        "operationId": "lookup_api_v1_lookup_post",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": LookupRequest.model_json_schema()}},
        },
        "responses": {
            "200": {"description": "Results in the order of the request.",
                    "content": {"application/json": {"schema": refs[(LookupResponse, "serialization")]}}},
            "401": {"description": "No valid API key."},
            "413": {"description": "Body over Settings.max_body_bytes."},
            "422": {"description": "Malformed body (`errors[].field` names the field) or too many values."},
        },
    }
    return {"post": operation}, defs.get("$defs", {})
