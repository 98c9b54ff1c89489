"""The keygen, trust and bundle commands through `kiosk.cli.main`: exit codes and stderr.

Ends with the built-in lessons packed, verified and installed end to end, listed by
`kiosk bundle list --json` and loadable by kiosk.content from the installed folders.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.bundles.install import installed_lesson_dirs
from kiosk.cli import main
from kiosk.content.catalog import load_curriculum
from tests.bundles.bundlekit import LESSONS, REPO, BundleKit, snapshot

Capture = pytest.CaptureFixture[str]


def _run(capsys: Capture, *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _fails(capsys: Capture, message: str, *argv: object) -> None:
    code, _out, err = _run(capsys, *argv)
    assert (code, err) == (1, f"kiosk: {message}\n")


@pytest.mark.parametrize("argv", [
    ["keygen"], ["trust"], ["trust", "add"], ["bundle"], ["bundle", "install"],
    ["bundle", "pack", "lessons"], ["bundle", "list", "--bogus"], ["bundle", "remove"],
])
def test_wrong_usage_exits_2(capsys: Capture, argv: list[str]) -> None:
    code, _out, err = _run(capsys, *argv)
    assert code == 2 and "usage:" in err


def test_keygen_trust_pack_verify_install_list_remove(tmp_path: Path, capsys: Capture) -> None:
    data, keys = tmp_path / "data", tmp_path / "keys"
    code, out, err = _run(capsys, "keygen", "--out", keys / "so", "--name", "Sở TT&TT",
                          "--data", data)
    assert code == 0 and err == "" and (keys / "so.key").is_file()
    _fails(capsys, f"{keys / 'so'}.key already exists; choose another name",
           "keygen", "--out", keys / "so")
    bundle = tmp_path / "qr.kbundle"
    code, out, _err = _run(capsys, "bundle", "pack", LESSONS / "qr-payment", "-o", bundle,
                           "--key", keys / "so.key", "--version", "3", "--data", data)
    assert code == 0 and out.startswith(f"{bundle}: qr-payment version 3, 1 lesson(s)")
    key_id = json.loads((keys / "so.pub").read_text())["key_id"]
    _fails(capsys, f"the bundle is signed by a key this kiosk does not trust (key {key_id}); "
           "add the publisher's key first", "bundle", "verify", bundle, "--data", data)
    assert _run(capsys, "trust", "add", keys / "so.pub", "--data", data)[0] == 0
    code, out, _err = _run(capsys, "trust", "list", "--json", "--data", data)
    assert {"key_id": key_id, "name": "Sở TT&TT", "role": "publisher", "source": "added",
            "revoked": False} in json.loads(out)
    code, out, _err = _run(capsys, "bundle", "verify", bundle, "--data", data)
    assert code == 0 and out.startswith(f"ok: {bundle}: qr-payment version 3")
    code, out, err = _run(capsys, "bundle", "install", bundle, "--data", data)
    assert (code, err) == (0, "") and out == "installed qr-payment version 3: qr-payment\n"
    before = snapshot(data)
    _fails(capsys, "version 3 of the bundle `qr-payment` is already installed",
           "bundle", "install", bundle, "--data", data)
    assert snapshot(data) == before
    code, out, _err = _run(capsys, "bundle", "list", "--json", "--data", data)
    [row] = json.loads(out)
    assert {k: row[k] for k in ("id", "version", "lessons", "publisher")} == {
        "id": "qr-payment", "version": 3, "lessons": ["qr-payment"], "publisher": "Sở TT&TT"}
    assert _run(capsys, "bundle", "remove", "qr-payment", "--data", data)[0] == 0
    _fails(capsys, "no installed bundle has the id `qr-payment`",
           "bundle", "remove", "qr-payment", "--data", data)
    assert json.loads(_run(capsys, "bundle", "list", "--json", "--data", data)[1]) == []


def test_pack_refuses_invalid_lessons(tmp_path: Path, capsys: Capture, kit: BundleKit,
                                      key_dir: Path) -> None:
    lesson = kit.lesson()
    yaml = lesson / "lesson.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("topic: payment", "topic: nope"),
                    encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    code, _out, err = _run(capsys, "bundle", "pack", lesson, "-o", out, "--key",
                           key_dir / "publisher.key")
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("kiosk: the lesson in qr-payment is not valid (1 problem(s), first: ")
    assert list(out.iterdir()) == []
    _fails(capsys, f"no lesson in {tmp_path}: give a lesson folder (with lesson.yaml) or a "
           "folder of lesson folders", "bundle", "pack", tmp_path, "-o", out, "--key",
           key_dir / "publisher.key")


def test_tampered_bundle_and_missing_file(tmp_path: Path, capsys: Capture, kit: BundleKit,
                                          data: Path) -> None:
    crafted = kit.open(kit.pack(2))
    crafted.get("qr-payment/images/pin.svg").data = b"<svg/>"
    bad = crafted.write(kit.out("bad.kbundle"))
    _fails(capsys, "the file `qr-payment/images/pin.svg` does not have the size the manifest "
           "says", "bundle", "install", bad, "--data", data)
    _fails(capsys, "cannot open the bundle file nowhere.kbundle: No such file or directory",
           "bundle", "verify", tmp_path / "nowhere.kbundle", "--data", data)
    assert json.loads(_run(capsys, "bundle", "list", "--json", "--data", data)[1]) == []


def test_builtin_lessons_end_to_end(tmp_path: Path, capsys: Capture) -> None:
    data, keys, out = tmp_path / "data", tmp_path / "keys", tmp_path / "bundles"
    out.mkdir()
    assert _run(capsys, "keygen", "--out", keys / "build")[0] == 0
    assert _run(capsys, "trust", "add", keys / "build.pub", "--data", data)[0] == 0
    lessons = sorted(p.name for p in LESSONS.iterdir() if (p / "lesson.yaml").is_file())
    for lesson in lessons:
        code, _out, err = _run(capsys, "bundle", "pack", LESSONS / lesson, "-o", out,
                               "--key", keys / "build.key", "--version", "1")
        assert (code, err) == (0, "")
    files = sorted(out.glob("*.kbundle"))
    assert [f.name for f in files] == [f"{lesson}-1.kbundle" for lesson in lessons]
    assert _run(capsys, "bundle", "verify", *files, "--data", data)[0] == 0
    code, _out, err = _run(capsys, "bundle", "install", *files, "--data", data)
    assert (code, err) == (0, "")
    rows = json.loads(_run(capsys, "bundle", "list", "--json", "--data", data)[1])
    assert [(r["id"], r["version"], r["lessons"]) for r in rows] == [
        (lesson, 1, [lesson]) for lesson in lessons]
    curriculum = load_curriculum(installed_lesson_dirs(data))
    assert sorted(curriculum.ids) == lessons and not curriculum.problems


def test_bundles_package_never_imports_qt() -> None:
    code = ("import sys; import kiosk.bundles, kiosk.bundles.usb, kiosk.cli; "
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
