"""Render mode: Debian's Chromium through Playwright, every request behind the SSRF policy.

Contract shared with web/inspect.py: `RenderedLink`, `RenderedPage`, `render()`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Browser, Page, Playwright, Request, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from lianfang.errors import FetchBlocked, InputError, LianfangError
from lianfang.web.fetch import PAGE_TYPES, Fetcher

CHROMIUM = os.environ.get("LIANFANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    # WebRTC could reach addresses outside our request interception.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)
#: Origin given to HTML rendered without a base URL; .invalid never resolves (RFC 2606).
LOCAL_ORIGIN = "http://lianfang.invalid/"
# Fake-clock time run after load so setTimeout/setInterval redirects fire without waiting.
_CLOCK_RUN_MS = 30_000
_MAX_SUBRESOURCES = 300
_MAX_MAIN_REDIRECTS = 5
# How long a navigation the page announced may take to reach our request handler; it is
# normally a few milliseconds (one browser round trip), never a network wait.
_NAV_SETTLE_S = 2.0


@dataclass(frozen=True, slots=True)
class RenderedLink:
    """One <a href> of the rendered DOM with its computed visibility.

    `href` is absolute; `reason` is "" when visible, else one of "display:none",
    "visibility:hidden", "opacity:0", "zero-size", "font-size:0", "offscreen", "same-colour",
    "clipped".
    """

    href: str
    text: str
    visible: bool
    reason: str


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """What Chromium saw: DOM after scripts, links, attempted navigations, optional screenshot."""

    url: str
    final_url: str
    html: str
    links: tuple[RenderedLink, ...]
    navigations: tuple[str, ...]
    screenshot_png: bytes | None
    blocked: tuple[str, ...] = field(default=())  # "URL: reason" of every request refused


# Computed visibility of every <a href>; returns [href, text, reason] triples ("" = visible).
_LINKS_JS = """
() => {
  const parseColour = (c) => {
    const m = c && c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const background = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parseColour(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.05) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const docW = Math.max(document.documentElement.scrollWidth, innerWidth);
  const docH = Math.max(document.documentElement.scrollHeight, innerHeight);
  const reasonFor = (a) => {
    let opacity = 1;
    for (let e = a; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none') return 'display:none';
      opacity *= parseFloat(s.opacity || '1');
    }
    const s = getComputedStyle(a);
    if (s.visibility === 'hidden' || s.visibility === 'collapse') return 'visibility:hidden';
    if (opacity < 0.05) return 'opacity:0';
    const rects = Array.from(a.getClientRects());
    const imgs = a.querySelectorAll('img,svg,canvas,video');
    let w = 0, h = 0;
    for (const r of rects) { w = Math.max(w, r.width); h = Math.max(h, r.height); }
    if (parseFloat(s.fontSize) < 1 && imgs.length === 0) return 'font-size:0';
    if (rects.length === 0 || w < 1 || h < 1) return 'zero-size';
    const r = a.getBoundingClientRect();
    const left = r.left + scrollX, top = r.top + scrollY;
    if (left + r.width <= 0 || top + r.height <= 0 || left >= docW || top >= docH) return 'offscreen';
    if (s.clip && s.clip.startsWith('rect(') && /rect\\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\\)/.test(s.clip))
      return 'clipped';
    for (let e = a; e && e.nodeType === 1; e = e.parentElement) {
      const es = getComputedStyle(e);
      if (es.clipPath && /inset\\(50%|circle\\(0|polygon\\(0px 0px\\)/.test(es.clipPath)) return 'clipped';
      const clips = es.overflow !== 'visible' || es.overflowX !== 'visible' || es.overflowY !== 'visible';
      if (e !== a && clips) {
        const b = e.getBoundingClientRect();
        const ix = Math.min(r.right, b.right) - Math.max(r.left, b.left);
        const iy = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
        if (b.width < 1 || b.height < 1 || ix < 1 || iy < 1) return 'clipped';
      }
    }
    if (imgs.length === 0) {
      const fg = parseColour(s.color), bg = background(a);
      if (fg && fg.a < 0.05) return 'same-colour';
      const distance = fg ? Math.abs(fg.r - bg.r) + Math.abs(fg.g - bg.g) + Math.abs(fg.b - bg.b) : 999;
      if (distance < 24) return 'same-colour';
    }
    return '';
  };
  return Array.from(document.querySelectorAll('a[href]')).map((a) => {
    let reason = '';
    try { reason = reasonFor(a); } catch (e) { reason = ''; }
    return [a.href, (a.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 200), reason];
  });
}
"""

# window.open never opens anything: the URL is recorded and null returned, as a popup blocker would.
# The Navigation API's `navigate` event fires synchronously when the top document starts to
# leave (location.href, meta refresh, form, frame-busting from an iframe), before the request
# exists. The target is kept in the page, where render() reads it after the timers ran and
# waits until our handler has answered it instead of racing the browser.
_INIT_JS = """
(() => {
  const record = (u) => {
    try { window.__lianfang_nav(String(new URL(String(u), location.href))); } catch (e) {}
  };
  window.open = function (u) { if (u !== undefined && u !== '') record(u); return null; };
  if (window === window.top && window.navigation) {
    window.navigation.addEventListener('navigate', (e) => {
      try {
        if (!e.destination.sameDocument && /^https?:/i.test(e.destination.url))
          window.__lianfang_leaving = String(e.destination.url);
      } catch (err) {}
    });
  }
})();
"""
# Whether the document (and everything it loads) is complete. Read from the page because
# Playwright's own load tracking never reports 'load' once a navigation that started during
# parsing was cancelled by our 204 answer.
_COMPLETE_JS = "() => document.readyState === 'complete'"
_LEAVING_JS = "() => (typeof window.__lianfang_leaving === 'string' ? window.__lianfang_leaving : '')"
# Chromium's meta refresh timer runs on real time, outside the fake clock, so a pending refresh
# (delay <= the clock's fast-forward) is started now, through the same navigation path the
# timer would take. `content` is read with the HTML standard's shared declarative refresh
# steps; a refresh without a URL reloads the page and is not a redirect.
_META_REFRESH_JS = r"""
(maxSeconds) => {
  if (typeof window.__lianfang_leaving === 'string') return '';
  const head = /^[\t\n\f\r ]*(\d*)(\.[\d.]*)?(?=[\t\n\f\r ;,]|$)[\t\n\f\r ]*[;,]?[\t\n\f\r ]*/;
  for (const meta of document.querySelectorAll('meta[http-equiv]')) {
    if (meta.httpEquiv.toLowerCase() !== 'refresh') continue;
    const content = meta.content || '';
    const m = head.exec(content);
    if (!m || (m[1] === '' && m[2] === undefined) || Number(m[1] || '0') > maxSeconds) continue;
    let rest = content.slice(m[0].length);
    const prefix = /^url[\t\n\f\r ]*=[\t\n\f\r ]*/i.exec(rest);
    if (prefix) rest = rest.slice(prefix[0].length);
    if (rest[0] === '"' || rest[0] === "'") {
      const end = rest.indexOf(rest[0], 1);
      rest = end < 0 ? rest.slice(1) : rest.slice(1, end);
    }
    if (rest === '') continue;
    let target;
    try { target = new URL(rest, document.baseURI).href; } catch (e) { continue; }
    if (!/^https?:/i.test(target)) continue;
    location.assign(target);
    return target;
  }
  return '';
}
"""


@dataclass(slots=True)
class _Session:
    """Mutable bookkeeping of one render (never leaves this module)."""

    start_url: str
    start_host: str
    html: str | None
    fetcher: Fetcher
    navigations: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    main_redirect: str | None = None
    served_initial: bool = False
    subresources: int = 0
    external_main: list[str] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)  # main-frame requests seen, no fragment
    documents: int = 0  # main-frame documents served so far
    start_error: FetchBlocked | None = None  # why the start document could not be fetched


class Renderer:
    """One headless Chromium, reused for many renders; use as a context manager.

    Every request the page makes is fulfilled through the SSRF-safe `Fetcher` (so pinning and
    address checks apply) and anything that slips past interception meets a dead proxy.
    """

    def __init__(self, *, fetcher: Fetcher | None = None, executable: str = CHROMIUM) -> None:
        """Launch Chromium at `executable`; raises InputError when it is missing."""
        if not os.path.exists(executable):
            raise InputError(f"Chromium not found at {executable}; run `make browser` (apt-get chromium)")
        self.fetcher = fetcher if fetcher is not None else Fetcher.from_settings()
        # A bound but never-listening socket: connecting to it is refused, so it is a dead
        # proxy that nothing else can take over while we hold it.
        self._dead = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._dead.bind(("127.0.0.1", 0))
        dead_port = self._dead.getsockname()[1]
        self._pw: Playwright = sync_playwright().start()
        try:
            self._browser: Browser = self._pw.chromium.launch(
                executable_path=executable,
                headless=True,
                args=[
                    *CHROMIUM_ARGS,
                    f"--proxy-server=http://127.0.0.1:{dead_port}",
                    "--proxy-bypass-list=<-loopback>",  # loopback goes to the dead proxy too
                ],
            )
        except Exception:
            self._pw.stop()
            self._dead.close()
            raise

    def __enter__(self) -> Renderer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close Chromium and Playwright; safe to call twice."""
        with contextlib.suppress(Exception):
            self._browser.close()
        with contextlib.suppress(Exception):
            self._pw.stop()
        self._dead.close()

    def render(
        self,
        url_or_html: str,
        *,
        base_url: str | None = None,
        timeout_s: float = 20.0,
        screenshot: bool = False,
        viewport: tuple[int, int] = (1280, 900),
        fetcher: Fetcher | None = None,
    ) -> RenderedPage:
        """Load a URL (http/https) or an HTML string and return what Chromium made of it.

        HTML is served as the document at `base_url` (default http://lianfang.invalid/), so
        relative links resolve against it. Navigations of the main frame to another host,
        popups and window.open are recorded in `navigations` and not followed; same-host
        navigations and redirects are followed (at most 5). Timers and meta refreshes are
        fast-forwarded 30 s; a blocked navigation ends the wait for the page at once.
        `final_url` is where the page ended up, or the last blocked main-frame navigation
        target when scripts tried to leave ("" for HTML without `base_url` that stayed put).
        `fetcher` overrides the renderer's for this call.
        Raises FetchBlocked when the start URL is refused
        and LianfangError when rendering fails or exceeds `timeout_s`.
        """
        chosen = fetcher if fetcher is not None else self.fetcher
        is_url = url_or_html.lstrip()[:8].lower().startswith(("http://", "https://"))
        if is_url:
            start = chosen.check(url_or_html.strip()).url
            html = None
        else:
            start = base_url or LOCAL_ORIGIN
            html = url_or_html
        host = (urlsplit(start).hostname or "").lower()
        session = _Session(start_url=start, start_host=host, html=html, fetcher=chosen)
        deadline = time.monotonic() + timeout_s
        context = self._browser.new_context(
            service_workers="block",
            java_script_enabled=True,
            viewport={"width": viewport[0], "height": viewport[1]},
            user_agent=chosen.user_agent,
        )
        try:
            context.set_default_timeout(timeout_s * 1000)
            context.expose_function("__lianfang_nav", lambda u: session.navigations.append(str(u)))
            context.add_init_script(_INIT_JS)
            page = context.new_page()
            context.route("**/*", lambda route, request: self._handle(route, request, page, session))
            page.route_web_socket("**/*", lambda ws: ws.close())
            page.clock.install()
            target: str | None = start
            hops = 0
            while target is not None:
                session.main_redirect = None
                self._load(page, target, session, deadline)
                target = session.main_redirect
                hops += 1
                if target is not None and hops > _MAX_MAIN_REDIRECTS:
                    raise FetchBlocked(
                        f"too many redirects (more than {_MAX_MAIN_REDIRECTS}) rendering {start!r}"
                    )
            raw_links = self._evaluate(page, _LINKS_JS, deadline)
            links = tuple(
                RenderedLink(href=str(h), text=str(t), visible=not r, reason=str(r))
                for h, t, r in raw_links or []
            )
            content = self._content(page, deadline)
            shot = None
            if screenshot:
                shot = page.screenshot(type="png", timeout=max(1.0, deadline - time.monotonic()) * 1000)
            final = session.external_main[-1] if session.external_main else page.url
            if html is not None and base_url is None and final.startswith(LOCAL_ORIGIN):
                final = ""  # HTML given without an address stayed where it was: no URL to report
            return RenderedPage(
                url=url_or_html.strip() if is_url else (base_url or ""),
                final_url=final,
                html=content,
                links=links,
                navigations=tuple(dict.fromkeys(session.navigations)),
                screenshot_png=shot,
                blocked=tuple(session.blocked),
            )
        except PlaywrightError as exc:
            raise LianfangError(f"rendering failed: {exc.message.splitlines()[0]}") from exc
        finally:
            with contextlib.suppress(Exception):
                context.close()

    def _load(self, page: Page, url: str, session: _Session, deadline: float) -> None:
        """Open `url` in the main frame and return once the page has settled.

        Settled: the document is complete, timers were fast-forwarded, and every navigation
        the page then started has been answered (204 for another host, a fetched document
        for this host, which is settled the same way, at most _MAX_MAIN_REDIRECTS times).
        """
        try:
            # "commit", not "load": see _COMPLETE_JS for why the load event cannot be awaited.
            page.goto(url, wait_until="commit", timeout=_remaining_ms(deadline))
        except PlaywrightError as exc:
            # A redirect or blocked navigation aborts the load on purpose; anything else fails.
            if "ERR_ABORTED" not in exc.message and "ERR_BLOCKED_BY_CLIENT" not in exc.message \
                    and "interrupted by another navigation" not in exc.message:
                raise
        if session.start_error is not None:
            raise session.start_error
        for _ in range(_MAX_MAIN_REDIRECTS + 1):
            documents = session.documents
            page.wait_for_function(_COMPLETE_JS, polling=50, timeout=_remaining_ms(deadline))
            with contextlib.suppress(PlaywrightError):
                page.clock.run_for(_CLOCK_RUN_MS)
            with contextlib.suppress(PlaywrightError):
                page.evaluate(_META_REFRESH_JS, _CLOCK_RUN_MS // 1000)
            self._await_answer(page, session, deadline)
            if session.documents == documents:
                return
        raise FetchBlocked(
            f"too many navigations (more than {_MAX_MAIN_REDIRECTS}) rendering {session.start_url!r}"
        )

    def _await_answer(self, page: Page, session: _Session, deadline: float) -> None:
        try:
            leaving = str(page.evaluate(_LEAVING_JS))
        except PlaywrightError:
            return  # the document was replaced: _load settles the new one
        if not leaving:
            return
        # Playwright runs our route handler while we wait here.
        limit = min(deadline, time.monotonic() + _NAV_SETTLE_S)
        while _defragged(leaving) not in session.answered and time.monotonic() < limit:
            page.wait_for_timeout(10)
        if _defragged(leaving) not in session.answered:
            # Never reached us (superseded, a download, refused by Chromium itself): still
            # an attempt to leave, so it is reported, but there is nothing more to wait for.
            session.navigations.append(leaving)

    def _evaluate(self, page: Page, script: str, deadline: float) -> Any:
        for _ in range(3):
            try:
                return page.evaluate(script)
            except PlaywrightError as exc:
                if "context was destroyed" not in exc.message and "navigat" not in exc.message:
                    raise
                page.wait_for_function(_COMPLETE_JS, polling=50, timeout=_remaining_ms(deadline))
        return page.evaluate(script)

    def _content(self, page: Page, deadline: float) -> str:
        for _ in range(3):
            try:
                return page.content()
            except PlaywrightError:
                page.wait_for_function(_COMPLETE_JS, polling=50, timeout=_remaining_ms(deadline))
        return page.content()

    def _handle(self, route: Route, request: Request, page: Page, session: _Session) -> None:
        url = request.url
        if request.is_navigation_request():
            try:
                frame = request.frame
                is_main = frame == page.main_frame
            except PlaywrightError:  # a popup: its frame does not exist yet
                session.navigations.append(url)
                route.abort("blockedbyclient")
                return
            if is_main:
                self._handle_main(route, url, session)
                return
        if request.method not in {"GET", "HEAD"}:
            # Render mode only reads: never submit data to the inspected site.
            session.blocked.append(f"{url}: method {request.method} not sent")
            route.abort("blockedbyclient")
            return
        session.subresources += 1
        if session.subresources > _MAX_SUBRESOURCES:
            session.blocked.append(f"{url}: more than {_MAX_SUBRESOURCES} requests")
            route.abort("blockedbyclient")
            return
        try:
            result = session.fetcher.fetch(url, accept=None)
        except FetchBlocked as exc:
            session.blocked.append(f"{url}: {exc}")
            route.abort("blockedbyclient")
            return
        route.fulfill(status=result.status, headers=_headers(result.headers), body=result.body)

    def _handle_main(self, route: Route, url: str, session: _Session) -> None:
        session.answered.add(_defragged(url))
        if session.html is not None and not session.served_initial and url == session.start_url:
            session.served_initial = True
            session.documents += 1
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=session.html)
            return
        initial = session.documents == 0
        if url != session.start_url or session.served_initial:
            session.navigations.append(url)
        session.served_initial = True
        if (urlsplit(url).hostname or "").lower() != session.start_host:
            session.external_main.append(url)
            # 204 No Content makes Chromium stay on the current page (an abort would swap in
            # an error page and lose the DOM we want to inspect).
            route.fulfill(status=204, body=b"")
            return
        try:
            result = session.fetcher.fetch(url, accept=PAGE_TYPES, max_redirects=0)
        except FetchBlocked as exc:
            session.blocked.append(f"{url}: {exc}")
            if initial:
                session.start_error = exc
                route.abort("blockedbyclient")
            else:
                # Keep the page we have: an abort would replace it with Chromium's error page.
                route.fulfill(status=204, body=b"")
            return
        location = result.header("location")
        if 300 <= result.status < 400 and location:
            # Chromium would follow a fulfilled redirect outside our interception, so we
            # stop here and navigate to the target ourselves.
            target = urljoin(url, location)
            session.navigations.append(target)
            if (urlsplit(target).hostname or "").lower() == session.start_host:
                session.main_redirect = target
            else:
                session.external_main.append(target)
            route.fulfill(status=204, body=b"")
            return
        session.documents += 1
        route.fulfill(status=result.status, headers=_headers(result.headers), body=result.body)


def _defragged(url: str) -> str:
    return url.split("#", 1)[0]


def _remaining_ms(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise LianfangError("rendering timed out")
    return remaining * 1000


def _headers(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    # The body is already decoded and complete; transfer headers would corrupt it.
    dropped = {"content-encoding", "content-length", "transfer-encoding", "connection", "location"}
    out: dict[str, str] = {}
    for key, value in headers:
        if key.lower() not in dropped:
            out[key] = value if key not in out else out[key] + ", " + value
    return out


def chromium_available(executable: str = CHROMIUM) -> bool:
    """True when the Chromium binary render mode needs is installed."""
    return os.path.exists(executable)


def render(
    url_or_html: str,
    *,
    base_url: str | None = None,
    timeout_s: float = 20.0,
    settings: object | None = None,
    fetcher: Fetcher | None = None,
    screenshot: bool = False,
) -> RenderedPage:
    """Render one URL or HTML string in a fresh Chromium; see Renderer.render for the contract.

    The fetcher is `fetcher`, else one built from `settings` (Settings.allow_private_fetch).
    Raises InputError when Chromium is missing, FetchBlocked when the URL is refused.
    """
    chosen = fetcher if fetcher is not None else Fetcher.from_settings(settings)
    with Renderer(fetcher=chosen) as renderer:
        return renderer.render(url_or_html, base_url=base_url, timeout_s=timeout_s, screenshot=screenshot)
