"""Pick a reader by extension (files), content type (URLs) or walk a folder: the one dispatch for the
CLI's paths and URLs and for what the web and the API were given (an upload, a URL, pasted text)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.fetch import fetch
from counterwatch.ingest.html import check_length, read_html
from counterwatch.ingest.limits import (HTML_EXTENSIONS, HTML_TYPES, MAX_TEXT_CHARS, MAX_FILE_BYTES, PDF_EXTENSIONS,
                                       PDF_TYPES, TEXT_EXTENSIONS)
from counterwatch.ingest.pdf import read_pdf
from counterwatch.ingest.source import Source
from counterwatch.ingest.text import decode_text
from counterwatch.limits import LIMITS

READABLE = TEXT_EXTENSIONS | HTML_EXTENSIONS | PDF_EXTENSIONS


def read(target: str) -> Source:
    """Read one file or URL into a Source, or raise InputError."""
    if target.startswith(("http://", "https://")):
        return bounded(read_url(target))
    return _read_file(Path(target))


def bounded(source: Source) -> Source:
    """Refuse a text longer than extraction may take: past LIMITS.extract_chars it is extracted in
    chunks (bounded memory), but its time still grows with the length."""
    _check_chars(len(source.text), source.uri)
    return source


def _check_chars(chars: int, uri: str) -> None:
    if chars > MAX_TEXT_CHARS:
        raise InputError(uri, f"text too long to extract ({chars:,} characters, limit {MAX_TEXT_CHARS:,})")


def refuse_early(data: bytes, name: str) -> None:
    """Refuse what a reader would refuse by its length alone before the bytes are queued or stored: a
    10 MB text sent 12 times in 6 s wrote 120 MB of jobs on PostgreSQL, and the probe's p95 rose 3.5x.
    A PDF's text is known only once it is read, so a PDF goes on to its reader."""
    suffix = Path(name).suffix.lower()
    if suffix in PDF_EXTENSIONS or len(data) <= min(MAX_TEXT_CHARS, LIMITS.html_chars):  # a character takes a byte or more
        return
    # counted, not decoded, where the bytes are ASCII: decoding 10 MB in the server holds the
    # interpreter 24 ms, and a flood of such uploads tripled the other requests' p95
    chars = len(data) if data.isascii() else len(data.decode("utf-8", errors="replace"))
    if suffix in HTML_EXTENSIONS:
        check_length(chars, name)
    else:
        _check_chars(chars, name)


def readable(name: str) -> None:
    """Refuse a file name no reader takes, before its bytes are read or queued."""
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in READABLE:
        raise InputError(name, f"unsupported file type {suffix!r} (use .txt, .md, .html or .pdf)")


def read_pasted(text: str, title: str | None) -> Source:
    """Text pasted into the web form or sent to the API, its title as its first line."""
    body = (title + "\n\n" if title else "") + text.replace("\r\n", "\n")
    return bounded(Source(uri=f"pasted:{title or 'text'}", text=body))


def read_data(data: bytes, name: str, uri: str) -> Source:
    """A file's bytes (a file on disk or an upload) by the extension of `name`."""
    suffix = Path(name).suffix.lower()
    if suffix in PDF_EXTENSIONS:
        return bounded(read_pdf(data, uri))
    if suffix in HTML_EXTENSIONS:
        return bounded(read_html(decode_text(data, name), uri))
    readable(name)
    text = decode_text(data, name)
    media = "text/markdown" if suffix in {".md", ".markdown"} else "text/plain"
    return bounded(Source(uri=uri, text=text, media_type=media))


def iter_sources(targets: Iterable[str]) -> Iterator[Source | InputError]:
    """Yield a Source or the InputError for every file, folder member and URL, in order."""
    for target in targets:
        path = Path(target)
        if not target.startswith(("http://", "https://")) and path.is_dir():
            members = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READABLE)
            if not members:
                yield InputError(target, "folder holds no .txt, .md, .html or .pdf file")
            for member in members:
                yield _try(str(member))
        else:
            yield _try(target)


def _try(target: str) -> Source | InputError:
    try:
        return read(target)
    except InputError as exc:
        return exc


def _read_file(path: Path) -> Source:
    name = str(path)
    if not path.exists():
        raise InputError(name, "no such file")
    if not path.is_file():
        raise InputError(name, "not a regular file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(name, f"too large ({size / 2**20:.0f} MiB, limit {MAX_FILE_BYTES / 2**20:.0f} MiB)")
    readable(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror})") from None
    return read_data(data, name, name)


def read_url(url: str) -> Source:
    """A URL into a Source: http(s) only, never to internal addresses (fetch checks both)."""
    data, ctype, charset = fetch(url)
    if ctype in PDF_TYPES:
        return read_pdf(data, url)
    try:
        text = data.decode(charset, errors="strict")
    except (UnicodeDecodeError, LookupError):
        text = data.decode("utf-8", errors="replace")
    if ctype in HTML_TYPES:
        return read_html(text, url)
    return Source(uri=url, text=decode_text(text.encode("utf-8"), url))
