"""What an uploaded document is, told from its content: the name's extension must agree."""

from __future__ import annotations

import csv
import io
import re
import zipfile

# Media type by extension; the content decides which one a file is.
TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACCEPTED = "PDF, PNG, JPEG, CSV or XLSX"


def sniff(content: bytes) -> str | None:
    """The media type the content is, of those accepted, or None."""
    if content.startswith(b"%PDF-"):
        return TYPES[".pdf"]
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return TYPES[".png"]
    if content.startswith(b"\xff\xd8\xff"):
        return TYPES[".jpg"]
    if content.startswith(b"PK\x03\x04"):
        return TYPES[".xlsx"] if _is_xlsx(content) else None
    return TYPES[".csv"] if _is_csv(content) else None


def _is_xlsx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _is_csv(content: bytes) -> bool:
    """Text (UTF-8, no control characters but tabs and line breaks) that reads as CSV."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if not text.strip() or re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        return False
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return False
    return bool(rows)


def safe_name(filename: str) -> str:
    """The file's own name, without folders, quotes or control characters, at most 200 long."""
    name = re.split(r"[\\/]", filename)[-1]
    name = re.sub(r'[\x00-\x1f\x7f"<>|:*?]', "_", name).strip(" .")
    return name[-200:] or "document"


def check(filename: str, content: bytes, limit: int) -> tuple[str, str]:
    """The file's safe name and media type; ValueError saying why it is refused."""
    if not content:
        raise ValueError("the file is empty")
    if len(content) > limit:
        raise ValueError(f"the file is {len(content):,} bytes; at most {limit:,} are accepted")
    name = safe_name(filename)
    found = sniff(content)
    if found is None:
        raise ValueError(f"{name} is not a {ACCEPTED} file (judged by its content)")
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = TYPES.get(extension)
    if expected is None:
        raise ValueError(f"{name}: the name must end in .pdf, .png, .jpg, .csv or .xlsx")
    if expected != found:
        raise ValueError(f"{name}: its name says {extension}, but its content is {found}")
    return name, found
