"""Next step shown after a key press, image included (DESIGN §10: < 30 ms p95).

In this process, offscreen, the main window is built as `kiosk run` builds it (fonts, store in
a temporary data folder, languages, the built-in curriculum, session, theme, MainWindow at
1366×768), then every built-in lesson is walked from the home screen with the keyboard
contract of DESIGN §8, several times: Enter opens the lesson, Right goes to the next step,
Left back, digits answer a quiz, the practice phone's hotspots are clicked in order. Solving a
practice or quiz step is not timed; each Right (and Left) press is timed from the key press
until the new step has been painted: its text and, when the picture changed, its picture
(the event loop runs until both widgets have received and handled their paint event). Right
includes what the kiosk really does then: the finished step is written to SQLite with
synchronous=FULL before the next step shows (DESIGN §6).
The reference, measured in the same run for every image the walk showed: a bare QLabel that
shows the same SVG rendered by QSvgRenderer to a pixmap of the size the player drew it at,
from reading the file until the label has painted.
`measure()` runs the walk in a child process (`next_step.py --json`), so the benchmark suite's
own process never holds a QApplication, and a crash of the UI cannot end the suite: it is
reported on stderr next to the figures.
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, Row, offscreen_env

sys.path.insert(0, str(ROOT))

PASSES = 4  # walks of each lesson; the first one includes first-use costs, as a learner sees
WINDOW_SIZE = (1366, 768)
PAINT_TIMEOUT_S = 5.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class _Watch:
    """Counts paint events reaching a set of widgets (an event filter, installed once)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEvent, QObject

        paint = QEvent.Type.Paint
        painted: set[int] = set()

        class Filter(QObject):
            def eventFilter(self, watched, event):  # noqa: N802 (Qt naming)
                if event.type() == paint:
                    painted.add(id(watched))
                return False

        self.filter = Filter()
        self.painted = painted
        self.watched: set[int] = set()

    def watch(self, widget) -> None:
        if id(widget) not in self.watched:
            widget.installEventFilter(self.filter)
            self.watched.add(id(widget))

    def reset(self) -> None:
        self.painted.clear()


def _pump_until(done: Callable[[], bool], what: str) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.perf_counter() + PAINT_TIMEOUT_S
    while not done():
        QApplication.processEvents()
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")


def _press(key, widget=None) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    target = widget or QApplication.focusWidget()
    if target is None:
        raise RuntimeError("nothing has the keyboard focus")
    QTest.keyClick(target, key)


class _Walk:
    """The main window on the built-in lessons, and the timed key presses."""

    def __init__(self, data: Path) -> None:
        from PySide6.QtWidgets import QApplication

        from kiosk import config
        from kiosk.content.catalog import load_curriculum
        from kiosk.content.languages import load_languages
        from kiosk.store import open_store
        from kiosk.ui import theme
        from kiosk.ui.app import load_fonts
        from kiosk.ui.session import Session
        from kiosk.ui.window import MainWindow, apply_language_font

        app = QApplication.instance() or QApplication([sys.argv[0]])
        load_fonts(config.assets_dir() / "fonts")
        self.store = open_store(config.database_path(data))
        languages = load_languages()
        self.curriculum = load_curriculum([config.builtin_lessons_dir()], languages)
        session = Session(self.store, self.curriculum, languages, None)
        apply_language_font(app, tuple(session.language.fonts))
        scale = theme.clamp_scale(session.setting(theme.SCALE_SETTING, 1.0))
        app.setStyleSheet(theme.stylesheet(scale))
        self.window = MainWindow(session)
        self.window.resize(*WINDOW_SIZE)
        self.window.show()
        self.window.start()
        self.window.activateWindow()
        _pump_until(lambda: QApplication.focusWidget() is not None, "the home screen's focus")
        self.watch = _Watch()
        self.next_ms: list[float] = []
        self.back_ms: list[float] = []
        self.shown: list[tuple[Path, tuple[int, int]]] = []  # image and drawn size, per step

    def close(self) -> None:
        from PySide6.QtWidgets import QApplication

        self.window.close()
        QApplication.instance().removeEventFilter(self.window)
        self.store.close()

    @property
    def player(self):
        return self.window.player

    def _picture(self):
        visual = self.player.visual.currentWidget()
        return getattr(visual, "image", visual)  # the practice phone draws in its `image`

    def open(self, lesson_id: str) -> None:
        from PySide6.QtCore import Qt

        home = self.window.home
        tile = next(t for t in home.lesson_tiles if getattr(t, "lesson_id", None) == lesson_id)
        tile.setFocus(Qt.FocusReason.OtherFocusReason)
        _press(Qt.Key.Key_Return, tile)
        _pump_until(lambda: self.player.isVisible() and self.player.lesson is not None
                    and self.player.lesson.id == lesson_id, f"lesson {lesson_id} to open")

    def solve(self) -> None:
        """Answer the quiz (digit key) or press the practice places in order (clicks)."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from kiosk.content.model import StepKind

        player, step = self.player, self.player.step
        if player.next_button.isEnabled():
            return
        if step.kind is StepKind.QUIZ:
            right = next(i for i, c in enumerate(step.choices) if c.correct)
            _press(getattr(Qt.Key, f"Key_{right + 1}"))
        elif step.kind is StepKind.PRACTICE:
            for button in list(player.phone.buttons):
                QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
        _pump_until(player.next_button.isEnabled, f"step {step.id} to be solved")

    def timed(self, key, into: list[float]) -> None:
        """Press `key` on the focus; time until the new step's text and picture are painted."""
        player = self.player
        before_index, before_image = player.index, player.step.image
        for widget in (player.step_text, player.picture, player.phone.image):
            self.watch.watch(widget)
        self.watch.reset()
        start = time.perf_counter()
        _press(key)
        if player.index == before_index:
            raise RuntimeError(f"{key} did not change the step")
        step = player.step
        picture = self._picture()
        needed = [player.step_text]
        if step.image is not None and (step.image != before_image or picture.isHidden()):
            needed.append(picture)
        _pump_until(lambda: all(id(w) in self.watch.painted for w in needed), "the new step")
        into.append((time.perf_counter() - start) * 1000)
        if step.image is not None and step.image.suffix.lower() == ".svg":
            rect = picture.image_rect()
            self.shown.append((step.image, (round(rect.width()), round(rect.height()))))

    def walk(self, lesson) -> None:
        from PySide6.QtCore import Qt

        from kiosk.ui.navigator import State

        self.open(lesson.id)
        last = len(lesson.steps) - 1
        while self.player.index < last:
            self.solve()
            self.timed(Qt.Key.Key_Right, self.next_ms)
        while self.player.index > 0:
            self.timed(Qt.Key.Key_Left, self.back_ms)
        while self.player.index < last:  # the steps are done now: Right moves at once
            self.solve()
            self.timed(Qt.Key.Key_Right, self.next_ms)
        self.solve()
        _press(Qt.Key.Key_Right)  # finish: the completion screen, not timed
        _pump_until(lambda: self.window.navigator.state is State.DONE, "the completion screen")
        self.window.go_home()
        _pump_until(lambda: self.window.navigator.state is State.HOME
                    and self.window.home.isVisible(), "the home screen")


