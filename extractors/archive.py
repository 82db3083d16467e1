"""The raw archive: immutable, content-addressed copies of every document, each with a JSON sidecar.

    <archive>/<sha256[:2]>/<sha256>.<ext>        the bytes exactly as received
    <archive>/<sha256[:2]>/<sha256>.json         origin, times, size, type, unit, year, title, …

A document is written to a temporary file in the same folder and renamed into place, so a crash never
leaves a half-written document under its final name; an existing document is never rewritten. Its
sidecar is serialised before the document is written, and a document whose sidecar cannot be written
is removed again: the archive never holds bytes without a sidecar by its own doing.

Reading the archive is forgiving and loud: a sidecar that is truncated or not a sidecar, and a
document whose sidecar was deleted, are rebuilt from the document's bytes (what the bytes cannot tell,
the origin, unit and year given when it was added, is lost and said so); a key this version does not
know is ignored. Each such repair is an `ArchiveProblem` naming the file, for the run's summary.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from extractors.decode import sniff_kind

log = logging.getLogger(__name__)

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
    # True when `origin` is a local path whose bytes were not UTF-8: it is stored percent-escaped (bytes
    # not UTF-8 and "%" itself as %XX), which urllib.parse.unquote_to_bytes turns back into the exact path
    origin_escaped: bool = False


_REQUIRED = {f.name for f in dataclasses.fields(Sidecar) if f.default is dataclasses.MISSING
             and f.default_factory is dataclasses.MISSING}
_KNOWN = {f.name for f in dataclasses.fields(Sidecar)}
_DOC_NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})\.(?P<ext>[a-z]+)$")
# a document without a sidecar younger than this may be one `put` is still writing: left alone
ORPHAN_GRACE_S = 300


@dataclass(frozen=True)
class ArchiveProblem:
    path: str
    message: str


def escape_origin(origin: str) -> tuple[str, bool]:
    """An origin that JSON and UTF-8 can hold, losslessly: a path whose bytes are not UTF-8 (Python gives
    them as lone surrogates) is percent-escaped.

    >>> escape_origin("/inbox/公报.pdf")
    ('/inbox/公报.pdf', False)
    >>> escape_origin("/inbox/" + b"\\xb9\\xab50%.pdf".decode("utf-8", "surrogateescape"))
    ('/inbox/%B9%AB50%25.pdf', True)
    """
    try:
        origin.encode("utf-8")
        return origin, False
    except UnicodeEncodeError:
        raw = origin.encode("utf-8", "surrogateescape")
        return quote(raw, safe="/:._-~ ()[]"), True


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
        self.problems: list[ArchiveProblem] = []  # what reading the archive found and repaired (see __iter__)

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
        """The document's sidecar; None when it has none or its sidecar cannot be read (see `__iter__`)."""
        p = self._folder(sha) / f"{sha}.json"
        if not p.exists():
            return None
        side, _ = _read_sidecar(p)
        return side

    def put(self, data: bytes, *, origin: str, origin_kind: str, content_type: str | None = None,
            headers: dict[str, str] | None = None, meta: dict | None = None) -> tuple[Sidecar, bool]:
        """Store bytes; returns (sidecar, added). A known document is not rewritten: a new origin is
        only added to its sidecar's other_origins."""
        sha = hashlib.sha256(data).hexdigest()
        folder = self._folder(sha)
        origin, escaped = escape_origin(origin)
        existing = self.sidecar(sha)
        if existing is not None:
            doc = self.document_path(existing)
            if not _intact(doc, sha):
                # the archived copy is missing or damaged and these are its true bytes: a repair
                log.warning("%s was missing or corrupt: written again from %s", doc, origin)
                _atomic_write(doc, data)
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
            origin_escaped=escaped,
            **(meta or {}),
        )
        sidecar_bytes = _dump(side)  # serialised first: a sidecar that cannot be written stops before any write
        doc = folder / f"{sha}.{side.ext}"
        existed = doc.exists()
        _atomic_write(doc, data)  # the document first, then its sidecar
        try:
            _atomic_write(folder / f"{sha}.json", sidecar_bytes)
        except BaseException:
            if not existed:
                doc.unlink(missing_ok=True)  # never leave bytes without their sidecar
            raise
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
        """Every document's sidecar, in name order. Unreadable sidecars and documents without one are
        rebuilt from the bytes where the bytes are sound; every repair or refusal is added to `problems`."""
        if not self.root.exists():
            return
        index = _SidecarIndex(self.root)
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and len(p.name) == 2):
            names = {p.name: p for p in folder.iterdir() if not p.name.startswith(".")}
            documents = {n.split(".", 1)[0] for n in names if not n.endswith(".json")}
            for name in sorted(names):
                m = _DOC_NAME.match(name)
                if m is None or m.group("ext") == "json":
                    if name.endswith(".json") and _DOC_NAME.match(name) and name[:-5] not in documents:
                        self._problem(names[name], "a sidecar without its document: the document is missing")
                    continue
                sha = m.group("sha")
                side_path = folder / f"{sha}.json"
                side = None
                if f"{sha}.json" in names:
                    side, why = index.read(side_path)
                    if side is not None and why:
                        self._problem(side_path, why)
                    if side is None:
                        side = self._recover(names[name], side_path, f"the sidecar is unreadable ({why})")
                else:
                    side = self._recover(names[name], side_path, "the document has no sidecar")
                if side is not None and side.ext == m.group("ext"):
                    yield side
        index.save()

    def _problem(self, path: Path, message: str) -> None:
        problem = ArchiveProblem(str(path), message)
        if problem not in self.problems:
            self.problems.append(problem)
            log.warning("%s: %s", path, message)

    def _recover(self, doc: Path, side_path: Path, why: str) -> Sidecar | None:
        """A sidecar rebuilt from the document's bytes (kept aside: the broken sidecar, as NAME.broken)."""
        age = time.time() - doc.stat().st_mtime
        if age < ORPHAN_GRACE_S and not side_path.exists():
            return None  # perhaps `put` is writing its sidecar right now: the next run will see
        data = doc.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if sha != doc.name.split(".")[0]:
            self._problem(doc, f"{why}, and the document's bytes do not match its name (sha256 {sha[:12]}…): "
                               "corrupt, left out; restore it from a backup or fetch/ingest it again")
            return None
        kind = sniff_kind(data, doc.name)
        side = Sidecar(sha256=sha, ext=doc.suffix.lstrip("."), size=len(data), content_type=kind,
                       origin=f"recovered from the archive ({doc.name})", origin_kind="file",
                       retrieved_at=datetime.fromtimestamp(doc.stat().st_mtime, UTC).isoformat(timespec="seconds"))
        try:
            if side_path.exists():
                os.replace(side_path, side_path.with_name(side_path.name + ".broken"))
            _atomic_write(side_path, _dump(side))
            done = "rebuilt from the document's bytes"
        except OSError as exc:
            done = f"read from the document's bytes for this run (the new sidecar could not be written: {exc})"
        self._problem(side_path, f"{why}: {done}; the origin, unit and year it was added with are lost "
                                 "(the extractor identifies unit and year again)")
        return side


