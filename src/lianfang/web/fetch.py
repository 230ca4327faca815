"""The only way Lianfang fetches a URL: an SSRF-safe HTTP client on top of httpx.

Guarantees (see docs/web.md):

* only ``http`` and ``https``; the host is parsed the way browsers parse it, so numeric
  shorthands (``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1``) are read as the IPv4
  address they mean and checked as such;
* the name is resolved once through an injectable :class:`Resolver`; every answer is checked
  against loopback, private, link-local, CGNAT, multicast, reserved, unspecified and cloud
  metadata ranges (IPv4 and IPv6, IPv4 embedded in IPv6 as mapped, 6to4, Teredo, NAT64);
* the connection goes to the checked address (URL rewritten to the IP, ``Host`` header and TLS
  SNI set to the name, certificate still verified against the name), so a second DNS answer
  can never be used (no DNS rebinding);
* redirects are followed by hand, each hop re-checked, at most ``max_redirects``;
* the body is streamed and aborted beyond ``max_bytes``; connect/read time-outs plus a total
  deadline; content-type allow-list; charset detection (BOM, header, ``<meta>``,
  charset-normalizer) with GB2312/GBK decoded as GB18030.

Every refusal raises :class:`lianfang.errors.FetchBlocked`; network failures raise its
subclass :class:`FetchFailed`.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

import charset_normalizer
import httpx

from lianfang.errors import FetchBlocked

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
USER_AGENT = "Mozilla/5.0 (compatible; Lianfang/0.1; +https://github.com/lianfang)"

#: Content types a page fetch accepts unless the caller says otherwise.
PAGE_TYPES: tuple[str, ...] = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/javascript",
    "application/javascript",
)
#: Images, for QR-code decoding.
IMAGE_TYPES: tuple[str, ...] = ("image/*",)

_ALLOWED_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
# Cloud metadata endpoints are refused even when private fetching is allowed for tests.
_METADATA = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("169.254.170.2"),
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
        ipaddress.ip_address("fd00:ec2::254"),
    }
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
# Hostname labels as DNS allows them after IDNA encoding (httpx does the IDNA step).
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_GB_FAMILY = frozenset({"gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "csgb2312", "gb_2312-80"})
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.IGNORECASE)


class FetchFailed(FetchBlocked):
    """Raised when the network fails (refused, time-out, TLS error), not the SSRF policy."""


class Resolver(Protocol):
    """Resolves a host name to IP address strings; the test seam for hostile DNS answers."""

    def resolve(self, host: str, port: int) -> Sequence[str]:
        """Return every address `host` resolves to; raise OSError when it does not resolve."""
        ...


class SystemResolver:
    """The operating system's resolver (socket.getaddrinfo)."""

    def resolve(self, host: str, port: int) -> Sequence[str]:
        """Return the unique addresses getaddrinfo gives for `host`, in answer order."""
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        seen: dict[str, None] = {}
        for info in infos:
            seen.setdefault(str(info[4][0]), None)
        return list(seen)


@dataclass(frozen=True, slots=True)
class Target:
    """A URL that passed the policy: the logical URL plus the checked address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    ip: str


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched resource; `text` is set for textual content types, else None."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    text: str | None
    redirects: tuple[str, ...]
    ip: str
    headers: tuple[tuple[str, str], ...] = field(default=())

    def header(self, name: str) -> str | None:
        """Return the first response header called `name` (case-insensitive), or None."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)


def parse_ipv4_whatwg(host: str) -> ipaddress.IPv4Address | None:
    """Read `host` as browsers do (WHATWG URL IPv4 parser); None when it is not an IPv4 form.

    Accepts 1-4 dot-separated parts in decimal, octal (leading 0) or hex (0x); the last part
    fills the remaining bytes, so ``127.1`` is 127.0.0.1 and ``2130706433`` is 127.0.0.1.
    Raises FetchBlocked for a host that ends in a number but is not a valid address.
    """
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    hex_digits = "0123456789abcdefABCDEF"
    is_hex = last.lower().startswith("0x") and all(c in hex_digits for c in last[2:])
    ends_in_number = last != "" and (last.isdigit() or is_hex)
    if not ends_in_number:
        return None
    if len(parts) > 4:
        raise FetchBlocked(f"invalid IPv4 host {host!r}: more than four parts")
    numbers: list[int] = []
    for part in parts:
        numbers.append(_ipv4_number(part, host))
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise FetchBlocked(f"invalid IPv4 host {host!r}: part out of range")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number * 256 ** (3 - index)
    return ipaddress.IPv4Address(value)


