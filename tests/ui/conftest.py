"""Fixtures for UI tests: a real main window on a real store in tmp_path, driven like a learner.

`kiosk_window(lessons=..., language=...)` builds the whole stack the app builds (fonts, theme,
language table, curriculum, SQLite store, session, main window at 1366×768) and shows the
home screen. `press` sends a key to whatever has the focus, as a keyboard would.
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
from kiosk.store import open_store
from kiosk.ui import theme
from kiosk.ui.app import load_fonts
from kiosk.ui.session import Session
from kiosk.ui.window import MainWindow, apply_language_font

FIXTURE_LESSONS = Path(__file__).parent / "fixtures" / "lessons"
WIDTH, HEIGHT = 1366, 768


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
    ) -> MainWindow:
        store = open_store(config.database_path(data or data_dir))
        languages = load_languages()
        curriculum = load_curriculum(lessons or [FIXTURE_LESSONS], languages)
        assert not curriculum.problems, curriculum.problems
        session = Session(store, curriculum, languages, language)
        apply_language_font(ui_app, tuple(session.language.fonts))
        ui_app.setStyleSheet(theme.stylesheet(1.0))
        window = MainWindow(session)
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
