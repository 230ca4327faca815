"""SSRF guard of web/fetch.py against a real local server and hostile resolvers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from urllib.parse import unquote

import pytest
from local_site import LocalSite, Reply, serve

from lianfang.config import Settings
from lianfang.errors import FetchBlocked
from lianfang.web.fetch import Fetcher, FetchFailed, decode_body

GBK_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    "<title>澳门新葡京娱乐城</title></head><body>欢迎光临，首存送彩金 䶮</body></html>"
)

SNIFF_TEXT = "网上赌场真人百家乐，注册即送彩金，澳门葡京官方网站。"


class FixedResolver:
    """Answers every name with the same addresses and counts the questions."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.calls: list[str] = []

    def resolve(self, host: str, port: int) -> Sequence[str]:
        self.calls.append(host)
        return self.answers


class RebindingResolver:
    """First answer one address, every later answer another (DNS rebinding)."""

    def __init__(self, first: str, later: str) -> None:
        self.first, self.later = first, later
        self.calls = 0

    def resolve(self, host: str, port: int) -> Sequence[str]:
        self.calls += 1
        return [self.first] if self.calls == 1 else [self.later]


class MapResolver:
    """Resolves names from a dict; unknown names fail like NXDOMAIN."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table

    def resolve(self, host: str, port: int) -> Sequence[str]:
        if host not in self.table:
            raise OSError(f"NXDOMAIN {host}")
        return self.table[host]


def _redirect(path: str) -> Reply:
    target = unquote(path.split("to=", 1)[1]) if "to=" in path else "/"
    return Reply(status=302, headers={"Location": target}, body=b"")


def _loop(path: str) -> Reply:
    n = int(path.rsplit("n=", 1)[1]) if "n=" in path else 0
    if n >= 5:
        return Reply(body=b"<html>end of chain</html>")
    return Reply(status=302, headers={"Location": f"/loop?n={n + 1}"})


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    routes = {
        "/": Reply(body="<html><body>你好 ok</body></html>".encode()),
        "/gbk": Reply(headers={"Content-Type": "text/html"}, body=GBK_PAGE.encode("gb18030")),
        "/gbk-header": Reply(
            headers={"Content-Type": "text/html; charset=GBK"}, body=GBK_PAGE.replace(" 䶮", "").encode("gbk")
        ),
        "/sniff": Reply(
            headers={"Content-Type": "text/html"},
            body=f"<html><body>{SNIFF_TEXT * 20}</body></html>".encode("gb18030"),
        ),
        "/redirect": _redirect,
        "/loop": _loop,
        "/big": Reply(chunks=tuple(b"x" * 65536 for _ in range(100))),  # 6.25 MB, no Content-Length
        "/big-declared": Reply(
            headers={"Content-Type": "text/html", "Content-Length": "99999999"}, chunks=(b"x",)
        ),
        "/binary": Reply(headers={"Content-Type": "application/octet-stream"}, body=b"\x00\x01"),
        "/png": Reply(headers={"Content-Type": "image/png"}, body=b"\x89PNG\r\n\x1a\n"),
    }
    with serve(routes) as running:
        yield running


def local(**kwargs: object) -> Fetcher:
    """A fetcher that may reach exactly 127.0.0.1 and nothing else private."""
    return Fetcher(allow_networks=("127.0.0.1/32",), connect_timeout_s=2, read_timeout_s=5, **kwargs)  # type: ignore[arg-type]


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://10.255.255.254/",
        "http://172.16.0.1/",
        "http://172.31.255.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://100.127.255.254/",
        "http://0.0.0.0/",
        "http://2130706433/",  # decimal 127.0.0.1
        "http://0177.0.0.1/",  # octal
        "http://0x7f.0.0.1/",  # hex
        "http://0x7f.1/",  # hex short form
        "http://127.1/",  # short form
        "http://0xa9fea9fe/",  # 169.254.169.254 as one hex number
        "http://017700000001/",  # octal as one number
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[::ffff:a9fe:a9fe]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[2002:7f00:1::]/",  # 6to4 embedding 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 embedding 169.254.169.254
        "http://[fd00:ec2::254]/",  # AWS IPv6 metadata
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[ff02::1]/",
        "http://[::]/",
        "http://224.0.0.1/",
        "http://%31%32%37.0.0.1/",  # percent-encoded host
        "http://127.0.0.1./",
    ],
)
def test_forbidden_literal_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchBlocked, match="refused|invalid"):
        Fetcher().check(url)


@pytest.mark.parametrize(
    "answer",
    ["127.0.0.1", "::1", "169.254.169.254", "10.1.2.3", "172.20.0.5", "192.168.0.10", "100.64.3.4",
     "0.0.0.0", "::ffff:127.0.0.1", "fd00:ec2::254", "fe80::1%eth0"],
)
def test_names_resolving_to_forbidden_addresses_are_refused(answer: str) -> None:
    with pytest.raises(FetchBlocked, match="refused"):
        Fetcher(resolver=FixedResolver(answer)).check("http://innocent.example.com/")


def test_one_bad_answer_among_good_ones_refuses() -> None:
    resolver = FixedResolver("93.184.216.34", "10.0.0.7")
    with pytest.raises(FetchBlocked, match="10.0.0.7 is a private"):
        Fetcher(resolver=resolver).check("https://shop.example.com/")


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.com/x", "gopher://127.0.0.1:25/_HELO", "javascript:alert(1)",
     "data:text/html,hi", "dict://example.com:11211/", "//example.com/", "example.com"],
)
def test_bad_schemes_are_refused(url: str) -> None:
    with pytest.raises(FetchBlocked, match="scheme|malformed"):
        Fetcher().fetch(url)


@pytest.mark.parametrize(
    "url", ["http://1.2.3.256/", "http://1.2.3.4.5/", "http://08.0.0.1/", "http://exa mple.com/", "http://a..b/"]
)
def test_malformed_hosts_are_refused(url: str) -> None:
    with pytest.raises(FetchBlocked):
        Fetcher(resolver=FixedResolver("93.184.216.34")).check(url)


def test_unresolvable_name_is_a_clear_error() -> None:
    with pytest.raises(FetchBlocked, match="cannot resolve host 'nowhere.example'"):
        Fetcher(resolver=MapResolver({})).check("http://nowhere.example/")


def test_local_server_refused_without_the_allow_setting(site: LocalSite) -> None:
    before = len(site.seen)
    with pytest.raises(FetchBlocked, match="loopback"):
        Fetcher().fetch(site.url("/"))
    assert len(site.seen) == before  # the guard refused before connecting


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://127.0.0.2/", "http://[::1]/",
     "http://2130706433/", "file:///etc/passwd", "http://internal.test/"],
)
def test_redirect_to_a_private_address_is_refused(site: LocalSite, target: str) -> None:
    fetcher = Fetcher(
        resolver=MapResolver({"internal.test": ["192.168.5.5"]}), allow_networks=("127.0.0.1/32",)
    )
    with pytest.raises(FetchBlocked, match="refused|scheme"):
        fetcher.fetch(site.url(f"/redirect?to={target}"))


def test_metadata_refused_even_when_private_fetch_is_allowed(site: LocalSite) -> None:
    with pytest.raises(FetchBlocked, match="metadata"):
        Fetcher(allow_private=True).fetch(site.url("/redirect?to=http://169.254.169.254/"))


def test_too_many_redirects(site: LocalSite) -> None:
    with pytest.raises(FetchBlocked, match=r"too many redirects \(more than 5\)"):
        local().fetch(site.url("/loop?n=-1"))  # six hops
    assert local().fetch(site.url("/loop?n=0")).redirects[-1] == site.url("/loop?n=5")  # five hops
    assert local().fetch(site.url("/loop?n=0"), max_redirects=0).status == 302


def test_relative_redirects_are_followed(site: LocalSite) -> None:
    result = local().fetch(site.url("/redirect?to=/redirect%3Fto=/"))
    assert result.status == 200 and result.final_url == site.url("/")
    assert result.redirects == (site.url("/redirect?to=/"), site.url("/"))


def test_oversize_body_is_aborted(site: LocalSite) -> None:
    with pytest.raises(FetchBlocked, match="larger than the 5242880-byte cap"):
        local().fetch(site.url("/big"))
    with pytest.raises(FetchBlocked, match="declares 99999999 bytes"):
        local().fetch(site.url("/big-declared"))
    assert len(local(max_bytes=7_000_000).fetch(site.url("/big")).body) == 6_553_600


def test_content_type_allow_list(site: LocalSite) -> None:
    with pytest.raises(FetchBlocked, match="content type 'application/octet-stream'"):
        local().fetch(site.url("/binary"))
    with pytest.raises(FetchBlocked, match="content type 'image/png'"):
        local().fetch(site.url("/png"))
    image = local().fetch(site.url("/png"), accept=("image/*",))
    assert image.body.startswith(b"\x89PNG") and image.text is None


def test_dns_rebinding_is_pinned_to_the_first_checked_answer(site: LocalSite) -> None:
    # First answer 127.0.0.1 (allowed here), any later answer 127.0.0.2 where nothing listens:
    # success proves the connection used the checked answer and DNS was asked once.
    resolver = RebindingResolver("127.0.0.1", "127.0.0.2")
    result = local(resolver=resolver).fetch(f"http://rebind.test:{site.port}/")
    assert result.status == 200 and result.ip == "127.0.0.1"
    assert resolver.calls == 1
    assert site.seen[-1] == ("/", f"rebind.test:{site.port}")  # Host header carries the name


def test_dns_rebinding_public_then_private_never_reaches_private(site: LocalSite) -> None:
    resolver = RebindingResolver("93.184.216.34", "127.0.0.1")
    before = len(site.seen)
    fetcher = Fetcher(resolver=resolver, connect_timeout_s=0.5, total_timeout_s=2)
    with pytest.raises(FetchBlocked):  # FetchFailed: the public address is unreachable here
        fetcher.fetch(f"http://rebind.test:{site.port}/")
    assert resolver.calls == 1
    assert len(site.seen) == before


def test_redirect_is_re_resolved_and_re_checked(site: LocalSite) -> None:
    resolver = MapResolver({"a.test": ["127.0.0.1"], "b.test": ["10.9.9.9"]})
    fetcher = Fetcher(resolver=resolver, allow_networks=("127.0.0.1/32",))
    with pytest.raises(FetchBlocked, match=r"'b.test' -> 10.9.9.9 is a private"):
        fetcher.fetch(f"http://a.test:{site.port}/redirect?to=http://b.test/")


def test_connection_refused_is_fetch_failed() -> None:
    with pytest.raises(FetchFailed, match="cannot fetch"):
        Fetcher(allow_private=True).fetch("http://127.0.0.1:1/")


# --- positive: allow setting, charsets ---------------------------------------------------------


def test_gbk_page_with_meta_gb2312_decodes(site: LocalSite) -> None:
    result = local().fetch(site.url("/gbk"))
    assert result.charset == "gb18030"
    assert result.text is not None and "澳门新葡京娱乐城" in result.text and "䶮" in result.text


def test_gbk_header_charset_decodes(site: LocalSite) -> None:
    result = Fetcher.from_settings(Settings(allow_private_fetch=True)).fetch(site.url("/gbk-header"))
    assert result.charset == "gb18030" and result.text is not None and "首存送彩金" in result.text


def test_settings_allow_private_fetch(site: LocalSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANFANG_ALLOW_PRIVATE_FETCH", "1")
    assert "你好" in (Fetcher.from_settings().fetch(site.url("/")).text or "")
    monkeypatch.setenv("LIANFANG_ALLOW_PRIVATE_FETCH", "0")
    with pytest.raises(FetchBlocked):
        Fetcher.from_settings().fetch(site.url("/"))


def test_undeclared_gbk_is_sniffed(site: LocalSite) -> None:
    result = local().fetch(site.url("/sniff"))
    assert result.charset == "gb18030"
    assert result.text is not None and "真人百家乐" in result.text


def test_decode_body_never_raises_on_junk() -> None:
    text, charset = decode_body(b"\xff\xfe\x00junk\x80\x81", "text/html; charset=no-such-codec")
    assert isinstance(text, str) and charset
