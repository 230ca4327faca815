"""Authorization matrix: seeded random organisations, reports, sharing levels and AMBER share lists;
every endpoint, every viewer, asserting that no report or sighting crosses a sharing boundary.

Data is built once per backend, then queried many times. Each report carries a unique marker
token, so besides the per-endpoint assertions every response body is also scanned for markers
of reports the viewer may not see (this covers endpoints whose shape the test does not know,
such as UI and statistics pages, which are fetched when the app has them).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from conftest import Member, make_member
from lianfang.config import Settings
from lianfang.store.db import make_database

SEED = 20240601
N_ORGS = 6
N_REPORTS = 150
LEVELS = ("CLEAR", "GREEN", "AMBER", "RED")
PUBLIC_FIELDS = {"value", "valid", "type", "known_bad", "category", "confidence"}
T0 = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Contact:
    """A pool value: how it is written in texts and the (type, canonical) the API reports."""

    text: str
    type: str
    value: str


@dataclass(slots=True)
class Sent:
    """Ground truth for one submitted report."""

    id: int
    org: str
    tlp: str
    shares: frozenset[str]
    marker: str
    created_at: datetime
    keys: set[tuple[str, str]] = field(default_factory=set)
    label: str | None = None

    def visible_to(self, viewer: str) -> bool:
        """The sharing rule, restated independently of the code under test."""
        return (self.tlp in ("CLEAR", "GREEN") or self.org == viewer
                or (self.tlp == "AMBER" and viewer in self.shares))


def _pool(rng: random.Random) -> list[Contact]:
    pool = []
    for _ in range(12):
        digits = rng.choice(("138", "139", "186", "158", "137")) + str(rng.randint(10**7, 10**8 - 1))
        pool.append(Contact(f"电话 {digits}", "phone", "+86" + digits))
    for _ in range(12):
        qq = str(rng.randint(10_000_000, 999_999_999))
        pool.append(Contact(f"QQ {qq}", "qq", qq))
    for i in range(12):
        wx = f"wx{rng.choice('abcdefgh')}{i}_{rng.randint(1000, 9999)}"
        pool.append(Contact(f"微信 {wx}", "wechat", wx))
    return pool


@dataclass(slots=True)
class World:
    """The generated data, the client and the members."""

    client: TestClient
    members: dict[str, Member]
    reports: list[Sent]
    pool: list[Contact]
    cases: int = 0

    def visible(self, viewer: str) -> list[Sent]:
        return [r for r in self.reports if r.visible_to(viewer)]

    def indicator_keys(self) -> list[tuple[str, str]]:
        """Every (type, canonical value) the pipeline extracted from the submitted reports."""
        return sorted({k for r in self.reports for k in r.keys})

    def check_no_leak(self, viewer: str | None, body: str) -> None:
        """No marker of a report `viewer` (None: the public) may not see appears in `body`."""
        for r in self.reports:
            allowed = r.tlp == "CLEAR" if viewer is None else r.visible_to(viewer)
            if not allowed:
                assert r.marker not in body, f"{viewer} saw report {r.id} ({r.tlp} of {r.org})"


def build_world(settings: Settings) -> World:
    from lianfang.api.app import create_app

    rng = random.Random(SEED)
    # The public endpoint's limit is not under test here; the matrix calls it many times.
    settings = settings.model_copy(update={"public_rate_limit": "1000000/minute"})
    db = make_database(settings)
    members = {f"org{i}": make_member(db, f"org{i}") for i in range(N_ORGS)}
    members["outsider"] = make_member(db, "outsider")  # a member that submits nothing
    db.dispose()
    client = TestClient(create_app(settings))
    client.__enter__()
    pool = _pool(rng)
    weights = [1 / (k + 1) for k in range(len(pool))]  # a few values recur a lot, most rarely
    submitters = [m for m in members if m != "outsider"]
    reports = []
    for n in range(N_REPORTS):
        org = rng.choice(submitters)
        tlp = rng.choice(LEVELS)
        others = [m for m in members if m != org]
        shares = frozenset(rng.sample(others, rng.randint(0, 3))) if tlp == "AMBER" else frozenset()
        picked = {id(c): c for c in rng.choices(pool, weights=weights, k=rng.randint(1, 3))}.values()
        marker = "MK" + "".join(rng.choices(string.ascii_uppercase, k=12))
        created = T0 + timedelta(hours=n)
        body = " ".join(c.text for c in picked)
        topic = "刷单返利" if rng.random() < 0.7 else "周末聚会"
        text = f"{topic} 编号{marker} {body} 。"
        r = client.post("/api/v1/reports", headers=members[org].headers, json={
            "text": text, "tlp": tlp, "share_with": sorted(shares), "source": "matrix",
            "observed_at": created.isoformat()})
        assert r.status_code == 201, r.text
        out = r.json()
        sent = Sent(out["id"], org, tlp, shares, marker, created, label=out["classification"]["label"])
        sent.keys = {(i["type"], i["value"]) for i in out["indicators"] if i["role"] == "subject"}
        assert sent.keys, (text, out["indicators"])
        reports.append(sent)
    return World(client, members, reports, pool)


@pytest.fixture
def world(settings: Settings) -> World:
    w = build_world(settings)
    yield w
    w.client.__exit__(None, None, None)


def _all_pages(world: World, viewer: str, **params: str) -> list[dict]:
    items, cursor = [], None
    while True:
        query = {**params, "limit": "37", **({"cursor": cursor} if cursor else {})}
        r = world.client.get("/api/v1/reports", params=query, headers=world.members[viewer].headers)
        assert r.status_code == 200, r.text
        world.check_no_leak(viewer, r.text)
        page = r.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def check_report_listing(world: World, viewer: str) -> None:
    expected = {r.id for r in world.visible(viewer)}
    listed = [item["id"] for item in _all_pages(world, viewer)]
    assert len(listed) == len(set(listed)), "a report appeared on two pages"
    assert set(listed) == expected
    world.cases += len(world.reports)
    by_id = {r.id: r for r in world.reports}
    filters: list[tuple[dict[str, str], set[int]]] = [
        ({"org": other}, {r.id for r in world.visible(viewer) if r.org == other}) for other in world.members]
    for type_ in ("phone", "qq", "wechat"):
        want = {r.id for r in world.visible(viewer) if any(k[0] == type_ for k in r.keys)}
        filters.append(({"type": type_}, want))
    for label in sorted({r.label for r in world.reports if r.label}):
        filters.append(({"category": label}, {r.id for r in world.visible(viewer) if r.label == label}))
    since, until = T0 + timedelta(hours=40.5), T0 + timedelta(hours=90.5)
    filters.append(({"since": since.isoformat(), "until": until.isoformat()},
                    {r.id for r in world.visible(viewer) if since <= r.created_at <= until}))
    for params, want in filters:
        got = {item["id"] for item in _all_pages(world, viewer, **params)}
        assert got <= expected, (viewer, params, got - expected)
        assert got == want, (viewer, params)
        for rid in got:
            assert by_id[rid].visible_to(viewer)
        world.cases += 1


def check_report_by_id(world: World, viewer: str) -> None:
    for r in world.reports:
        resp = world.client.get(f"/api/v1/reports/{r.id}", headers=world.members[viewer].headers)
        if r.visible_to(viewer):
            assert resp.status_code == 200, (viewer, r)
            body = resp.json()
            assert body["id"] == r.id and r.marker in body["text"]
            # The AMBER audience is the submitter's business only.
            if viewer != r.org:
                assert body.get("share_with", []) == []
        else:
            assert resp.status_code == 404, (viewer, r, resp.text)
        world.check_no_leak(viewer, resp.text)
        world.cases += 1


def check_indicators(world: World, viewer: str) -> None:
    keys = world.indicator_keys()
    results = {}
    for type_ in sorted({t for t, _ in keys}):
        values = [v for t, v in keys if t == type_]
        lookup = world.client.post("/api/v1/lookup", json={"values": values, "type": type_},
                                   headers=world.members[viewer].headers)
        assert lookup.status_code == 200, lookup.text
        world.check_no_leak(viewer, lookup.text)
        results.update({(type_, v): item for v, item in zip(values, lookup.json()["results"], strict=True)})
    for key in keys:
        item = results[key]
        seen = [r for r in world.visible(viewer) if key in r.keys]
        orgs = {r.org for r in seen}
        assert item["known_bad"] == bool(seen), (viewer, key)
        want = (len(seen), len(orgs)) if seen else (0, 0)
        assert (item["sightings"], item["orgs"]) == want, (viewer, key, item)
        world.cases += 1

        resp = world.client.get(f"/api/v1/indicators/{key[0]}/{quote(key[1], safe='')}",
                                headers=world.members[viewer].headers)
        assert resp.status_code in (200, 404), resp.text
        world.check_no_leak(viewer, resp.text)
        if resp.status_code == 404:
            assert not seen, (viewer, key)
        else:
            detail = resp.json()
            assert (detail["sightings"], detail["orgs"]) == (len(seen), len(orgs)), (viewer, key, detail)
            assert {s["report_id"] for s in detail["recent"]} <= {r.id for r in seen}
            if seen:
                assert datetime.fromisoformat(detail["last_seen"]) == max(r.created_at for r in seen)
        world.cases += 1


def check_public(world: World) -> None:
    for key in world.indicator_keys():
        resp = world.client.get("/api/v1/public/check", params={"value": key[1]})
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert set(body) <= PUBLIC_FIELDS, f"public check reveals {set(body) - PUBLIC_FIELDS}"
        if body["valid"]:
            # The public endpoint guesses the type from the value alone: judge the key it looked up.
            looked_up = (body["type"], body["value"])
            clear = [r for r in world.reports if r.tlp == "CLEAR" and looked_up in r.keys]
            assert body["known_bad"] == bool(clear), (key, body)
        world.check_no_leak(None, resp.text)
        world.cases += 1


def check_other_get_endpoints(world: World, viewer: str) -> None:
    """Every other parameterless GET route (UI pages, statistics) must not show invisible reports."""
    app = world.client.app
    known = {"/api/v1/reports", "/api/v1/public/check", "/healthz", "/api/v1/healthz"}
    for route in app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, APIRoute) or "GET" not in route.methods or "{" in route.path:
            continue
        if route.path in known or route.path.startswith(("/docs", "/openapi", "/redoc")):
            continue
        resp = world.client.get(route.path, headers=world.members[viewer].headers)
        assert resp.status_code < 500, (route.path, resp.text[:500])
        world.check_no_leak(viewer, resp.text)
        world.cases += 1


def test_no_report_or_sighting_crosses_a_sharing_boundary(world: World) -> None:
    for viewer in world.members:
        check_report_listing(world, viewer)
        check_report_by_id(world, viewer)
        check_indicators(world, viewer)
        check_other_get_endpoints(world, viewer)
    check_public(world)
    # Every sharing level and AMBER with and without audiences were exercised.
    assert {r.tlp for r in world.reports} == set(LEVELS)
    assert any(r.tlp == "AMBER" and r.shares for r in world.reports)
    assert any(r.tlp == "AMBER" and not r.shares for r in world.reports)
    assert world.cases >= 1000, world.cases
