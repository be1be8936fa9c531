"""http(s) URLs: bounded in time and size, and only text, HTML or PDF."""

import httpx

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.limits import HTML_TYPES, MAX_URL_BYTES, PDF_TYPES, TEXT_TYPES, URL_TIMEOUT_S

USER_AGENT = "Counterwatch/0.1 (+evidence register; research use)"


def fetch(url: str, timeout: float = URL_TIMEOUT_S, max_bytes: int = MAX_URL_BYTES) -> tuple[bytes, str, str]:
    """Return (body, media type, charset) or raise InputError naming the reason."""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5,
                          headers={"User-Agent": USER_AGENT}) as client:
            with client.stream("GET", url) as resp:
                if resp.status_code >= 400:
                    raise InputError(url, f"HTTP {resp.status_code} {resp.reason_phrase}")
                ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype not in HTML_TYPES | TEXT_TYPES | PDF_TYPES:
                    raise InputError(url, f"unsupported content type {ctype or 'unknown'!r}")
                declared = int(resp.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise InputError(url, f"too large ({declared} bytes, limit {max_bytes})")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise InputError(url, f"too large (over {max_bytes} bytes)")
                    chunks.append(chunk)
                return b"".join(chunks), ctype, resp.charset_encoding or "utf-8"
    except httpx.TimeoutException:
        raise InputError(url, f"timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise InputError(url, f"request failed ({type(exc).__name__}: {exc})"[:200]) from None
