"""GET /healthz: the database answers and the index is loaded."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from lianfang.api.schemas import Health
from lianfang.api.state import PlatformDep

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz(p: PlatformDep) -> Health:
    """Liveness and readiness: one trivial query plus the index size."""

    def ping() -> str:
        with p.db.read() as session:
            session.execute(text("SELECT 1"))
        return p.db.engine.dialect.name

    return Health(status="ok", database=await run_in_threadpool(ping), indicators_indexed=len(p.index))