def _ipv4_number(part: str, host: str) -> int:
    try:
        if part.lower().startswith("0x"):
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        if part.isdigit():
            return int(part, 10)
    except ValueError:
        pass
    raise FetchBlocked(f"invalid IPv4 host {host!r}: bad part {part!r}")


def forbidden_reason(
    ip: IPAddress,
    *,
    allow_private: bool = False,
    allow_networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network] = (),
) -> str | None:
    """Say why connecting to `ip` is refused, or None when it is allowed.

    Public unicast addresses are allowed. With `allow_private` (tests serving on 127.0.0.1)
    loopback/private/link-local addresses are allowed too, and so is any address inside
    `allow_networks`; never multicast, unspecified or a cloud metadata address. Addresses
    embedded in IPv6 (IPv4-mapped, IPv4-compatible, 6to4, Teredo, NAT64) are checked as the
    IPv4 address they carry.
    """
    if ip in _METADATA:
        return f"{ip} is a cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = forbidden_reason(embedded, allow_private=allow_private, allow_networks=allow_networks)
            return f"{ip} embeds {embedded}: {inner}" if inner else None
    if ip.is_multicast:
        return f"{ip} is a multicast address"
    if ip.is_unspecified:
        return f"{ip} is the unspecified address"
    if allow_private or any(ip in net for net in allow_networks):
        return None
    checks = (
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "carrier-grade NAT (100.64.0.0/10)"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "site-local"),
        (not ip.is_global, "not globally routable"),
    )
    for hit, name in checks:
        if hit:
            return f"{ip} is a {name} address"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        # Teredo carries (server, client); the client address is the one traffic reaches.
        return ip.teredo[1]
    packed = int(ip)
    if any(ip in net for net in _NAT64) or (packed >> 32 == 0 and packed > 0xFFFF):
        # NAT64 well-known/local prefixes and deprecated IPv4-compatible ::a.b.c.d.
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return None


