"""Fixtures for UI tests: a real main window on a real store in tmp_path, driven like a learner.

`kiosk_window(lessons=..., language=..., voice=...)` builds the whole stack the app builds
(fonts, theme, language table, curriculum, SQLite store, session, main window at 1366×768)
and shows the home screen. `spoken_window(...)` does the same and then attaches real speech
as `kiosk run` does (kiosk.ui.app.start_speech), on one espeak-ng worker shared by the
session, with the speech log in tmp_path (`speech_log`). `press` sends a key to whatever has
the focus, as a keyboard would; `heard` waits until the speech log holds a text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
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


@pytest.fixture(autouse=True)
def no_usb_sticks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The technician screen looks for sticks only in tmp_path, never at this machine's mounts
    (a test that wants a stick sets KIOSK_USB_ROOTS again)."""
    monkeypatch.setenv("KIOSK_USB_ROOTS", str(tmp_path / "no-usb-stick"))


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
    engine = TtsEngine(WavCache(tmp_path_factory.mktemp("ui-tts-cache")))
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
