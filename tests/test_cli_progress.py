"""`kiosk progress [--json]` through `kiosk.cli.main`, on a real data folder."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kiosk import config
from kiosk.cli import main
from kiosk.store import open_store


def _fill(data: Path) -> tuple[str, str]:
    with open_store(config.database_path(data)) as store:
        guest = store.guest().id
        lan = store.create_learner("Lan", birth_decade=1950).id
        for index in range(3):
            store.complete_step(guest, "pay-qr", 1, f"s{index}", index, 3)
        store.complete_step(lan, "spot-fraud-call", 2, "s0", 0, 4)
    return guest, lan


@pytest.mark.parametrize(
    "argv",
    [["progress", "--json", "--data", "{data}"], ["progress", "--data", "{data}", "--json"]],
)
def test_progress_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    data = tmp_path / "kiosk-data"
    guest, lan = _fill(data)
    assert main([arg.format(data=data) for arg in argv]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "learners": [
            {
                "id": guest,
                "name": None,
                "is_guest": True,
                "language": "vi",
                "lessons": [
                    {
                        "id": "pay-qr",
                        "completed": True,
                        "steps_done": 3,
                        "steps_total": 3,
                        "current_step": 2,
                        "completed_at": report["learners"][0]["lessons"][0]["completed_at"],
                    },
                ],
            },
            {
                "id": lan,
                "name": "Lan",
                "is_guest": False,
                "language": "vi",
                "lessons": [
                    {
                        "id": "spot-fraud-call",
                        "completed": False,
                        "steps_done": 1,
                        "steps_total": 4,
                        "current_step": 1,
                        "completed_at": None,
                    },
                ],
            },
        ]
    }
    assert report["learners"][0]["lessons"][0]["completed_at"]


def test_progress_text(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fill(data_dir)  # data_dir is also $KIOSK_DATA, so no --data is needed
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "Lan" in out
    assert "pay-qr: 3/3 steps, done" in out
    assert "spot-fraud-call: 1/4 steps, in progress" in out


def test_progress_on_a_new_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["progress", "--json", "--data", str(tmp_path / "fresh")]) == 0
    assert json.loads(capsys.readouterr().out) == {"learners": []}


def test_progress_on_a_damaged_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config.database_path(tmp_path).write_bytes(b"not a database at all" * 100)
    assert main(["progress", "--json", "--data", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "damaged" in lines[0] and "Traceback" not in captured.err


def test_progress_on_a_database_from_a_newer_kiosk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_store(config.database_path(tmp_path)).close()
    conn = sqlite3.connect(config.database_path(tmp_path))
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    assert main(["progress", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    # One line in the technician's language (Vietnamese by default) naming both versions.
    assert len(err.strip().splitlines()) == 1 and "999" in err and "Traceback" not in err
