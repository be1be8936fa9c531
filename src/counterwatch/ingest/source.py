"""A source: the text as read, where it came from, and what the page says about itself."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

_REFUSED = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates: PostgreSQL (and UTF-8) refuse them
REPLACEMENT = "\ufffd"


@dataclass
class Source:
    """One read document. `text` is what every offset and quote refers to."""

    uri: str
    text: str
    media_type: str = "text/plain"
    title: str | None = None
    published: str | None = None
    publisher: str | None = None
    author: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Characters no database stores become U+FFFD, one for one: both databases store the same
        text, and offsets found in it stay exact."""
        self.text = clean(self.text)
        for name in ("uri", "title", "published", "publisher", "author"):
            setattr(self, name, clean(getattr(self, name)))
        self.extra = {k: clean(v) for k, v in self.extra.items()}

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def stem(self) -> str:
        """File-name stem used for `<stem>.json`; URLs get a name from their last path part."""
        if "://" in self.uri:
            tail = self.uri.split("://", 1)[1].rstrip("/").split("?")[0]
            name = tail.rsplit("/", 1)[-1] or tail
            base = Path(name).stem or "page"
            return "".join(c if c.isalnum() or c in "-_." else "_" for c in base)[:80]
        return Path(self.uri).stem

    def metadata(self) -> dict[str, str | None]:
        return {"title": self.title, "published": self.published, "publisher": self.publisher,
                "author": self.author, "uri": self.uri, "media_type": self.media_type,
                "sha256": self.sha256, **self.extra}


def clean(value: str | None) -> str | None:
    """`value` with every character a database refuses replaced by U+FFFD (same length)."""
    return _REFUSED.sub(REPLACEMENT, value) if value and _REFUSED.search(value) else value
