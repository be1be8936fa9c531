"""PDF reports: the text layer, page by page (scanned PDFs without text are refused)."""

import io

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.source import Source

MAX_PAGES = 2000


def read_pdf(data: bytes, uri: str) -> Source:
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PAGES:
            raise InputError(uri, f"PDF has {len(reader.pages)} pages (limit {MAX_PAGES})")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        meta = reader.metadata or {}
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(uri, f"broken PDF ({type(exc).__name__}: {exc})"[:200]) from None
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise InputError(uri, "PDF has no text layer (scanned image?)")
    title = (meta.get("/Title") or "").strip() or None
    author = (meta.get("/Author") or "").strip() or None
    return Source(uri=uri, text=text, media_type="application/pdf", title=title, author=author,
                  extra={"pages": str(len(pages))})