def _reference(shown: list[tuple[Path, tuple[int, int]]]) -> list[float]:
    """Show each image in a bare QLabel: read and render the SVG, set it, paint it."""
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtGui import QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.resize(*WINDOW_SIZE)
    label.show()
    watch = _Watch()
    watch.watch(label)
    _pump_until(lambda: id(label) in watch.painted, "the bare label")
    times = []
    for path, (width, height) in shown:
        watch.reset()
        start = time.perf_counter()
        renderer = QSvgRenderer(str(path))
        pixmap = QPixmap(QSize(max(1, width), max(1, height)))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        label.setPixmap(pixmap)
        _pump_until(lambda: id(label) in watch.painted, "the bare label")
        times.append((time.perf_counter() - start) * 1000)
    label.close()
    return times


def measure_here() -> list[Row]:
    """The walk and the reference, in this process (it creates the QApplication)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(dir=os.environ.get("KIOSK_BENCH_TMP")) as folder:
        walk = _Walk(Path(folder))
        try:
            for _ in range(PASSES):
                for lesson in walk.curriculum:
                    walk.walk(lesson)
        finally:
            walk.close()
    reference = _reference(walk.shown)
    forward, back = walk.next_ms, walk.back_ms
    name = "bare QLabel + same SVG"
    return [
        Row(f"next step shown after Right, image incl. (p95 of {len(forward)})",
            _p95(forward), "ms", _p95(reference), f"{name}, p95", "< 30 ms p95"),
        Row("next step shown after Right (median)", statistics.median(forward), "ms",
            statistics.median(reference), f"{name}, median", "—"),
        Row(f"previous step shown after Left (p95 of {len(back)})", _p95(back), "ms",
            _p95(reference), f"{name}, p95", "< 30 ms p95"),
    ]


def measure() -> list[Row]:
    """`measure_here` in a child process; its rows come back as JSON on its stdout."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--json"],
                          env=offscreen_env(), capture_output=True, text=True, timeout=600,
                          check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    if not lines:
        raise RuntimeError(f"next_step failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        why = next((line for line in lines if "Fatal" in line), lines[-1] if lines else "")
        print(f"next_step: the measuring process ended with {done.returncode} after reporting "
              f"its figures: {why}", file=sys.stderr)
    return [Row(**fields) for fields in json.loads(lines[-1])]


if __name__ == "__main__":
    if "--json" in sys.argv[1:]:
        rows = measure_here()
        print(json.dumps([dataclasses.asdict(row) for row in rows], ensure_ascii=False),
              flush=True)
    else:
        from common import print_table

        print_table(measure())
