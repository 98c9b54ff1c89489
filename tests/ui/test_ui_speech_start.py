"""`kiosk run` and speech: started after the home screen, closed on quit, not for ready checks."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.i18n import _
from kiosk.speech import speechlog
from kiosk.ui.app import RunOptions, run
from kiosk.ui.voice import VOICE_ON

FIXTURE_LESSONS = Path(__file__).parent / "fixtures" / "lessons"


def tts_workers() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "kiosk-tts"]


def test_ready_check_never_starts_speech(ui_app, data_dir, capsys):
    before = len(tts_workers())
    options = RunOptions(data_dir, [FIXTURE_LESSONS], "vi", voice=True, windowed=True,
                         exit_when_ready=True)
    assert run(options) == 0
    assert capsys.readouterr().out.startswith("ready in ")
    assert len(tts_workers()) == before
    assert not (data_dir / "tts-cache").exists()


def test_run_voice_speaks_after_start_and_closes_speech_on_quit(
    ui_app, qtbot, data_dir, tmp_path, monkeypatch
):
    log = tmp_path / "speech.jsonl"
    monkeypatch.setenv(speechlog.ENV, str(log))
    before = len(tts_workers())
    seen: dict[str, object] = {}

    def watch() -> None:
        entries = speechlog.read_entries(log)
        if entries:
            seen["entries"] = entries
            seen["workers"] = len(tts_workers())
            stop()
        elif deadline.isActive():  # run() is still going
            QTimer.singleShot(50, watch)

    def stop() -> None:
        # exit(), not quit(): quit() closes every window for good and later tests in this
        # process would never get the keyboard focus again. aboutToQuit fires either way.
        QApplication.instance().exit(0)

    QTimer.singleShot(50, watch)
    # Never hang the suite; stopped afterwards, as an exit() with no exec() running would end
    # every later nested event loop (qtbot.wait, waitSignal) of this process at once.
    deadline = QTimer(singleShot=True, interval=30_000)
    deadline.timeout.connect(stop)
    deadline.start()
    options = RunOptions(data_dir, [FIXTURE_LESSONS], "vi", voice=True, windowed=True,
                         exit_when_ready=False)
    try:
        assert run(options) == 0
    finally:
        deadline.stop()
    first = seen["entries"][0]
    assert (first["text"], first["source"], first["lang"]) == (_(VOICE_ON), "tts", "vi")
    assert Path(first["audio"]).parent == data_dir / "tts-cache"  # the kiosk's own data folder
    assert seen["workers"] == before + 1
    qtbot.waitUntil(lambda: len(tts_workers()) == before, timeout=10_000)  # closed on quit
