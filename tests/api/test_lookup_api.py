"""POST /api/v1/lookup: the lean hot path keeps the LookupRequest/LookupResponse contract."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from conftest import Member
from lianfang.api.schemas import LookupItem, LookupResponse
from lianfang.store.db import Database

URL = "/api/v1/lookup"


def _post_report(client: TestClient, who: Member, text: str, tlp: str = "GREEN") -> None:
    r = client.post("/api/v1/reports", json={"text": text, "source": "test", "tlp": tlp}, headers=who.headers)
    assert r.status_code in (200, 201), r.text


@pytest.mark.parametrize(
    ("body", "field", "kind"),
    [
        (b"{nope", "body", "json_invalid"),
        (b"", "body", "missing"),
        (b'["13800138000"]', "body", "model_attributes_type"),
        (b"{}", "values", "missing"),
        (b'{"values": "13800138000"}', "values", "list_type"),
        (b'{"values": null}', "values", "list_type"),
        (b'{"values": []}', "values", "too_short"),
        (b'{"values": ["13800138000", 5]}', "values.1", "string_type"),
        (b'{"values": ["13800138000"], "type": 5}', "type", "string_type"),
    ],
)
def test_malformed_bodies_answer_422_naming_the_field(
    client: TestClient, members: dict[str, Member], body: bytes, field: str, kind: str
) -> None:
    headers = members["a"].headers | {"Content-Type": "application/json"}
    r = client.post(URL, content=body, headers=headers)
    assert r.status_code == 422, r.text
    answer = r.json()
    assert answer["error"] == "ValidationError"
    assert answer["errors"][0]["field"] == field and answer["errors"][0]["type"] == kind
    assert answer["detail"].startswith(f"{field}: ")


def test_encoding_media_type_type_name_and_count_errors(
    client: TestClient, members: dict[str, Member]
) -> None:
    h = members["a"].headers
    bad = client.post(URL, content=b'{"values": ["\xff"]}', headers=h | {"Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.json()["error"] == "BadEncoding"
    plain = client.post(URL, content=b'{"values": ["1"]}', headers=h | {"Content-Type": "text/plain"})
    assert plain.status_code == 422 and plain.json()["errors"][0]["field"] == "body"
    assert "application/json" in plain.json()["errors"][0]["message"]
    unknown = client.post(URL, json={"values": ["1"], "type": "nonsense"}, headers=h)
    assert unknown.status_code == 422 and "nonsense" in unknown.json()["detail"]
    many = client.post(URL, json={"values": ["1"] * 10_001}, headers=h)
    assert many.status_code == 422 and "10000" in many.json()["detail"]
    # Extra keys are ignored and "+json" media types are JSON, as FastAPI's body parsing did.
    extra = client.post(
        URL, content=b'{"values": ["1"], "x": 1}', headers=h | {"Content-Type": "application/vnd.x+json"}
    )
    assert extra.status_code == 200 and extra.json()["results"][0]["valid"] is False


def test_auth_is_required(client: TestClient) -> None:
    r = client.post(URL, json={"values": ["13800138000"]})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = client.post(URL, json={"values": ["13800138000"]}, headers={"Authorization": "Bearer lf_no_such"})
    assert r.status_code == 401


def test_other_methods_answer_405(client: TestClient, members: dict[str, Member]) -> None:
    r = client.get(URL, headers=members["a"].headers)
    assert r.status_code == 405 and r.headers["allow"] == "POST"


def test_body_limit_applies_declared_and_while_streaming(
    client: TestClient, members: dict[str, Member]
) -> None:
    # settings.max_body_bytes is 200,000 in the test settings.
    big = b'{"values": ["' + b"1" * 300_000 + b'"]}'
    h = members["a"].headers | {"Content-Type": "application/json"}
    declared = client.post(URL, content=big, headers=h)
    assert declared.status_code == 413 and declared.json()["error"] == "BodyTooLarge"

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 65_536):
            yield big[start : start + 65_536]

    streamed = client.post(URL, content=chunks(), headers=h)  # chunked: no Content-Length to check
    assert streamed.status_code == 413 and streamed.json()["error"] == "BodyTooLarge"


def test_answers_have_the_lookup_response_shape(client: TestClient, members: dict[str, Member]) -> None:
    a = members["a"]
    _post_report(client, a, "刷单返利，加QQ 12345678 或拨打 13300000001 联系客服")
    r = client.post(
        URL, json={"values": ["12345678", "87654321", "not a value", "133 0000 0001"]}, headers=a.headers
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    items = r.json()["results"]
    fields = list(LookupItem.model_fields)
    assert all(list(item) == fields for item in items)  # every field, in the model's order
    assert LookupResponse.model_validate(r.json()).model_dump() == r.json()
    hit, miss, invalid, spaced = items
    assert hit["known_bad"] and hit["sightings"] == 1 and hit["orgs"] == 1 and hit["confidence"] > 0
    assert hit["category"] and hit["type"] == "qq" and hit["value"] == "12345678"
    assert miss == {**LookupItem(input="87654321", valid=True, type="qq", value="87654321").model_dump()}
    assert invalid == LookupItem(input="not a value", valid=False).model_dump()
    assert spaced["known_bad"] and spaced["value"] == "+8613300000001" and spaced["input"] == "133 0000 0001"
    typed = client.post(URL, json={"values": ["12345678"], "type": "phone"}, headers=a.headers).json()
    assert typed["results"][0]["valid"] is False  # 12345678 is not a valid phone number


def test_the_dashboard_and_the_api_agree(
    app: FastAPI, client: TestClient, members: dict[str, Member]
) -> None:
    import asyncio

    from lianfang.api.routers.indicators import lookup
    from lianfang.api.schemas import LookupRequest
    from lianfang.store.accounts import Principal, Role

    a = members["a"]
    _post_report(client, a, "赌博网站 lucky-bet.top 充值加V: win_888888", tlp="AMBER")
    values = ["lucky-bet.top", "win_888888", "nothing.example"]
    over_http = client.post(URL, json={"values": values}, headers=a.headers).json()
    who = Principal(user_id=0, org_id=a.org_id, org_name=a.org, role=Role.ANALYST, key_id="x")
    direct, _ = asyncio.run(lookup(LookupRequest(values=values), who, app.state.platform))
    assert direct.model_dump() == over_http
    assert [i["known_bad"] for i in over_http["results"]] == [True, True, False]
    other = client.post(URL, json={"values": values}, headers=members["b"].headers).json()
    assert [i["known_bad"] for i in other["results"]] == [False, False, False]  # AMBER, not shared with b


def test_warm_lookup_runs_no_sql(app: FastAPI, client: TestClient, members: dict[str, Member]) -> None:
    a = members["a"]
    first = client.post(URL, json={"values": ["12345678"]}, headers=a.headers)  # verifies the key once
    assert first.status_code == 200
    db: Database = app.state.platform.db
    app.state.platform.index.max_staleness_s = 3600.0  # no freshness refresh inside the window below
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engines = {db.engine, db.write_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(3):
            assert client.post(URL, json={"values": ["12345678"]}, headers=a.headers).status_code == 200
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
    assert statements == []  # cached principal, in-memory index: nothing reaches the database


def test_openapi_describes_the_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"][URL]["post"]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["values"] and body["properties"]["values"]["minItems"] == 1
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LookupResponse"
    }
    assert "LookupItem" in spec["components"]["schemas"]
    assert {"413", "422"} <= set(op["responses"])
