"""Named limits for readers: every tunable in one place."""

MAX_FILE_BYTES = 50 * 1024 * 1024  # a report larger than this is not an article
MAX_URL_BYTES = 10 * 1024 * 1024
URL_TIMEOUT_S = 15.0
BINARY_SNIFF_BYTES = 8192
TEXT_EXTENSIONS = {".txt", ".text", ".md", ".markdown"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
PDF_EXTENSIONS = {".pdf"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain", "text/markdown"}
PDF_TYPES = {"application/pdf"}
