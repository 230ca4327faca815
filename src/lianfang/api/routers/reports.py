"""POST /reports, POST /reports/bulk (JSONL stream), GET /reports, GET /reports/{id}."""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from lianfang.api.auth import Caller
from lianfang.api.errors import BadEncoding
from lianfang.api.schemas import BulkLine, BulkResult, ReportOut, ReportPage, Submission
from lianfang.api.state import Platform, PlatformDep
from lianfang.errors import InputError, NotFound
from lianfang.store.accounts import Principal
from lianfang.store.ingest import Ahead, parse_line
from lianfang.store.reports import ReportFilter, get_report, list_reports
from lianfang.store.values import parse_type

router = APIRouter(tags=["reports"])
BULK_CHUNK = 500


def _view(p: Platform, who: Principal, report_id: int) -> ReportOut | None:
    with p.db.read() as session:
        view = get_report(session, who.org_id, report_id, p.secrets, unmask=who.sees_personal_data)
    return ReportOut.of(view) if view else None


@router.post("/reports", response_model=ReportOut, status_code=201)
async def create_report(sub: Submission, who: Caller, p: PlatformDep) -> ReportOut:
    """Analyse and store one report; a re-submission by the same organisation returns the existing one."""
    missing = p.ingestor.unknown_shares(sub)
    if missing:
        raise InputError(f"share_with: unknown organisation(s): {', '.join(missing)}")
    result = (await run_in_threadpool(p.ingestor.ingest, who.org_id, who.user_id, [sub]))[0]
    out = await run_in_threadpool(_view, p, who, result.report_id)
    assert out is not None  # the submitter always sees its own report
    out.created = result.created
    return out


@router.post(
    "/reports/bulk",
    response_model=BulkResult,
    openapi_extra={
        "requestBody": {
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            "required": True,
            "description": "one report object (as POST /reports) per line",
        }
    },
)
async def bulk_reports(request: Request, who: Caller, p: PlatformDep) -> BulkResult:
    """Stream a JSONL body; chunks of 500 lines commit one by one; bad lines are reported by number.

    Chunks are analysed in the pipeline pool while earlier chunks commit (in order); a line is
    listed only once its chunk committed.
    """
    lines: list[BulkLine] = []
    pending: list[tuple[int, Submission]] = []
    in_flight: deque[tuple[list[tuple[int, Submission]], Ahead | None]] = deque()
    pool = p.ingestor.pool
    # Chunks analysed ahead of the one committing: enough to keep every worker busy.
    depth = pool.workers if pool is not None else 0

    async def commit() -> None:
        chunk, ahead = in_flight.popleft()
        if ahead is not None:
            # Wait without holding a threadpool thread; a failure is handled (in-process) by ingest.
            await asyncio.wait([asyncio.wrap_future(ahead.future)])
        subs = [s for _, s in chunk]
        results = await run_in_threadpool(p.ingestor.ingest, who.org_id, who.user_id, subs, None, ahead)
        for (number, _), res in zip(chunk, results, strict=True):
            lines.append(
                BulkLine(line=number, status="created" if res.created else "duplicate", id=res.report_id)
            )

    async def flush() -> None:
        if pending:
            chunk = pending.copy()
            pending.clear()
            ahead = await run_in_threadpool(p.ingestor.analyze_ahead, who.org_id, [s for _, s in chunk])
            in_flight.append((chunk, ahead))
        while len(in_flight) > depth:
            await commit()

    def take(raw: bytes, number: int) -> None:
        if not raw.strip():
            return
        try:
            sub = parse_line(raw.rstrip(b"\r"), number)
            missing = p.ingestor.unknown_shares(sub)
            if missing:
                raise InputError(
                    f"line {number}: unknown organisation(s) in share_with: {', '.join(missing)}"
                )
            pending.append((number, sub))
        except InputError as exc:
            lines.append(BulkLine(line=number, status="error", error=str(exc)))

    buffer = b""
    number = 0
    async for piece in request.stream():
        buffer += piece
        *complete, buffer = buffer.split(b"\n")
        for raw in complete:
            number += 1
            take(raw, number)
            if len(pending) >= BULK_CHUNK:
                await flush()
    if buffer:
        number += 1
        take(buffer, number)
    try:
        await flush()
        while in_flight:
            await commit()
    finally:
        for _, ahead in in_flight:  # a commit failed: drop the analyses nobody will store
            if ahead is not None:
                ahead.future.cancel()
    lines.sort(key=lambda item: item.line)
    return BulkResult(
        created=sum(line.status == "created" for line in lines),
        duplicates=sum(line.status == "duplicate" for line in lines),
        errors=sum(line.status == "error" for line in lines),
        lines=lines,
    )


@router.get("/reports", response_model=ReportPage)
async def reports(
    who: Caller,
    p: PlatformDep,
    category: str | None = None,
    type: Annotated[str | None, Query(description="only reports containing this indicator type")] = None,
    org: Annotated[str | None, Query(description="submitting organisation's name")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ReportPage:
    """Reports the caller may see, newest first, with filters and cursor pagination."""
    if type is not None:
        parse_type(type)
    if cursor is not None and not cursor.isdigit():
        raise InputError("cursor: not a cursor returned by this endpoint")
    flt = ReportFilter(category=category, indicator_type=type, org=org, since=since, until=until)

    def page() -> ReportPage:
        with p.db.read() as session:
            items, nxt = list_reports(
                session,
                who.org_id,
                flt,
                p.secrets,
                cursor=int(cursor) if cursor else None,
                limit=limit,
                unmask=who.sees_personal_data,
            )
        return ReportPage(items=[ReportOut.of(v) for v in items], next_cursor=str(nxt) if nxt else None)

    return await run_in_threadpool(page)


@router.get("/reports/{report_id}", response_model=ReportOut)
async def report(report_id: int, who: Caller, p: PlatformDep) -> ReportOut:
    """One report; 404 when it does not exist or the caller may not see it (the two are not told apart)."""
    out = await run_in_threadpool(_view, p, who, report_id)
    if out is None:
        raise NotFound(f"report {report_id} not found")
    return out


__all__ = ["router", "BadEncoding"]
