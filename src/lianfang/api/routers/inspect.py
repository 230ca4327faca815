"""POST /inspect: inspect a page given by URL (fetched SSRF-safe) or as HTML, optionally rendered."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from lianfang.api.auth import Caller
from lianfang.api.state import PlatformDep
from lianfang.web.fetch import Fetcher
from lianfang.web.intake import inspect_loaded, load_url, outcome_data, page_from_html

router = APIRouter(tags=["web"])


class InspectRequest(BaseModel):
    """Exactly one of `url` (http/https) or `html`; `url` with `html` is only the page's address."""

    url: str | None = Field(default=None, max_length=4096)
    html: str | None = None
    render: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> InspectRequest:
        if not self.url and self.html is None:
            raise ValueError("give 'url' or 'html'")
        return self


@router.post("/inspect")
async def inspect_endpoint(body: InspectRequest, who: Caller, p: PlatformDep) -> dict[str, Any]:
    """Inspect one page: findings, verdict and (with render) Chromium's view; refused URLs give 422."""
    fetcher = Fetcher.from_settings(p.settings)

    def work() -> dict[str, Any]:
        if body.html is not None:
            page = page_from_html(body.html, url=body.url)
        else:
            # Only ever fetched as a URL: an API caller must never make us read a local file.
            page = load_url(body.url or "", fetcher=fetcher)
        return outcome_data(inspect_loaded(page, render_page=body.render, fetcher=fetcher))

    # Fetching, parsing and Chromium (sync Playwright) block: run them off the event loop.
    return await run_in_threadpool(work)
