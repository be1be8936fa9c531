"""HTML pages: main text and metadata through trafilatura; reader comments are left out.

libxml2 drops everything below 256 levels of nesting: a page whose tags open deeper than MAX_DEPTH has
its wrapper tags (div, span, b...) taken out, keeping their text, before trafilatura parses it.
"""

from __future__ import annotations

import re

import trafilatura

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.source import Source
from counterwatch.limits import LIMITS

MAX_DEPTH = 100  # nesting that real pages never reach; past it only wrappers are stacked
WRAPPERS = ("div", "span", "section", "article", "main", "aside", "b", "i", "u", "em", "strong", "small", "big",
            "font", "center", "a", "abbr", "cite", "code", "mark", "s", "sub", "sup", "label", "nav", "header",
            "footer", "figure", "blockquote", "q", "ins", "del")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_WRAPPER_TAG = re.compile(r"</?(?:" + "|".join(WRAPPERS) + r")\b[^>]*>", re.I)


def too_deep(markup: str) -> bool:
    """Do the page's tags open deeper than MAX_DEPTH (counting unclosed tags as open)?"""
    depth = 0
    for m in _TAG.finditer(markup):
        if m.group(2).lower() in _VOID or m.group(3):
            continue
        depth += -1 if m.group(1) else 1
        if depth > MAX_DEPTH:
            return True
    return False


def flatten(markup: str) -> str:
    """The page without wrapper tags when it nests too deep for the parser, else as it is."""
    return _WRAPPER_TAG.sub(" ", markup) if too_deep(markup) else markup


def check_length(chars: int, uri: str) -> None:
    if chars > LIMITS.html_chars:
        raise InputError(uri, f"HTML page too large ({chars:,} characters, limit {LIMITS.html_chars:,})")


def read_html(data: bytes | str, uri: str) -> Source:
    text_in = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    check_length(len(text_in), uri)
    doc = trafilatura.bare_extraction(flatten(text_in), url=uri if "://" in uri else None, with_metadata=True,
                                      include_comments=False, include_tables=True)
    if doc is None or not (doc.text or "").strip():
        raise InputError(uri, "no article text found in the HTML page")
    text = doc.text
    if doc.title and not text.startswith(doc.title):
        text = f"{doc.title}\n\n{text}"
    return Source(uri=uri, text=text, media_type="text/html", title=doc.title, published=doc.date,
                  publisher=doc.sitename or doc.hostname, author=doc.author)