def _intact(path: Path, sha: str) -> bool:
    """The archived bytes exist and still hash to their name (else `put` writes them again: a repair)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha
    except OSError:
        return False


class _SidecarIndex:
    """What the sidecars said when last read, keyed by each file's name, size, modification time and inode:
    iterating an archive of 20,000 documents parsed 20,000 JSON files (8.7 s of a 2,000-unit zone rerun);
    with the index it reads one file and stats the rest. A sidecar that changed in any of those is read again,
    as is any sidecar the index does not hold; only sound sidecars are kept, so every repair and refusal of
    `Archive.__iter__` happens as before. Stored as JSON (never a pickle: the archive may come from elsewhere)
    in `<archive>/.sidecar-index` (no .json suffix: globs for sidecars do not meet it); an unreadable or
    foreign index is ignored and one that cannot be written (a read-only archive) is not written."""

    NAME = ".sidecar-index"
    VERSION = 1

    def __init__(self, root: Path):
        self.path = root / self.NAME
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if raw.get("version") == self.VERSION and raw.get("fields") == sorted(_KNOWN):
                self.old = raw["sidecars"]
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            pass

    def read(self, path: Path) -> tuple[Sidecar | None, str]:
        try:
            st = path.stat()
        except OSError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        key = [st.st_size, st.st_mtime_ns, st.st_ino]
        hit = self.old.get(path.name)
        if isinstance(hit, list) and len(hit) == 3 and hit[0] == key:
            try:
                side = Sidecar(**hit[1])
            except TypeError:
                side = None
            if side is not None:
                self.new[path.name] = hit
                return side, hit[2]
        side, why = _read_sidecar(path)
        if side is not None:
            self.new[path.name] = [key, asdict(side), why]
        return side, why

    def save(self) -> None:
        if self.new.keys() == self.old.keys() and all(self.new[k] == self.old[k] for k in self.new):
            return
        data = json.dumps({"version": self.VERSION, "fields": sorted(_KNOWN), "sidecars": self.new},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            _atomic_write(self.path, data)
        except OSError as exc:
            log.debug("sidecar index not written (%s): the next run reads every sidecar again", exc)


def _read_sidecar(path: Path) -> tuple[Sidecar | None, str]:
    """(sidecar, "") or (sidecar, what was ignored) or (None, why it cannot be read)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    if not isinstance(raw, dict):
        return None, "not a JSON object"
    missing = sorted(_REQUIRED - set(raw))
    if missing:
        return None, f"missing key(s) {', '.join(missing)}"
    unknown = sorted(set(raw) - _KNOWN)
    try:
        side = Sidecar(**{k: v for k, v in raw.items() if k in _KNOWN})
    except TypeError as exc:
        return None, str(exc)
    if not isinstance(side.sha256, str) or path.name != f"{side.sha256}.json" or not isinstance(side.ext, str):
        return None, f"its sha256 {side.sha256!r} is not its file name"
    return side, (f"unknown key(s) {', '.join(unknown)} ignored (a newer version's sidecar?)" if unknown else "")


def _dump(side: Sidecar) -> bytes:
    return json.dumps(asdict(side), ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
