"""HTML pages: main text and metadata through trafilatura; reader comments are left out."""

import trafilatura

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.source import Source


def read_html(data: bytes | str, uri: str) -> Source:
    doc = trafilatura.bare_extraction(data, url=uri if "://" in uri else None, with_metadata=True,
                                      include_comments=False, include_tables=True)
    if doc is None or not (doc.text or "").strip():
        raise InputError(uri, "no article text found in the HTML page")
    text = doc.text
    if doc.title and not text.startswith(doc.title):
        text = f"{doc.title}\n\n{text}"
    return Source(uri=uri, text=text, media_type="text/html", title=doc.title, published=doc.date,
                  publisher=doc.sitename or doc.hostname, author=doc.author)