class Fetcher:
    """SSRF-safe fetcher; one instance may serve many fetches (it holds no connection)."""

    def __init__(
        self,
        *,
        resolver: Resolver | None = None,
        allow_private: bool = False,
        allow_networks: Iterable[str] = (),
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 10.0,
        total_timeout_s: float = 30.0,
        user_agent: str = USER_AGENT,
        verify_tls: bool = True,
    ) -> None:
        """Configure the policy.

        `allow_private` allows every non-public unicast address, `allow_networks` (CIDR
        strings) only those listed; both are for tests and lab set-ups on 127.0.0.1.
        Raises ValueError for a malformed CIDR.
        """
        self.resolver: Resolver = resolver if resolver is not None else SystemResolver()
        self.allow_private = allow_private
        self.allow_networks = tuple(ipaddress.ip_network(net, strict=False) for net in allow_networks)
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.timeout = httpx.Timeout(read_timeout_s, connect=connect_timeout_s)
        self.total_timeout_s = total_timeout_s
        self.user_agent = user_agent
        self.verify_tls = verify_tls
        # Building an SSL context loads the CA bundle (~40 ms); do it once per Fetcher.
        self._tls: ssl.SSLContext | bool = httpx.create_ssl_context() if verify_tls else False

    @classmethod
    def from_settings(cls, settings: object | None = None, **overrides: object) -> Fetcher:
        """Build a Fetcher honouring Settings.allow_private_fetch; `overrides` win."""
        if settings is None:
            from lianfang.config import Settings

            settings = Settings()
        kwargs: dict[str, object] = {"allow_private": bool(getattr(settings, "allow_private_fetch", False))}
        kwargs.update(overrides)
        return cls(**kwargs)  # type: ignore[arg-type]

    def check(self, url: str) -> Target:
        """Parse and vet `url`, resolve its host once and return the address to connect to.

        Raises FetchBlocked for a bad scheme, malformed host/port, a name that does not
        resolve, or any resolved address the policy refuses (all answers must pass).
        """
        try:
            parsed = httpx.URL(_canonical_numeric_host(url.strip()))
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise FetchBlocked(f"malformed URL {url!r}: {exc}") from exc
        scheme = parsed.scheme.lower()
        if scheme not in _ALLOWED_SCHEMES:
            raise FetchBlocked(f"scheme {scheme or '(none)'!r} is not allowed (only http and https): {url!r}")
        host = _canonical_host(parsed)
        port = parsed.port if parsed.port is not None else _DEFAULT_PORTS[scheme]
        if not 0 < port < 65536:
            raise FetchBlocked(f"port {port} out of range in {url!r}")
        literal = _ip_literal(host)
        if literal is not None:
            addresses: list[IPAddress] = [literal]
        else:
            try:
                answers = list(self.resolver.resolve(host, port))
            except (OSError, UnicodeError) as exc:
                raise FetchBlocked(f"cannot resolve host {host!r}: {exc}") from exc
            if not answers:
                raise FetchBlocked(f"host {host!r} resolved to no address")
            addresses = []
            for answer in answers:
                try:
                    addresses.append(ipaddress.ip_address(answer.split("%", 1)[0]))
                except ValueError as exc:
                    raise FetchBlocked(f"resolver gave a non-address {answer!r} for {host!r}") from exc
        for address in addresses:
            reason = forbidden_reason(
                address, allow_private=self.allow_private, allow_networks=self.allow_networks
            )
            if reason is not None:
                raise FetchBlocked(f"refused {url!r}: host {host!r} -> {reason}")
        clean = parsed.copy_with(username=None, password=None, fragment=None)
        return Target(url=str(clean), scheme=scheme, host=host, port=port, ip=str(addresses[0]))

    def fetch(
        self,
        url: str,
        *,
        accept: Iterable[str] | None = PAGE_TYPES,
        max_redirects: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> FetchResult:
        """GET `url` under the policy and return the final response (any status code).

        `accept` lists allowed content types ("image/*" wildcards work; None accepts any);
        a response without a Content-Type is accepted. Redirects are followed by hand up to
        `max_redirects` (default: the instance's), each hop re-checked; with 0 the 3xx
        response itself is returned. Raises FetchBlocked on any refusal, FetchFailed on
        network errors or time-outs.
        """
        limit = self.max_redirects if max_redirects is None else max_redirects
        deadline = time.monotonic() + self.total_timeout_s
        accepted = tuple(accept) if accept is not None else None
        redirects: list[str] = []
        current = url
        with httpx.Client(
            timeout=self.timeout, follow_redirects=False, trust_env=False, verify=self._tls
        ) as client:
            while True:
                target = self.check(current)
                result = self._fetch_one(client, target, url, accepted, deadline, headers, tuple(redirects))
                location = result.header("location")
                if result.status not in _REDIRECT_CODES or not location or limit == 0:
                    return result
                if len(redirects) >= limit:
                    raise FetchBlocked(f"too many redirects (more than {limit}) starting at {url!r}")
                try:
                    current = str(httpx.URL(target.url).join(location))
                except (httpx.InvalidURL, ValueError) as exc:
                    raise FetchBlocked(f"bad redirect Location {location!r} from {target.url!r}") from exc
                redirects.append(current)

    def _fetch_one(
        self,
        client: httpx.Client,
        target: Target,
        original: str,
        accepted: tuple[str, ...] | None,
        deadline: float,
        extra_headers: dict[str, str] | None,
        redirects: tuple[str, ...],
    ) -> FetchResult:
        logical = httpx.URL(target.url)
        # Connect to the address we checked; Host and SNI carry the name so virtual hosting
        # and certificate verification (against the name) keep working.
        pinned = logical.copy_with(host=target.ip)
        name = f"[{target.host}]" if ":" in target.host else target.host
        host_header = name if logical.port is None else f"{name}:{target.port}"
        request_headers = {"User-Agent": self.user_agent, "Accept": "*/*", "Host": host_header}
        if extra_headers:
            request_headers.update({k: v for k, v in extra_headers.items() if k.lower() != "host"})
        literal = _ip_literal(target.host) is not None
        extensions = {"sni_hostname": target.host} if target.scheme == "https" and not literal else {}
        request = client.build_request("GET", pinned, headers=request_headers, extensions=extensions)
        try:
            response = client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise FetchFailed(f"time-out fetching {target.url!r}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"cannot fetch {target.url!r}: {exc}") from exc
        try:
            content_type = response.headers.get("content-type", "")
            mime = content_type.split(";", 1)[0].strip().lower()
            is_redirect = response.status_code in _REDIRECT_CODES
            if accepted is not None and mime and not is_redirect and not _type_allowed(mime, accepted):
                allowed = ", ".join(accepted)
                raise FetchBlocked(f"content type {mime!r} of {target.url!r} is not one of {allowed}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchBlocked(
                    f"{target.url!r} declares {declared} bytes, over the {self.max_bytes}-byte cap"
                )
            body = self._read_capped(response, target.url, deadline)
        finally:
            response.close()
        text: str | None = None
        charset: str | None = None
        if _is_textual(mime):
            text, charset = decode_body(body, content_type)
        return FetchResult(
            url=original,
            final_url=target.url,
            status=response.status_code,
            content_type=mime,
            charset=charset,
            body=body,
            text=text,
            redirects=redirects,
            ip=target.ip,
            headers=tuple((k, v) for k, v in response.headers.multi_items()),
        )

    def _read_capped(self, response: httpx.Response, url: str, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            # iter_bytes yields decoded (decompressed) bytes, so the cap also stops gzip bombs.
            for chunk in response.iter_bytes(chunk_size=65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchBlocked(f"{url!r} is larger than the {self.max_bytes}-byte cap; aborted")
                if time.monotonic() > deadline:
                    raise FetchFailed(f"{url!r} took longer than {self.total_timeout_s} s in total; aborted")
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise FetchFailed(f"time-out reading {url!r}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"error reading {url!r}: {exc}") from exc
        return b"".join(chunks)


def _canonical_numeric_host(url: str) -> str:
    """Rewrite a numeric IPv4 shorthand host (octal, hex, short) to dotted-quad form.

    httpx rejects some shorthands outright; browsers accept them, so a page link written
    that way must be read as the address it means and then checked like any other.
    """
    try:
        split = urlsplit(url)
        host = split.hostname
        port = split.port
    except ValueError as exc:
        raise FetchBlocked(f"malformed URL {url!r}: {exc}") from exc
    if not host or host.startswith("[") or ":" in host:
        return url
    ipv4 = parse_ipv4_whatwg(unquote(host).rstrip("."))
    if ipv4 is None or str(ipv4) == host:
        return url
    netloc = str(ipv4) if port is None else f"{ipv4}:{port}"
    return urlunsplit(split._replace(netloc=netloc))


def _canonical_host(parsed: httpx.URL) -> str:
    raw = parsed.raw_host.decode("ascii", "replace")
    host = unquote(raw).lower().rstrip(".") if raw else ""
    if not host:
        raise FetchBlocked(f"URL {str(parsed)!r} has no host")
    if ":" in host:  # IPv6 literal; httpx has validated it
        return host
    ipv4 = parse_ipv4_whatwg(host)
    if ipv4 is not None:
        return str(ipv4)
    labels = host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise FetchBlocked(f"invalid host name {host!r}")
    return host


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _type_allowed(mime: str, accepted: tuple[str, ...]) -> bool:
    for pattern in accepted:
        if pattern.endswith("/*") and mime.startswith(pattern[:-1]):
            return True
        if mime == pattern:
            return True
    return False


def _is_textual(mime: str) -> bool:
    return (
        not mime
        or mime.startswith("text/")
        or mime in {"application/xhtml+xml", "application/javascript", "application/json", "application/xml"}
    )


def normalise_charset(label: str | None) -> str | None:
    """Map a charset label to a Python codec name; GB2312/GBK become gb18030; None if unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "gb18030" if codec in {"gbk", "gb2312"} else codec


def decode_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode an HTML/text body to str and return (text, charset used).

    Order: byte-order mark, the Content-Type charset, a ``<meta charset>`` in the first
    4 KB, then charset-normalizer, then UTF-8. Undecodable bytes become U+FFFD, never errors.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, "replace"), codec
    header_charset = None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            header_charset = normalise_charset(value)
    meta = _META_CHARSET.search(body[:4096])
    meta_charset = normalise_charset(meta.group(1).decode("ascii", "replace")) if meta else None
    candidates = [header_charset, meta_charset]
    for charset in candidates:
        if charset and not charset.startswith("utf-16"):
            return body.decode(charset, "replace"), charset
    if not body:
        return "", "utf-8"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:262144]).best()
    guessed = normalise_charset(best.encoding) if best is not None else None
    charset = guessed or "utf-8"
    return body.decode(charset, "replace"), charset
