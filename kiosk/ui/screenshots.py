"""Screenshots of every screen, for reviewers and the README: `python -m kiosk.ui.screenshots OUT`.

It drives the real window on a throw-away data folder, at 1366×768 and 1920×1080, through the
home screen, the language picker, an explain step, a practice step before and after a wrong
tap, a quiz with feedback, the summary, the completion screen, the home screen in Khmer and
Tai Dam, the text at 200 %, and the technician screen (kiosk.ui.screenshots_technician), and
saves each as a PNG (QWidget.grab). Run it under Xvfb to
see real rendering, or offscreen (QT_QPA_PLATFORM=offscreen) in tests.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk import config
from kiosk.content.catalog import load_curriculum
from kiosk.content.languages import load_languages
from kiosk.content.model import StepKind
from kiosk.store import open_store
from kiosk.ui import theme
from kiosk.ui.app import load_fonts
from kiosk.ui.navigator import State
from kiosk.ui.session import Session
from kiosk.ui.window import MainWindow, apply_language_font

log = logging.getLogger(__name__)

SIZES = ((1366, 768), (1920, 1080))


def settle(app: QApplication) -> None:
    for _ in range(4):
        app.processEvents()


@contextmanager
def kiosk_window(lesson_dirs: Sequence[Path], size: tuple[int, int]
                 ) -> Iterator[tuple[MainWindow, Session]]:
    """The real main window on `lesson_dirs` and a throw-away data folder, shown at `size` in
    Vietnamese at 100 %; closed, with its store, when the block ends."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as data:
        store = open_store(config.database_path(Path(data)))
        languages = load_languages()
        curriculum = load_curriculum(list(lesson_dirs), languages)
        for problem in curriculum.problems:
            log.warning("lesson problem: %s", problem)
        session = Session(store, curriculum, languages, "vi")
        apply_language_font(app, tuple(session.language.fonts))
        app.setStyleSheet(theme.stylesheet(1.0))
        window = MainWindow(session)
        window.resize(*size)
        window.show()
        window.start()
        window.activateWindow()
        try:
            yield window, session
        finally:
            window.close()
            app.removeEventFilter(window)
            store.close()


def _empty_spot(image) -> QPoint | None:
    """A point on the practice image that no hotspot covers (where a wrong tap lands)."""
    area = image.image_rect()
    for fy in (0.15, 0.35, 0.5, 0.65, 0.85):
        for fx in (0.2, 0.5, 0.8):
            point = QPoint(
                round(area.x() + area.width() * fx), round(area.y() + area.height() * fy)
            )
            if image.childAt(point) is None:
                return point
    return None


def capture_all(out: Path, lesson_dirs: Sequence[Path], size: tuple[int, int]) -> list[Path]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    saved: list[Path] = []
    prefix = f"{size[0]}x{size[1]}"
    with kiosk_window(lesson_dirs, size) as (window, session):

        def shot(name: str) -> None:
            settle(app)
            path = out / f"{prefix}-{name}.png"
            if not window.grab().save(str(path)):
                raise OSError(f"could not write {path}")
            saved.append(path)

        def save_image(name: str, picture) -> None:
            path = out / f"{prefix}-{name}.png"
            picture.save(str(path))
            saved.append(path)

        _tour(window, session, shot)
        # PIN, USB stick, install, every technician page (kiosk.ui.screenshots_technician).
        from kiosk.ui import screenshots_technician

        screenshots_technician.tour(window, session, shot)
        # Help, idle question, card codes, slip, recovery (kiosk.ui.screenshots_allday).
        from kiosk.ui import screenshots_allday

        screenshots_allday.tour(window, session, shot, save_image)
        saved.append(screenshots_allday.recovery_screen(size, out, prefix))
    return saved


def _tour(window: MainWindow, session: Session, shot: Callable[[str], None]) -> None:
    shot("home")
    window.home.show_languages()
    shot("languages")
    window.home.show_lessons()
    lesson = next(x for x in session.lessons if any(s.kind is StepKind.PRACTICE for s in x.steps))
    kinds = [s.kind for s in lesson.steps]
    window.navigator.go(State.PLAYER, lesson_id=lesson.id)
    player = window.player
    player.show_step(kinds.index(StepKind.EXPLAIN))
    shot("explain")
    player.show_step(kinds.index(StepKind.PRACTICE))
    shot("practice")
    spot = _empty_spot(player.phone.image)
    if spot is not None:
        QTest.mouseClick(player.phone.image, Qt.MouseButton.LeftButton, pos=spot)
        shot("practice-wrong-tap")
        QTest.mouseClick(player.phone.image, Qt.MouseButton.LeftButton, pos=spot)
        shot("practice-two-wrong-taps")
    for button in player.phone.buttons:
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    shot("practice-done")
    player.show_step(kinds.index(StepKind.QUIZ))
    shot("quiz")
    wrong = next(i for i, c in enumerate(player.step.choices) if not c.correct)
    player.quiz.choose(wrong)
    shot("quiz-feedback")
    player.show_step(kinds.index(StepKind.SUMMARY))
    shot("summary")
    for index in range(len(lesson.steps)):
        session.complete_step(lesson, index)
    window.navigator.go(State.DONE, lesson_id=lesson.id)
    shot("done")
    window.navigator.go(State.HOME)
    for code in ("km", "blt"):
        window.set_language(code)
        shot(f"home-{code}")
    window.set_language("vi")
    window.set_text_scale(2.0)
    shot("home-200")
    window.navigator.go(State.PLAYER, lesson_id=lesson.id)
    window.player.show_step(kinds.index(StepKind.PRACTICE))
    shot("practice-200")
    window.player.show_step(kinds.index(StepKind.QUIZ))
    window.player.quiz.choose(0)
    shot("quiz-200")
    window.set_text_scale(1.0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Save screenshots of every kiosk screen.")
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--lessons", type=Path, action="append", help="lesson folder(s)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    load_fonts(config.assets_dir() / "fonts")
    dirs = args.lessons or [config.builtin_lessons_dir()]
    for size in SIZES:
        for path in capture_all(args.out, dirs, size):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
