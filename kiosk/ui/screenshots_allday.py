"""Screenshots of the all-day parts (kiosk.ui.screenshots calls `tour` after its own tour).

The idle question, the help panel, the key tutorial, a new card's birth-decade question, a
learner card's picture code (choosing and checking), the completion screen after "Print a
slip", the slip itself (drawn as an image, as it prints), and the recovery screen of a damaged
database (drawn on its own, with a backup to offer).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk.content.model import StepKind
from kiosk.ui.navigator import State
from kiosk.ui.session import Session
from kiosk.ui.window import MainWindow


def tour(
    window: MainWindow,
    session: Session,
    shot: Callable[[str], None],
    save_image: Callable[[str, object], None],
) -> None:
    attendant = window.attendant
    window.go_home()
    attendant.show_help()
    shot("help")
    attendant.overlays.close_all()
    attendant.start_tutorial()
    shot("tutorial")
    attendant.overlays.close_all()
    # A new card's optional birth decade (normal and 200 % text).
    home = window.home
    home.show_learners()
    home.pages.setCurrentWidget(home.add_page)
    home.add_page.reset()
    home.add_page.field.setText("Nguyễn Thị Hoa")
    home.add_page.save()
    shot("card-birth-decade")
    scale = window.scale
    window.set_text_scale(2.0, remember=False)
    home.decade_page.skip_button.setFocus()
    shot("card-birth-decade-200")
    window.set_text_scale(scale, remember=False)
    # A card with a picture code: choosing it, then opening it.
    learner = session.add_learner("Nguyễn Thị Hoa")
    home.show_learners()
    home.pages.setCurrentWidget(home.code_page)
    home.code_page.ask(learner.id, learner.name or "")
    shot("card-code-ask")
    home.code_page.begin_new("pictures")
    for value in (3, 1, 4):
        home.code_page.pick(value)
    shot("card-code-choose")
    from kiosk.store import cardcodes

    cardcodes.set_code(session.store, learner.id, cardcodes.PICTURES, [3, 1, 4, 1])
    home.code_page.check(learner.id, learner.name or "")
    home.code_page.pick(2)
    shot("card-code-check")
    home.code_page.check(learner.id, learner.name or "")
    home.code_page.begin_new("digits")
    shot("card-code-digits")
    home.show_lessons()
    # The idle question over a lesson.
    lesson = next(x for x in session.lessons if any(s.kind is StepKind.QUIZ for s in x.steps))
    window.navigator.go(State.PLAYER, lesson_id=lesson.id)
    attendant.on_idle()
    shot("idle-question")
    attendant.overlays.close_all()
    # The completion screen after "Print a slip", and the slip.
    for index in range(len(lesson.steps)):
        session.complete_step(lesson, index)
    window.navigator.go(State.DONE, lesson_id=lesson.id)
    window.done.print_slip()
    shot("done-slip")
    from kiosk.ui.slip import image, slip_for

    slip = image(slip_for(session, lesson), dpi=110)
    save_image("slip", slip)
    window.go_home()


def recovery_screen(size: tuple[int, int], out: Path, prefix: str) -> Path:
    """The recovery screen over a damaged database that has a backup to offer."""
    from kiosk import config
    from kiosk.store import open_store, recovery
    from kiosk.ui.recovery import RecoveryScreen

    with tempfile.TemporaryDirectory() as folder:
        db = config.database_path(Path(folder))
        with open_store(db) as store:
            store.create_learner("Lan")
        recovery.daily_backup(db)
        db.write_bytes(b"damaged" * 1000)
        screen = RecoveryScreen(db, recovery.integrity_problems(db))
        screen.resize(*size)
        screen.show()
        screen.focus_first()
        for _ in range(4):
            QApplication.processEvents()
        path = out / f"{prefix}-recovery.png"
        screen.grab().save(str(path))
        screen.close()
        screen.deleteLater()
    return path
