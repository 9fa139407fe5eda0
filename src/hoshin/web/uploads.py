"""A temporary store for uploaded files between their preview and their commit.

The upload page saves the file once, under a random token, and the preview
and commit forms post only the token and the mapping. Each upload lives in
its own directory with a small JSON file naming its user and organization,
so a token is useless to anyone else. Uploads older than `MAX_AGE` are
deleted whenever a new one is saved.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import get_valid_filename

logger = logging.getLogger(__name__)

MAX_AGE = 3600  # seconds
MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"}
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    path: Path
    name: str
    size: int


def store_root() -> Path:
    """Return the store's directory: `HOSHIN_UPLOAD_DIR` when the settings give one, else one in the system temp directory."""
    root = Path(getattr(settings, "HOSHIN_UPLOAD_DIR", "") or Path(tempfile.gettempdir()) / "hoshin-uploads")
    root.mkdir(parents=True, exist_ok=True)
    return root


def purge_expired(now: float | None = None) -> None:
    now = now or time.time()
    for directory in store_root().iterdir():
        if directory.is_dir() and now - directory.stat().st_mtime > MAX_AGE:
            shutil.rmtree(directory, ignore_errors=True)
            logger.info("deleted expired upload %s", directory.name)


def save_upload(uploaded_file, *, user_id: int, organization_id: int) -> StoredUpload:
    """Save an uploaded file under a new token; the caller has checked its suffix and size."""
    purge_expired()
    token = secrets.token_urlsafe(24)
    directory = store_root() / token
    directory.mkdir(mode=0o700)
    name = get_valid_filename(Path(uploaded_file.name).name) or "upload.csv"
    path = directory / name
    with open(path, "wb") as handle:
        for chunk in uploaded_file.chunks():
            handle.write(chunk)
    meta = {"user": user_id, "organization": organization_id, "name": name}
    (directory / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return StoredUpload(token, path, name, path.stat().st_size)


def load_upload(token: str, *, user_id: int, organization_id: int) -> StoredUpload | None:
    """Return the upload saved under `token` by this user in this organization, or None when there is none."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    directory = store_root() / token
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("user") != user_id or meta.get("organization") != organization_id:
        return None
    path = directory / meta["name"]
    if not path.is_file() or time.time() - directory.stat().st_mtime > MAX_AGE:
        return None
    return StoredUpload(token, path, meta["name"], path.stat().st_size)


def delete_upload(upload: StoredUpload) -> None:
    shutil.rmtree(upload.path.parent, ignore_errors=True)
