"""Screenshots of each lesson's first and practice steps (`python -m kiosk.ui.screenshots_lessons`).

kiosk.ui.screenshots tours every *screen* on one lesson; reviewers of the curriculum need the
other view: each lesson's opening step and each of its practice steps (the simulated phone as
it first shows, then each hotspot outlined in turn as "Show me where" outlines it), at
1366×768, in Vietnamese at 100 % and 200 % text, plus the opening step in every language the
lesson's title is translated into (the title is the longest line of the top bar). Next to the
PNGs it writes `layout.txt`: per shot the lines of the where-am-I line and whether its title
was cut, whether the window still fits the screen, whether the step text needs scrolling, and
whether each hotspot lies on the phone picture, so a reviewer knows which pictures to look at
first. Run it under Xvfb to see real rendering.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from kiosk import config
from kiosk.content.model import Lesson, StepKind
from kiosk.ui import theme
from kiosk.ui.app import load_fonts
from kiosk.ui.navigator import State
from kiosk.ui.screenshots import kiosk_window, settle
from kiosk.ui.window import MainWindow

SIZE = (1366, 768)
SCALES = (1.0, 2.0)


@dataclass(frozen=True)
class Shot:
    """One saved picture and what its layout measured."""

    path: Path
    where_lines: int
    title_cut: bool
    text_scrolls: bool
    hotspots_on_picture: bool
    window_fits: bool

    def line(self) -> str:
        flags = [f"title lines={self.where_lines}"]
        if self.title_cut:
            flags.append("title cut")
        if not self.window_fits:
            flags.append("WINDOW TALLER THAN THE SCREEN")
        if self.text_scrolls:
            flags.append("step text scrolls")
        if not self.hotspots_on_picture:
            flags.append("HOTSPOT OFF THE PICTURE")
        return f"{self.path.name}: {', '.join(flags)}"


def _where_lines(window: MainWindow) -> int:
    """How many text lines the top bar's where-am-I line takes now."""
    line = window.where.fontMetrics().lineSpacing() * theme.LINE_HEIGHT_PERCENT / 100
    margins = window.where.contentsMargins()
    return max(1, round((window.where.height() - margins.top() - margins.bottom()) / line))


def _hotspots_on_picture(window: MainWindow) -> bool:
    player = window.player
    if player.step.kind is not StepKind.PRACTICE:
        return True
    image = player.phone.image
    drawn = image.image_rect().toAlignedRect().adjusted(-2, -2, 2, 2)
    return all(
        button.isVisible() and drawn.intersects(button.geometry())
        and QRect(image.rect()).contains(button.geometry())
        for button in player.phone.buttons
    )


def _shoot_targets(player, name: str, shot: Callable[[str], None]) -> None:
    """Each place to press outlined in turn, as "Show me where" does, to check it is on target."""
    for n, button in enumerate(player.phone.buttons, start=1):
        player.phone.show_target()
        shot(f"{name}-target{n}")
        button.click()


def _languages_with_titles(lessons: Sequence[Lesson]) -> list[str]:
    codes: list[str] = []
    for lesson in lessons:
        codes += [c for c in lesson.title.values if c not in codes]
    return codes


def capture(out: Path, lesson_dirs: Sequence[Path], size: tuple[int, int] = SIZE) -> list[Shot]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    shots: list[Shot] = []
    with kiosk_window(lesson_dirs, size) as (window, session):

        def shot(name: str) -> None:
            settle(app)
            path = out / f"{name}.png"
            if not window.grab().save(str(path)):
                raise OSError(f"could not write {path}")
            bar = window.player.text_area.verticalScrollBar()
            shots.append(
                Shot(
                    path,
                    where_lines=_where_lines(window),
                    title_cut=window.where.shown_text() != window.where.plain(),
                    text_scrolls=bar.maximum() > 0,
                    hotspots_on_picture=_hotspots_on_picture(window),
                    window_fits=window.height() <= size[1],
                )
            )

        for scale in SCALES:
            window.set_text_scale(scale, remember=False)
            suffix = "" if scale == 1.0 else f"-{round(scale * 100)}"
            for lesson in session.lessons:
                window.navigator.go(State.PLAYER, lesson_id=lesson.id)
                player = window.player
                player.show_step(0, speak=False)
                shot(f"{lesson.id}-1-first{suffix}")
                for index, step in enumerate(lesson.steps):
                    if step.kind is not StepKind.PRACTICE:
                        continue
                    player.show_step(index, speak=False)
                    name = f"{lesson.id}-{index + 1}-practice-{step.id}{suffix}"
                    shot(name)
                    if scale == 1.0:
                        _shoot_targets(player, name, shot)
                window.navigator.go(State.HOME)
            for code in _languages_with_titles(session.lessons):
                if code == "vi" or code not in session.languages:
                    continue
                window.set_language(code)
                for lesson in session.lessons:
                    if code not in lesson.title.values:
                        continue
                    window.navigator.go(State.PLAYER, lesson_id=lesson.id)
                    window.player.show_step(0, speak=False)
                    shot(f"{lesson.id}-1-first-{code}{suffix}")
                    window.navigator.go(State.HOME)
                window.set_language("vi")
        window.set_text_scale(1.0, remember=False)
    return shots


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Save screenshots of every lesson's first and practice steps."
    )
    parser.add_argument("out", type=Path, help="folder for the PNG files and layout.txt")
    parser.add_argument("--lessons", type=Path, action="append", help="lesson folder(s)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    load_fonts(config.assets_dir() / "fonts")
    shots = capture(args.out, args.lessons or [config.builtin_lessons_dir()])
    report = "\n".join(s.line() for s in shots) + "\n"
    (args.out / "layout.txt").write_text(report, encoding="utf-8")
    print(report, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
