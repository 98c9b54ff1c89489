"""Fixtures for UI tests: a real main window on a real store in tmp_path, driven like a learner.

`kiosk_window(lessons=..., language=..., voice=...)` builds the whole stack the app builds
(fonts, theme, language table, curriculum, SQLite store, session, main window at 1366×768)
and shows the home screen. `spoken_window(...)` does the same and then attaches real speech
as `kiosk run` does (kiosk.ui.app.start_speech), on one espeak-ng worker shared by the
session, with the speech log in tmp_path (`speech_log`). `press` sends a key to whatever has
the focus, as a keyboard would; `heard` waits until the speech log holds a text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk import config
from kiosk.content.catalog import load_curriculum
from kiosk.content.languages import load_languages
from kiosk.speech import speechlog
from kiosk.speech.cache import WavCache
from kiosk.speech.engine import RATE_MAX, TtsEngine
from kiosk.store import open_store
from kiosk.ui import theme
from kiosk.ui.app import load_fonts, start_speech
from kiosk.ui.session import Session
from kiosk.ui.window import MainWindow, apply_language_font

FIXTURE_LESSONS = Path(__file__).parent / "fixtures" / "lessons"
WIDTH, HEIGHT = 1366, 768
THREAD_END_S = 15  # how long a test's own kiosk threads may take to finish after it
SESSION_THREADS: set[threading.Thread] = set()  # the shared TTS engine's, alive on purpose


@pytest.fixture(autouse=True)
def no_usb_sticks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The technician screen looks for sticks only in tmp_path, never at this machine's mounts
    (a test that wants a stick sets KIOSK_USB_ROOTS again)."""
    monkeypatch.setenv("KIOSK_USB_ROOTS", str(tmp_path / "no-usb-stick"))


@pytest.fixture(autouse=True)
def nothing_left_behind(qapp: QApplication) -> Iterator[None]:
    """After each test: every kiosk window is gone, nested event loops still run, and the
    kiosk's own threads (named kiosk-...) that the test started have ended.

    A window that outlives its test keeps its timers, probes and event filters going; and one
    `QApplication.exit()` called while no `app.exec()` runs makes every later nested event loop
    of the process (qtbot.wait, waitUntil, waitSignal) return at once, so later tests would
    never see a window get the focus or speech go on. The test that left either fails here,
    and the next one starts clean.
    """
    before = set(threading.enumerate())
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    problems = []
    if not event_loops_run():
        problems.append("QApplication.exit() was called while no app.exec() was running")
        QTimer.singleShot(0, qapp, lambda: qapp.exit(0))
        qapp.exec()  # the only way back: exec() clears Qt's "quit now" flag
    windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]
    for window in windows:
        window.close()
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if windows:
        problems.append(f"{len(windows)} kiosk window(s) outlived the test")
    started = [t for t in threading.enumerate() if t.name.startswith("kiosk-")
               and t not in before and t not in SESSION_THREADS]
    for thread in started:
        thread.join(THREAD_END_S)
    if running := [t.name for t in started if t.is_alive()]:
        problems.append(f"threads still running after the test: {running}")
    assert not problems, "; ".join(problems)


def event_loops_run() -> bool:
    loop = QEventLoop()
    QTimer.singleShot(0, loop, lambda: loop.exit(0))
    return loop.exec() == 0


@pytest.fixture(scope="session")
def ui_app(qapp: QApplication) -> QApplication:
    load_fonts(config.assets_dir() / "fonts")
    return qapp


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def kiosk_window(ui_app: QApplication, qtbot, data_dir: Path) -> Iterator[WindowFactory]:
    opened: list[tuple[MainWindow, object]] = []

    def build(
        lessons: list[Path] | None = None,
        language: str | None = None,
        size: tuple[int, int] = (WIDTH, HEIGHT),
        data: Path | None = None,
        voice: bool = False,
    ) -> MainWindow:
        store = open_store(config.database_path(data or data_dir))
        languages = load_languages()
        curriculum = load_curriculum(lessons or [FIXTURE_LESSONS], languages)
        assert not curriculum.problems, curriculum.problems
        session = Session(store, curriculum, languages, language,
                          lesson_dirs=lessons or [FIXTURE_LESSONS])
        apply_language_font(ui_app, tuple(session.language.fonts))
        ui_app.setStyleSheet(theme.stylesheet(1.0))
        window = MainWindow(session, voice=voice)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        window.start()
        window.activateWindow()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        opened.append((window, store))
        return window

    yield build
    for window, store in opened:
        close(window, store)


def close(window: MainWindow, store) -> None:
    """Close a window and its store, as quitting the kiosk does."""
    if window.isVisible():
        window.close()
    QApplication.instance().removeEventFilter(window)
    store.close()


@pytest.fixture
def press(qtbot) -> Callable[..., None]:
    """Press a key on whatever has the keyboard focus, as a keyboard would."""

    def send(key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        target: QWidget | None = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        qtbot.keyClick(target, key, modifier)

    return send


@pytest.fixture(scope="session")
def tts_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TtsEngine]:
    """One real espeak-ng worker for every UI test that speaks (starting one costs 0.3 s)."""
    before = set(threading.enumerate())
    engine = TtsEngine(WavCache(tmp_path_factory.mktemp("ui-tts-cache")))
    SESSION_THREADS.update(set(threading.enumerate()) - before)
    status = engine.wait_ready(60)
    assert status.state == "ready", status.error
    yield engine
    engine.close()


@pytest.fixture
def speech_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "speech.jsonl"
    monkeypatch.setenv(speechlog.ENV, str(path))
    return path


def said(log: Path) -> list[str]:
    return [entry["text"] for entry in speechlog.read_entries(log)]


@pytest.fixture
def heard(qtbot, speech_log: Path) -> Callable[..., list[dict]]:
    """Wait until the speech log holds `text` (`times` times); return the entries with it."""

    def wait(text: str, times: int = 1, timeout: int = 15_000) -> list[dict]:
        try:
            qtbot.waitUntil(lambda: said(speech_log).count(text) >= times, timeout=timeout)
        except Exception:
            raise AssertionError(f"never heard {text!r}; heard {said(speech_log)!r}") from None
        return [e for e in speechlog.read_entries(speech_log) if e["text"] == text]

    return wait


@pytest.fixture
def spoken_window(kiosk_window, tts_engine, speech_log, data_dir) -> Iterator[WindowFactory]:
    narrators = []

    def build(rate: int | None = RATE_MAX, engine: TtsEngine | None = None, **options):
        window = kiosk_window(**options)
        if rate is not None:  # fast speech keeps the tests short
            window.session.set_speech_rate(rate)
        narrator = start_speech(window, load_languages(), data_dir, engine=engine or tts_engine)
        assert narrator is not None
        narrators.append(narrator)
        return window

    yield build
    for narrator in narrators:
        narrator.close()
