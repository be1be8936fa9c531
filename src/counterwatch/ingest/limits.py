"""Named limits for readers: the bounds come from data/limits.yml, the accepted kinds are here."""

from counterwatch.limits import LIMITS

MAX_FILE_BYTES: int = LIMITS.file_bytes
MAX_URL_BYTES: int = LIMITS.url_bytes
MAX_TEXT_CHARS: int = LIMITS.text_chars
URL_READ_TIMEOUT_S: float = LIMITS.fetch_read_timeout_s
URL_TOTAL_S: float = LIMITS.fetch_total_s
BINARY_SNIFF_BYTES = 8192
TEXT_EXTENSIONS = {".txt", ".text", ".md", ".markdown"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
PDF_EXTENSIONS = {".pdf"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain", "text/markdown"}
PDF_TYPES = {"application/pdf"}
