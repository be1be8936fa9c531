"""http(s) URLs: bounded in time and size, only text, HTML or PDF, and never to internal addresses.

SSRF: the host of the URL, and of every redirect, is resolved and refused when any address it
resolves to is loopback, link-local (169.254.0.0/16, where cloud metadata lives), private, reserved
or multicast — decided before any connection is made. Tests of our own server on 127.0.0.1 pass
`allow_private=True` (or set COUNTERWATCH_ALLOW_PRIVATE_URLS=1).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from urllib.parse import urljoin, urlsplit

import httpx

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.limits import HTML_TYPES, MAX_URL_BYTES, PDF_TYPES, TEXT_TYPES, URL_READ_TIMEOUT_S, URL_TOTAL_S

USER_AGENT = "Counterwatch/0.1 (+evidence register; research use)"
MAX_REDIRECTS = 5


def private_allowed() -> bool:
    return os.environ.get("COUNTERWATCH_ALLOW_PRIVATE_URLS") == "1"


def refused_address(address: str) -> str | None:
    """Why an IP address must not be fetched, or None when it is public."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for label, bad in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                       ("link-local", ip.is_link_local), ("private", ip.is_private), ("reserved", ip.is_reserved),
                       ("multicast", ip.is_multicast)):
        if bad:
            return label
    return None


def check_url(url: str, allow_private: bool = False, resolve=socket.getaddrinfo) -> None:
    """Refuse non-http(s) URLs and hosts that resolve to internal addresses (no connection made)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(url, "only http(s) URLs with a host can be fetched")
    if allow_private:
        return
    try:
        infos = resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InputError(url, f"host not found ({exc.strerror})") from None
    for info in infos:
        reason = refused_address(info[4][0])
        if reason:
            raise InputError(url, f"refused: {parts.hostname} resolves to a {reason} address ({info[4][0]})")


def fetch(url: str, timeout: float = URL_READ_TIMEOUT_S, max_bytes: int = MAX_URL_BYTES,
          allow_private: bool | None = None, total: float = URL_TOTAL_S) -> tuple[bytes, str, str]:
    """Return (body, media type, charset) or raise InputError naming the reason. `timeout` bounds each
    network read, `total` the whole fetch: a server trickling a byte a second never times out a read."""
    allow = private_allowed() if allow_private is None else allow_private
    deadline = time.monotonic() + total
    timeout = min(timeout, total)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}) as client:
            for _ in range(MAX_REDIRECTS + 1):
                check_url(url, allow)
                with client.stream("GET", url) as resp:
                    if resp.is_redirect:
                        url = urljoin(url, resp.headers.get("location", ""))
                        continue
                    return _body(url, resp, max_bytes, deadline, total)
            raise InputError(url, f"more than {MAX_REDIRECTS} redirects")
    except httpx.TimeoutException:
        raise InputError(url, f"timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise InputError(url, f"request failed ({type(exc).__name__}: {exc})"[:200]) from None


def _body(url: str, resp: httpx.Response, max_bytes: int, deadline: float, total: float) -> tuple[bytes, str, str]:
    if resp.status_code >= 400:
        raise InputError(url, f"HTTP {resp.status_code} {resp.reason_phrase}")
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in HTML_TYPES | TEXT_TYPES | PDF_TYPES:
        raise InputError(url, f"unsupported content type {ctype or 'unknown'!r}")
    declared = int(resp.headers.get("content-length") or 0)
    if declared > max_bytes:
        raise InputError(url, f"too large ({declared} bytes, limit {max_bytes})")
    chunks, size = [], 0
    for chunk in resp.iter_bytes():  # decoded: a compression bomb hits the same cap
        size += len(chunk)
        if size > max_bytes:
            raise InputError(url, f"too large (over {max_bytes} bytes)")
        if time.monotonic() > deadline:
            raise InputError(url, f"too slow (not read within {total:g} s)")
        chunks.append(chunk)
    return b"".join(chunks), ctype, resp.charset_encoding or "utf-8"
