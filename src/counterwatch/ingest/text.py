"""Decode bytes as UTF-8 text, refusing binary files with a reason."""

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.limits import BINARY_SNIFF_BYTES


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) only: offsets into the stored text must mean one thing."""
    if not data.strip():
        raise InputError(name, "empty input (no text)")
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise InputError(name, "binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"not UTF-8 text (invalid byte at offset {exc.start}); re-save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
