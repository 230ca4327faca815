"""`create_app(settings)`: the ASGI app, built from configuration (no global app; tests build their own).

Extend by appending to ROUTERS (API, under /api/v1) or passing `extra_routers` (e.g. the UI at /).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

from lianfang import __version__
from lianfang.api.errors import BodyLimit, install_error_handlers
from lianfang.api.routers import allowlist, graph, health, indicators, inspect, public, reports, stats
from lianfang.api.state import Platform
from lianfang.config import Settings
from lianfang.intel.lookup import build_index
from lianfang.store.db import is_empty, make_database, upgrade

API_PREFIX = "/api/v1"
ROUTERS: list[APIRouter] = [indicators.router, reports.router, public.router, allowlist.router, health.router,
                             inspect.router, stats.router, graph.router]


def create_app(settings: Settings | None = None, extra_routers: Sequence[APIRouter] = ()) -> FastAPI:
    """Build the app for `settings`: engines, (on an empty SQLite) migrations, lookup index, routers.

    PostgreSQL databases are migrated explicitly with `lianfang db upgrade`.
    """
    settings = settings or Settings()
    db = make_database(settings)
    if db.is_sqlite and is_empty(db):
        upgrade(db)
    platform = Platform.build(settings, db, build_index(db))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if platform.ingestor.pool is not None:
                platform.ingestor.pool.close()  # no worker process outlives the app
            db.dispose()

    app = FastAPI(
        title="联防 Lianfang API",
        version=__version__,
        description="Multi-organisation intake, sharing and lookup of black/gray-industry indicators.",
        lifespan=lifespan,
    )
    app.state.platform = platform
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # The hottest route first (routes are matched in order), served by Starlette directly.
    app.router.routes.insert(0, indicators.lookup_route(API_PREFIX))  # ahead of even /docs
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health.router)  # /healthz at the root too, for load balancers
    for router in extra_routers:
        app.include_router(router)
    return app


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """`app.openapi` that also describes POST /lookup, which FastAPI's router does not serve."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            path_item, components = indicators.lookup_openapi()
            schema["paths"] = {f"{API_PREFIX}/lookup": path_item, **schema["paths"]}
            schema.setdefault("components", {}).setdefault("schemas", {}).update(components)
            app.openapi_schema = schema
        return app.openapi_schema

    return build


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the API and the dashboard (/ui/) with uvicorn until interrupted."""
    import uvicorn

    from lianfang.ui.routes import ui_routers

    uvicorn.run(create_app(settings, extra_routers=ui_routers()), host=host, port=port, log_level="info")
