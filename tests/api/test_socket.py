"""The app over a real socket: uvicorn in a subprocess on an ephemeral 127.0.0.1 port."""

from __future__ import annotations

import httpx
import orjson

from conftest import Member, Server


def test_bulk_and_lookup_over_real_socket(server: Server, members: dict[str, Member]) -> None:
    a, b = members["a"], members["b"]
    body = b"\n".join(
        orjson.dumps({"text": f"刷单返利 日结 联系 1390000{i:04d}", "tlp": "GREEN"}) for i in range(50)
    )
    r = httpx.post(
        f"{server.url}/api/v1/reports/bulk",
        content=body,
        timeout=60,
        headers=a.headers | {"Content-Type": "application/x-ndjson"},
    )
    assert r.status_code == 200 and r.json()["created"] == 50
    looked = httpx.post(
        f"{server.url}/api/v1/lookup",
        json={"values": ["13900000007", "13999999999"]},
        headers=b.headers,
        timeout=30,
    ).json()["results"]
    assert looked[0]["known_bad"] is True and looked[1]["known_bad"] is False
    assert httpx.get(f"{server.url}/api/v1/reports", headers={"X-API-Key": "lf_x_y"}).status_code == 401
