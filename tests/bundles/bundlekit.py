"""Helpers for the bundle tests: lesson copies, bundles taken apart and rebuilt, snapshots.

`BundleKit` copies a built-in lesson into a temporary folder (renumbered, optionally with
extra files), packs it with a real publisher key, and opens bundles as `Crafted` objects whose
entries, manifest and signature a test changes one at a time before writing a new zip.
`snapshot` records a data folder's files (but logs and backups) and bundle table, so a
refusal can prove that nothing changed. `start_paused_install` and `kill_install_at` run
`kiosk bundle install` in a real process stopped at a named point, as a power cut would find it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import warnings
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kiosk.bundles.install import TEST_PAUSE_ENV, list_bundles
from kiosk.bundles.keys import SecretKeyInfo, TrustStore
from kiosk.bundles.pack import pack_bundle

REPO = Path(__file__).resolve().parents[2]
LESSONS = REPO / "lessons"
REGULAR = (stat.S_IFREG | 0o644) << 16
# Folders the kiosk writes while it runs, whatever a bundle does: the command log and the
# daily database copies (kiosk.ops). They are not lessons, so a refusal may add to them.
OPERATIONS = ("logs", "backups")


def start_paused_install(bundle: Path, data: Path, point: str,
                         **popen: Any) -> subprocess.Popen:
    """`kiosk bundle install BUNDLE` in a new process that waits at `point` (TEST_PAUSE_ENV),
    after printing `kiosk-test: paused POINT` on stderr."""
    env = dict(os.environ, **{TEST_PAUSE_ENV: point, "KIOSK_DATA": str(data)})
    return subprocess.Popen([sys.executable, "-m", "kiosk", "bundle", "install", str(bundle)],
                            cwd=REPO, env=env, **popen)


def kill_install_at(bundle: Path, data: Path, point: str, leftover: str) -> None:
    """Install `bundle` in a process killed (SIGKILL) where it pauses at `point`, after checking
    that it had made `leftover` (a path in the data folder) by then."""
    process = start_paused_install(bundle, data, point, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stderr:
            if "kiosk-test: paused" in line:
                break
        assert (data / leftover).exists()
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        process.kill()
        process.wait()
        process.stderr.close()


def trust_of(data_dir: Path) -> TrustStore:
    return TrustStore.load(None, data_dir / "trusted-keys")


def snapshot(data_dir: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Every file and folder of the data folder (but the SQLite files) and the bundle rows."""
    files: dict[str, str] = {}
    for path in sorted(data_dir.rglob("*")):
        name = path.relative_to(data_dir).as_posix()
        if path.name.startswith("kiosk.sqlite3") or path.name == "bundles.lock":
            continue
        if name.split("/", 1)[0] in OPERATIONS:
            continue
        files[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "/"
    rows = [asdict(bundle) for bundle in list_bundles(data_dir)] \
        if (data_dir / "kiosk.sqlite3").exists() else []
    return files, rows


@dataclass
class Entry:
    name: str
    data: bytes
    compress: int = zipfile.ZIP_DEFLATED
    external_attr: int = REGULAR
    create_system: int = 3


@dataclass
class Crafted:
    """A bundle taken apart: change entries, manifest or signature, then `write` a new zip."""

    entries: list[Entry] = field(default_factory=list)

    def get(self, name: str) -> Entry:
        return next(entry for entry in self.entries if entry.name == name)

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads(self.get("manifest.json").data)

    def set_manifest(self, manifest: dict[str, Any] | bytes, key: SecretKeyInfo | None) -> None:
        """Replace manifest.json; re-sign it with `key` (None keeps the old signature)."""
        raw = manifest if isinstance(manifest, bytes) else \
            json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        self.get("manifest.json").data = raw
        if key is not None:
            self.get("manifest.sig").data = key.sign(raw)

    def add(self, name: str, data: bytes, key: SecretKeyInfo | None = None, **kw: Any) -> None:
        """Add an entry; with `key`, also list it in the manifest and re-sign."""
        self.entries.append(Entry(name, data, **kw))
        if key is not None:
            manifest = self.manifest
            manifest["files"].append({"path": name, "size": len(data),
                                      "sha256": hashlib.sha256(data).hexdigest()})
            self.set_manifest(manifest, key)

    def write(self, path: Path) -> Path:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate names are the point of some tests
            with zipfile.ZipFile(path, "w") as archive:
                for entry in self.entries:
                    info = zipfile.ZipInfo(entry.name, (2020, 1, 1, 0, 0, 0))
                    info.compress_type = entry.compress
                    info.create_system = entry.create_system
                    info.external_attr = entry.external_attr
                    archive.writestr(info, entry.data)
        return path


@dataclass
class BundleKit:
    root: Path
    key: SecretKeyInfo
    count: int = 0

    def lesson(self, lesson_id: str = "qr-payment", version: int = 1, source: str = "qr-payment",
               extra: dict[str, bytes] | None = None) -> Path:
        """A copy of a built-in lesson, renamed and renumbered, with `extra` files added."""
        self.count += 1
        folder = self.root / f"src{self.count}" / lesson_id
        shutil.copytree(LESSONS / source, folder)
        yaml = folder / "lesson.yaml"
        text = yaml.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^id: .*$", f"id: {lesson_id}", text, count=1)
        text = re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1)
        yaml.write_text(text, encoding="utf-8")
        for name, content in (extra or {}).items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
        return folder

    def pack(self, version: int = 2, lesson_id: str = "qr-payment",
             key: SecretKeyInfo | None = None, extra: dict[str, bytes] | None = None,
             source: Path | None = None, bundle_id: str | None = None) -> Path:
        folder = source or self.lesson(lesson_id, version, extra=extra)
        out = self.root / "out" / f"{self.count}"
        out.mkdir(parents=True, exist_ok=True)
        return pack_bundle(folder, out, key or self.key, version=version,
                           bundle_id=bundle_id).path

    def open(self, bundle: Path) -> Crafted:
        crafted = Crafted()
        with zipfile.ZipFile(bundle) as archive:
            for info in archive.infolist():
                crafted.entries.append(Entry(info.filename, archive.read(info),
                                             info.compress_type, info.external_attr,
                                             info.create_system))
        return crafted

    def out(self, name: str) -> Path:
        (self.root / "crafted").mkdir(exist_ok=True)
        return self.root / "crafted" / name


