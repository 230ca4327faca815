"""Intake and reading over HTTP: dedup, sharing levels on every endpoint, limits and errors."""

from __future__ import annotations

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import Member
from lianfang.store.db import Database
from lianfang.store.models import IndicatorRow, Report

FRAUD = "刷单返利，日结300元，加微信 scam_helper88 联系，电话 13912345678，网站 http://fast-pay-task.top/join"
PHONE = "+8613912345678"


def post(client: TestClient, who: Member, text: str, **extra: object) -> dict:
    r = client.post("/api/v1/reports", json={"text": text, **extra}, headers=who.headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_create_returns_indicators_and_classification(client: TestClient, members: dict[str, Member]) -> None:
    out = post(client, members["a"], FRAUD)
    types = {i["type"] for i in out["indicators"]}
    assert {"phone", "wechat", "url"} <= types
    phone = next(i for i in out["indicators"] if i["type"] == "phone")
    assert FRAUD[phone["start"] : phone["end"]] == "13912345678"
    assert out["classification"]["label"]
    assert out["created"] is True and out["org"] == "a" and out["tlp"] == "GREEN"


def test_same_org_resubmission_returns_existing(
    client: TestClient, members: dict[str, Member], db: Database
) -> None:
    first = post(client, members["a"], FRAUD)
    again = post(client, members["a"], FRAUD, tlp="RED")
    assert again["id"] == first["id"] and again["created"] is False and again["tlp"] == "GREEN"
    other = post(
        client, members["b"], FRAUD
    )  # another organisation: its own report, counted as corroboration
    assert other["id"] != first["id"] and other["created"] is True
    with db.read() as s:
        assert len(s.scalars(select(Report.id)).all()) == 2


def test_sharing_levels_on_every_endpoint(client: TestClient, members: dict[str, Member]) -> None:
    a, b, c = members["a"], members["b"], members["c"]
    ids = {}
    for tlp, phone in (
        ("CLEAR", "13800000001"),
        ("GREEN", "13800000002"),
        ("AMBER", "13800000003"),
        ("RED", "13800000004"),
    ):
        extra = {"share_with": ["b"]} if tlp == "AMBER" else {}
        ids[tlp] = post(client, a, f"刷单返利 日结 联系 {phone}", tlp=tlp, **extra)["id"]
    expect = {  # who sees which level
        "a": {"CLEAR", "GREEN", "AMBER", "RED"},
        "b": {"CLEAR", "GREEN", "AMBER"},
        "c": {"CLEAR", "GREEN"},
    }
    for name, who in (("a", a), ("b", b), ("c", c)):
        listed = {r["tlp"] for r in client.get("/api/v1/reports", headers=who.headers).json()["items"]}
        assert listed == expect[name]
        for tlp, rid in ids.items():
            status = client.get(f"/api/v1/reports/{rid}", headers=who.headers).status_code
            assert status == (200 if tlp in expect[name] else 404), (name, tlp)
        looked = client.post(
            "/api/v1/lookup",
            headers=who.headers,
            json={"values": ["13800000001", "13800000002", "13800000003", "13800000004"]},
        ).json()
        bad = {
            tlp
            for tlp, item in zip(("CLEAR", "GREEN", "AMBER", "RED"), looked["results"], strict=True)
            if item["known_bad"]
        }
        assert bad == expect[name], name
        for tlp, phone in zip(
            ("CLEAR", "GREEN", "AMBER", "RED"),
            ("13800000001", "13800000002", "13800000003", "13800000004"),
            strict=True,
        ):
            detail = client.get(f"/api/v1/indicators/phone/{phone}", headers=who.headers).json()
            assert (detail["sightings"] > 0) == (tlp in expect[name]), (name, tlp)
            assert all(s["report_id"] in [ids[t] for t in expect[name]] for s in detail["recent"])
    public = {
        phone: client.get("/api/v1/public/check", params={"value": phone}).json()["known_bad"]
        for phone in ("13800000001", "13800000002", "13800000003")
    }
    assert public == {"13800000001": True, "13800000002": False, "13800000003": False}


def test_amber_share_list_visible_to_submitter_only(client: TestClient, members: dict[str, Member]) -> None:
    rid = post(client, members["a"], "刷单返利 13800000009", tlp="amber", share_with=["b", "c"])["id"]
    own = client.get(f"/api/v1/reports/{rid}", headers=members["a"].headers).json()
    assert own["share_with"] == ["b", "c"]
    seen_by_b = client.get(f"/api/v1/reports/{rid}", headers=members["b"].headers).json()
    assert seen_by_b["share_with"] == []
    r = client.post(
        "/api/v1/reports",
        json={"text": "x 13800000010", "tlp": "AMBER", "share_with": ["nobody"]},
        headers=members["a"].headers,
    )
    assert r.status_code == 422 and "nobody" in r.json()["detail"]


def test_filters_and_cursor_pagination(client: TestClient, members: dict[str, Member]) -> None:
    a = members["a"]
    for i in range(7):
        post(client, a, f"刷单返利 日结 第{i}单 13700000{i:03d}")
    post(client, a, "今天天气很好，我们去公园散步吧。")
    seen, cursor = [], None
    while True:
        params = {"limit": 3, "type": "phone"} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/reports", params=params, headers=a.headers).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7 == len(set(seen)) and seen == sorted(seen, reverse=True)
    assert client.get("/api/v1/reports", params={"org": "b"}, headers=a.headers).json()["items"] == []
    assert client.get("/api/v1/reports", params={"type": "nope"}, headers=a.headers).status_code == 422
    future = client.get("/api/v1/reports", params={"since": "2999-01-01T00:00:00Z"}, headers=a.headers)
    assert future.json()["items"] == []


def test_bulk_keeps_good_lines_and_numbers_bad_ones(client: TestClient, members: dict[str, Member]) -> None:
    lines = [
        orjson.dumps({"text": "刷单返利 13600000001"}),
        b"{not json",
        orjson.dumps({"source": "app"}),
        b"",
        orjson.dumps({"text": "刷单返利 13600000002", "tlp": "purple"}),
        b'{"text": "\xff\xfe bad bytes"}',
        orjson.dumps({"text": "刷单返利 13600000001"}),
        orjson.dumps({"text": "刷单返利 13600000003", "tlp": "AMBER", "share_with": ["ghost"]}),
        orjson.dumps({"text": "刷单返利 13600000004"}),
    ]
    r = client.post(
        "/api/v1/reports/bulk",
        content=b"\n".join(lines),
        headers=members["a"].headers | {"Content-Type": "application/x-ndjson"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    by_line = {item["line"]: item for item in body["lines"]}
    assert by_line[1]["status"] == "created" and by_line[9]["status"] == "created"
    assert by_line[7]["status"] == "duplicate" and by_line[7]["id"] == by_line[1]["id"]
    for bad in (2, 3, 5, 6, 8):
        assert by_line[bad]["status"] == "error", bad
    assert "UTF-8" in by_line[6]["error"] and "tlp" in by_line[5]["error"] and "ghost" in by_line[8]["error"]
    assert 4 not in by_line
    assert (body["created"], body["duplicates"], body["errors"]) == (2, 1, 5)
    listed = client.get("/api/v1/reports", headers=members["a"].headers).json()["items"]
    assert {r["id"] for r in listed} == {by_line[1]["id"], by_line[9]["id"]}


def test_body_limits_and_validation_errors(client: TestClient, members: dict[str, Member]) -> None:
    h = members["a"].headers
    big = {"text": "x" * 300_000}
    assert client.post("/api/v1/reports", json=big, headers=h).status_code == 413

    def chunks():  # no Content-Length: the limit is enforced while streaming
        for _ in range(50):
            yield orjson.dumps({"text": "刷单 " + "y" * 5000}) + b"\n"

    assert client.post("/api/v1/reports/bulk", content=chunks(), headers=h).status_code == 413
    r = client.post("/api/v1/reports", json={"text": 12}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "text"
    r = client.post("/api/v1/reports", json={"text": "ok", "tlp": "blue"}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tlp"
    r = client.post(
        "/api/v1/reports", content=b'{"text": "abc', headers=h | {"Content-Type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body"
    r = client.post(
        "/api/v1/reports", content=b'{"text": "\xff\xfe"}', headers=h | {"Content-Type": "application/json"}
    )
    assert r.status_code in (400, 422) and r.json()["detail"]
    r = client.post("/api/v1/lookup", json={"values": ["1"] * 10_001}, headers=h)
    assert r.status_code == 422 and "10000" in r.json()["detail"]


def test_auth_failures(client: TestClient, members: dict[str, Member]) -> None:
    assert client.get("/api/v1/reports").status_code == 401
    assert client.get("/api/v1/reports", headers={"Authorization": "Bearer lf_nope_bad"}).status_code == 401
    good = members["a"].key
    wrong_secret = good[: good.rindex("_") + 1] + "x" * 20 if good.count("_") >= 2 else good + "x"
    assert client.get("/api/v1/reports", headers={"X-API-Key": wrong_secret}).status_code == 401
    assert client.get("/api/v1/reports", headers={"X-API-Key": good}).status_code == 200
    r = client.post(
        "/api/v1/allowlist", json={"type": "phone", "value": "13800000001"}, headers=members["a"].headers
    )
    assert r.status_code == 403
    r = client.post(
        "/api/v1/allowlist",
        json={"type": "phone", "value": "13800000001"},
        headers=members["a_admin"].headers,
    )
    assert r.status_code == 201


def test_public_check_rate_limited_and_reveals_no_reports(
    client: TestClient, members: dict[str, Member]
) -> None:
    post(client, members["a"], "刷单返利 13500000001", tlp="CLEAR")
    first = client.get("/api/v1/public/check", params={"value": "13500000001"})
    body = first.json()
    assert first.status_code == 200 and body["known_bad"] is True and body["confidence"] > 0
    assert set(body) == {"value", "valid", "type", "known_bad", "category", "confidence"}
    codes = [
        client.get("/api/v1/public/check", params={"value": "13500000001"}).status_code for _ in range(6)
    ]
    assert codes[:4] == [200] * 4 and codes[-1] == 429


def test_allowlisted_values_never_flagged(client: TestClient, members: dict[str, Member]) -> None:
    a, admin = members["a"], members["a_admin"]
    post(
        client, a, "冒充客服：请拨打95588或访问 www.icbc.com.cn，再加 QQ 12345678 和 13300000001", tlp="CLEAR"
    )
    res = client.post(
        "/api/v1/lookup", json={"values": ["icbc.com.cn", "13300000001"]}, headers=a.headers
    ).json()
    assert res["results"][0]["known_bad"] is False and res["results"][0]["allowlisted"] is True
    assert res["results"][1]["known_bad"] is True
    assert client.get("/api/v1/public/check", params={"value": "icbc.com.cn"}).json()["known_bad"] is False
    assert (
        client.post(
            "/api/v1/allowlist", json={"type": "phone", "value": "13300000001"}, headers=admin.headers
        ).status_code
        == 201
    )
    mine = client.post("/api/v1/lookup", json={"values": ["13300000001"]}, headers=a.headers).json()[
        "results"
    ][0]
    assert mine["known_bad"] is False and mine["allowlisted"] is True
    detail = client.get("/api/v1/indicators/phone/13300000001", headers=a.headers).json()
    assert detail["known_bad"] is False and detail["confidence"] == 0


def test_personal_data_hashed_masked_and_police_unmasks(
    client: TestClient, members: dict[str, Member], db: Database
) -> None:
    card = "6222021234567890128"  # Luhn-valid
    idno = "11010519491231002X"  # valid check digit
    text = f"收款卡号 {card}，身份证 {idno}，受害人电话 13812341234，骗子QQ 87654321"
    out = post(client, members["a"], text, victim_phones=["13812341234"])
    assert card not in out["text"] and idno not in out["text"] and "13812341234" not in out["text"]
    assert len(out["text"]) == len(text)
    personal = {i["type"]: i for i in out["indicators"] if i["personal"]}
    assert personal["bank_card"]["value"].startswith("622202") and "*" in personal["bank_card"]["value"]
    assert personal["phone"]["role"] == "victim"
    with db.read() as s:
        stored = [(r.text, r.sealed_text) for r in s.scalars(select(Report))]
        values = [(i.value, i.display) for i in s.scalars(select(IndicatorRow))]
    blob = repr(stored) + repr(values)
    for secret in (card, idno, "13812341234", "+8613812341234"):
        assert secret not in blob
    police = client.get(f"/api/v1/reports/{out['id']}", headers=members["police"].headers).json()
    assert police["text"] == text
    assert (
        client.get(f"/api/v1/indicators/bank_card/{card}", headers=members["b"].headers).json()["sightings"]
        == 1
    )
    victim = client.post(
        "/api/v1/lookup", json={"values": ["13812341234"]}, headers=members["b"].headers
    ).json()
    assert victim["results"][0]["known_bad"] is False


def test_healthz_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert "/api/v1/reports/bulk" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200
