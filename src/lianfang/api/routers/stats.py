"""GET /stats/*: the situational-awareness figures, scoped to what the caller's organisation may see."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from lianfang.api.session import Viewer
from lianfang.api.state import PlatformDep
from lianfang.store import stats

router = APIRouter(tags=["stats"])


class OverviewOut(BaseModel):
    """Headline counts."""

    reports: int
    indicators: int
    organisations: int
    last_7_days: int
    first_report: datetime | None
    last_report: datetime | None


class TimelineOut(BaseModel):
    """Per-day series (UTC days, oldest first, no gaps)."""

    days: list[str]
    reports: list[int]
    new_indicators: list[int]


class BucketOut(BaseModel):
    """One slice of a breakdown."""

    key: str
    count: int


class CategoriesOut(BaseModel):
    """Reports by classifier label and by chain stage."""

    categories: list[BucketOut]
    stages: list[BucketOut]


class ProvinceOut(BaseModel):
    """Distinct subject phone numbers (and reports naming them) per province."""

    province: str
    numbers: int
    reports: int


class TopIndicatorOut(BaseModel):
    """An indicator by visible reports naming it; `value` is the stored form, `display` what to show."""

    type: str
    value: str
    display: str
    reports: int
    orgs: int
    last_seen: datetime


@router.get("/stats/overview", response_model=OverviewOut)
async def stats_overview(who: Viewer, p: PlatformDep) -> OverviewOut:
    """Reports, indicators and organisations the caller may see, and reports in the last 7 days."""

    def run() -> OverviewOut:
        with p.db.read() as session:
            o = stats.overview(session, who.org_id)
        return OverviewOut(reports=o.reports, indicators=o.indicators, organisations=o.organisations,
                           last_7_days=o.last_7_days, first_report=o.first_report, last_report=o.last_report)

    return await run_in_threadpool(run)


@router.get("/stats/timeline", response_model=TimelineOut)
async def stats_timeline(
    who: Viewer, p: PlatformDep, days: Annotated[int, Query(ge=1, le=stats.MAX_DAYS)] = 90
) -> TimelineOut:
    """Visible reports and newly seen indicators per day over the last `days` days."""

    def run() -> TimelineOut:
        with p.db.read() as session:
            s = stats.timeline(session, who.org_id, days)
        return TimelineOut(days=list(s.days), reports=list(s.reports), new_indicators=list(s.new_indicators))

    return await run_in_threadpool(run)


@router.get("/stats/categories", response_model=CategoriesOut)
async def stats_categories(who: Viewer, p: PlatformDep) -> CategoriesOut:
    """Visible reports per category and per chain stage, largest first."""

    def run() -> CategoriesOut:
        with p.db.read() as session:
            cats, stgs = stats.categories(session, who.org_id), stats.stages(session, who.org_id)
        return CategoriesOut(categories=[BucketOut(key=b.key, count=b.count) for b in cats],
                             stages=[BucketOut(key=b.key, count=b.count) for b in stgs])

    return await run_in_threadpool(run)


@router.get("/stats/provinces", response_model=list[ProvinceOut])
async def stats_provinces(who: Viewer, p: PlatformDep) -> list[ProvinceOut]:
    """Distinct visible subject phone numbers per province of China (number-block location)."""

    def run() -> list[ProvinceOut]:
        with p.db.read() as session:
            rows = stats.provinces(session, who.org_id)
        return [ProvinceOut(province=r.province, numbers=r.numbers, reports=r.reports) for r in rows]

    return await run_in_threadpool(run)


@router.get("/stats/top-indicators", response_model=list[TopIndicatorOut])
async def stats_top_indicators(
    who: Viewer,
    p: PlatformDep,
    limit: Annotated[int, Query(ge=1, le=stats.MAX_TOP)] = 20,
    type: Annotated[str | None, Query(max_length=16)] = None,
) -> list[TopIndicatorOut]:
    """Indicators named by the most visible reports (allow-listed values left out)."""

    def run() -> list[TopIndicatorOut]:
        with p.db.read() as session:
            rows = stats.top_indicators(session, who.org_id, limit, type)
        return [TopIndicatorOut(type=r.type, value=r.value, display=r.display, reports=r.reports, orgs=r.orgs,
                                last_seen=r.last_seen) for r in rows]

    return await run_in_threadpool(run)
