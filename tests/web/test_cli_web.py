"""`lianfang inspect` and `lianfang trace` through Typer's runner (real files, real local server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_site import LocalSite, Reply, serve
from typer.testing import CliRunner

from lianfang.cli import app

runner = CliRunner()
PAGE = (
    "<html><head><meta charset='gb2312'><title>某某中学</title></head>"
    "<body><a href='/x'>学校新闻</a></body></html>"
)


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    routes = {
        "/": Reply(body=b"<html><body><a href='/p2'>p2</a></body></html>"),
        "/p2": Reply(body=b"<html><body><iframe src='http://www.bad-casino.com/'></iframe></body></html>"),
    }
    with serve(routes) as running:
        yield running


def test_inspect_gbk_file_json(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.encode("gbk"))
    result = runner.invoke(app, ["inspect", str(page), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["charset"] == "gb18030" and data["url"] is None and data["rendered"] is None


def test_inspect_refused_url_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANFANG_LANG", "en")
    result = runner.invoke(app, ["inspect", "http://169.254.169.254/latest/meta-data/"])
    assert result.exit_code == 1
    assert "error: refused" in result.output and "metadata" in result.output


def test_inspect_missing_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANFANG_LANG", "zh")
    result = runner.invoke(app, ["inspect", "/no/such/page.html"])
    assert result.exit_code == 1 and "错误" in result.output and "no such file" in result.output


def test_trace_json_and_human(site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("# gambling\nbad-casino.com\n", encoding="utf-8")
    monkeypatch.setenv("LIANFANG_ALLOW_PRIVATE_FETCH", "true")
    monkeypatch.setenv("LIANFANG_LANG", "en")
    args = ["trace", "--site", site.url("/"), "--bad-domains", str(bad), "--max-pages", "5"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["pages_crawled"] == 2
    assert [(h["page"], h["bad_domain"], h["how"]) for h in data["hits"]] == [
        (site.url("/p2"), "bad-casino.com", "iframe")
    ]
    human = runner.invoke(app, args)
    assert human.exit_code == 0 and "2 pages crawled, 1 pointing to bad domains" in human.output


def test_trace_bad_domain_file_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("ok.com\nnot a domain\n", encoding="utf-8")
    monkeypatch.setenv("LIANFANG_LANG", "en")
    result = runner.invoke(app, ["trace", "--site", "http://example.com/", "--bad-domains", str(bad)])
    assert result.exit_code == 1 and "line 2" in result.output
