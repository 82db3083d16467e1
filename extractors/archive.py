"""The raw archive: immutable, content-addressed copies of every document, each with a JSON sidecar.

    <archive>/<sha256[:2]>/<sha256>.<ext>        the bytes exactly as received
    <archive>/<sha256[:2]>/<sha256>.json         origin, times, size, type, unit, year, title, …

A document is written to a temporary file in the same folder and renamed into place, so a crash never
leaves a half-written document under its final name; an existing document is never rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from extractors.decode import sniff_kind

_EXT = {"pdf": "pdf", "html": "html", "text": "txt", "docx": "docx", "doc": "doc", "image": "img", "zip": "zip"}


@dataclass
class Sidecar:
    sha256: str
    ext: str
    size: int
    content_type: str
    origin: str  # URL or local path the bytes came from
    origin_kind: str  # url | file
    retrieved_at: str  # UTC ISO 8601
    unit_code: str | None = None
    data_year: int | None = None
    title: str | None = None
    kind: str | None = None
    status: str | None = None
    published: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    other_origins: list[str] = field(default_factory=list)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Archive:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _folder(self, sha: str) -> Path:
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise ValueError(f"not a sha256: {sha!r}")
        return self.root / sha[:2]

    def path_of(self, sha: str) -> Path | None:
        side = self.sidecar(sha)
        return self.document_path(side) if side else None

    def document_path(self, side: Sidecar) -> Path:
        """Where a sidecar's bytes are (without reading the sidecar again)."""
        return self._folder(side.sha256) / f"{side.sha256}.{side.ext}"

    def sidecar(self, sha: str) -> Sidecar | None:
        p = self._folder(sha) / f"{sha}.json"
        if not p.exists():
            return None
        return Sidecar(**json.loads(p.read_text(encoding="utf-8")))

    def put(self, data: bytes, *, origin: str, origin_kind: str, content_type: str | None = None,
            headers: dict[str, str] | None = None, meta: dict | None = None) -> tuple[Sidecar, bool]:
        """Store bytes; returns (sidecar, added). A known document is not rewritten: a new origin is
        only added to its sidecar's other_origins."""
        sha = hashlib.sha256(data).hexdigest()
        folder = self._folder(sha)
        existing = self.sidecar(sha)
        if existing is not None:
            if origin != existing.origin and origin not in existing.other_origins:
                existing.other_origins.append(origin)
                _atomic_write(folder / f"{sha}.json", _dump(existing))
            return existing, False
        folder.mkdir(parents=True, exist_ok=True)
        kind = sniff_kind(data, origin)
        side = Sidecar(
            sha256=sha,
            ext=_EXT.get(kind, "bin"),
            size=len(data),
            content_type=content_type or kind,
            origin=origin,
            origin_kind=origin_kind,
            retrieved_at=datetime.now(UTC).isoformat(timespec="seconds"),
            response_headers=dict(headers or {}),
            **(meta or {}),
        )
        _atomic_write(folder / f"{sha}.{side.ext}", data)  # the document first, then its sidecar
        _atomic_write(folder / f"{sha}.json", _dump(side))
        return side, True

    def fingerprint(self) -> tuple[str, int]:
        """(sha256 over every file's name, size and modification time, number of documents), from one
        directory listing: names are content hashes and documents are never rewritten, so this changes
        exactly when a document is added or removed or a sidecar is rewritten (a new origin). No file is
        opened."""
        h = hashlib.sha256()
        n = 0
        if self.root.exists():
            for folder in sorted(e.path for e in os.scandir(self.root) if e.is_dir() and len(e.name) == 2):
                for e in sorted(os.scandir(folder), key=lambda e: e.name):
                    if e.name.startswith("."):
                        continue  # a write in progress (tmp file), not a document
                    st = e.stat()
                    h.update(f"{e.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
                    n += e.name.endswith(".json")
        return h.hexdigest(), n

    def __iter__(self) -> Iterator[Sidecar]:
        if not self.root.exists():
            return
        for p in sorted(self.root.glob("??/*.json")):
            side = Sidecar(**json.loads(p.read_text(encoding="utf-8")))
            if (p.parent / f"{side.sha256}.{side.ext}").exists():
                yield side


def _dump(side: Sidecar) -> bytes:
    return json.dumps(asdict(side), ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
