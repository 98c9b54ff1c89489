"""The top bar's where-am-I line: two fixed lines in a lesson, long titles cut, never the step.

Checked on every built-in lesson in every language its title is translated into, at 100 %
and 200 % text, in the real window at 1366×768: the window still fits the screen, the line
is "title" over "Step n of m" with the step line whole, its height is the same on every
lesson and step (so the content below never jumps), the full text stays the accessible name,
and the notes under it take one line when there is room.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication

from kiosk.i18n import _
from kiosk.ui.navigator import State
from kiosk.ui.whereline import ELLIPSIS, BarNote, elide_line

REPO_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
LANGUAGES = ("vi", "tyz", "blt", "hmn", "km")


def test_elide_line_cuts_after_a_whole_word(ui_app):
    font = QFont("Noto Sans")
    font.setPixelSize(30)
    metrics = QFontMetricsF(font)
    title = "Nhắn tin và gọi video với con cháu"
    assert elide_line(title, metrics, metrics.horizontalAdvance(title)) == title
    width = metrics.horizontalAdvance("Nhắn tin và gọi" + ELLIPSIS) + 2
    assert elide_line(title, metrics, width) == "Nhắn tin và gọi" + ELLIPSIS
    # Written without spaces (Khmer): cut between letters, still within the width.
    khmer = "ស្គាល់ការហៅទូរស័ព្ទបោកប្រាស់"
    cut = elide_line(khmer, metrics, 120)
    assert cut.endswith(ELLIPSIS) and metrics.horizontalAdvance(cut) <= 120


@pytest.mark.skipif(not any(REPO_LESSONS.glob("*/lesson.yaml")), reason="no built-in lessons")
def test_player_title_band_in_every_language_and_size(kiosk_window):
    window = kiosk_window(lessons=[REPO_LESSONS])
    lessons = window.session.lessons
    window.navigator.go(State.PLAYER, lesson_id=lessons[0].id)
    player = window.player
    try:
        for scale in (1.0, 2.0):
            window.set_text_scale(scale, remember=False)
            for code in LANGUAGES:
                window.set_language(code)
                heights = set()
                for lesson in lessons:
                    player.lesson = lesson  # shown without storing progress: layout only
                    # The step line differs only in its numbers: one lesson's last step will do.
                    last = len(lesson.steps) - 1
                    for index in (0, last) if lesson is lessons[-1] else (0,):
                        player.show_step(index, speak=False)
                        QApplication.processEvents()  # the bar is laid out again
                        where = window.where
                        where_am_i = f"{code} {scale:.0%} {lesson.id} step {index + 1}"
                        assert window.minimumSizeHint().height() <= 768, where_am_i
                        step_line = _("Step {n} of {total}").format(
                            n=index + 1, total=len(lesson.steps)
                        )
                        title = window.session.pick(lesson.title).text
                        assert where.plain() == f"{title}\n{step_line}", where_am_i
                        assert where.accessibleName() == where.plain()
                        shown = where.shown_text().splitlines()
                        assert len(shown) == 2 and shown[1] == step_line, where_am_i
                        assert shown[0] == title or shown[0].endswith(ELLIPSIS), where_am_i
                        heights.add(where.height())
                        if scale == 1.0:
                            for note in window.bar.findChildren(BarNote):
                                if note.isVisible():  # one line when there is room
                                    assert note.height() == note.heightForWidth(10_000), (
                                        where_am_i, note.plain())
                assert len(heights) == 1, (code, scale, heights)
    finally:
        window.navigator.go(State.HOME)
        window.set_language("vi")
        window.set_text_scale(1.0, remember=False)
