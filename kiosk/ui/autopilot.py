"""A scripted visitor for soak tests and demonstrations: `KIOSK_AUTOPILOT=script.json kiosk run`.

The script is a JSON list of actions, played one after another through the real window with
real key presses and clicks (QTest), exactly as a learner would:
- `{"new_learner": "Lan", "code": [1, 2, 3, 4], "decade": 1950}`: add a card (with a picture
  code, or none; born in that decade, or Skip when the action gives none);
- `{"learner": "Lan", "code": [...]}`: choose an existing card (typing its code if it has one);
- `{"guest": true}`: choose the guest card;
- `{"open": "lesson-id"}`: open a lesson from the home screen;
- `{"steps": 3}`: finish that many steps of the open lesson with the keyboard (practice:
  Tab and Enter on each place to press; quiz: the right number; then Enter);
- `{"home": true}`: Escape back to the lessons;
- `{"idle": 4.5}`: touch nothing for that many seconds (privacy tests);
- `{"crash": true}`: abort the process on the spot (the supervisor must restart it);
- `{"quit": true}`: close the program as the technician would (exit code 0).
After every action (after a quiet gap: at its end) a line goes to `<script>.trace.jsonl`
(action, screen, learner card, lesson step), and the index of the next action to
`<script>.state`, so a restarted kiosk (after a crash) goes on where the script was.
Nothing here runs unless `KIOSK_AUTOPILOT` is set.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.content.model import StepKind
from kiosk.ui.navigator import State

if TYPE_CHECKING:
    from kiosk.ui.window import MainWindow

log = logging.getLogger(__name__)

PAUSE_MS = 30


class Autopilot(QObject):
    def __init__(self, window: MainWindow, script: Path) -> None:
        super().__init__(window)
        self.window = window
        self.script = Path(script)
        self.actions: list[dict[str, Any]] = json.loads(self.script.read_text(encoding="utf-8"))
        self.state_file = self.script.with_name(self.script.name + ".state")
        self.trace_file = self.script.with_name(self.script.name + ".trace.jsonl")
        try:
            self.index = int(self.state_file.read_text(encoding="ascii").strip() or 0)
        except (OSError, ValueError):
            self.index = 0

    # -- bookkeeping -----------------------------------------------------------------------

    def _save_index(self) -> None:
        self.state_file.write_text(str(self.index), encoding="ascii")

    def _trace(self, action: dict[str, Any], **extra: Any) -> None:
        session = self.window.session
        player = self.window.navigator.screen(State.PLAYER) if (
            self.window.navigator.state is State.PLAYER) else None
        row = {
            "i": self.index, "pid": os.getpid(), "time": time.time(), "action": action,
            "screen": self.window.navigator.state.value if self.window.navigator.state else None,
            "learner": session.learner.name if not session.is_guest() else None,
            "lesson": getattr(getattr(player, "lesson", None), "id", None),
            "step": getattr(player, "index", None), **extra,
        }
        with self.trace_file.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    # -- the loop --------------------------------------------------------------------------

    def start(self) -> None:
        log.info("autopilot: %d actions, starting at %d", len(self.actions), self.index)
        QTimer.singleShot(PAUSE_MS, self._next)

    def _next(self) -> None:
        if self.index >= len(self.actions):
            log.info("autopilot: script done")
            return
        action = self.actions[self.index]
        try:
            wait_ms = self._do(action)
        except Exception as error:  # a script that does not fit the screen: say so and stop
            log.exception("autopilot: action %d failed", self.index)
            self._trace(action, error=repr(error))
            QApplication.instance().exit(3)
            return
        if wait_ms:  # a quiet gap: recorded once it is over (what the kiosk did meanwhile)
            QTimer.singleShot(wait_ms, lambda: self._done(action))
        else:
            self._done(action)

    def _done(self, action: dict[str, Any]) -> None:
        self.index += 1
        self._save_index()
        self._trace(action)
        QTimer.singleShot(PAUSE_MS, self._next)

    def _do(self, action: dict[str, Any]) -> int:
        if "crash" in action:
            self.index += 1
            self._save_index()
            self._trace(action)
            log.warning("autopilot: crashing on purpose")
            logging.shutdown()
            os.abort()
        if "quit" in action:
            self.window.exit_kiosk()
            return 0
        if "idle" in action:
            return int(float(action["idle"]) * 1000)
        if "guest" in action:
            self._choose_card(None, None)
        elif "new_learner" in action:
            self._new_card(str(action["new_learner"]), action.get("code"), action.get("decade"))
        elif "learner" in action:
            self._choose_card(str(action["learner"]), action.get("code"))
        elif "open" in action:
            self._open(str(action["open"]))
        elif "steps" in action:
            for _ in range(int(action["steps"])):
                self._step()
        elif "home" in action:
            self._key(Qt.Key.Key_Escape)
        else:
            raise ValueError(f"unknown action {action!r}")
        return 0

    # -- what a learner does ---------------------------------------------------------------

    def _key(self, key: Qt.Key) -> None:
        target = QApplication.focusWidget() or self.window
        QTest.keyClick(target, key)
        QApplication.processEvents()

    def _click(self, widget) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())
        QApplication.processEvents()

    def _home(self):
        if self.window.navigator.state is not State.HOME:
            self.window.go_home()
        return self.window.home

    def _choose_card(self, name: str | None, code: list[int] | None) -> None:
        from kiosk.ui.screens.choosers import learner_name

        session = self.window.session
        card = next((c for c in session.learners()
                     if (c.is_guest if name is None else c.name == name)), None)
        if card is None:
            raise LookupError(f"no learner card {name!r}")
        home = self._home()
        self._click(home.learner_button)
        shown = learner_name(session, card)
        tile = next(t for t in home.learner_page.tiles if t.accessibleName() == shown)
        self._click(tile)
        if code:
            self._enter_code(code)

    def _enter_code(self, code: list[int]) -> None:
        page = self.window.home.code_page
        for value in code:
            key = next(k for k in page.keys if k.value == int(value))
            self._click(key)

    def _new_card(self, name: str, code: list[int] | None, decade: int | None = None) -> None:
        home = self._home()
        self._click(home.learner_button)
        self._click(home.learner_page.add_button)
        home.add_page.field.insert(name)  # QTest types only ASCII
        self._click(home.add_page.save_button)
        years = home.decade_page
        self._click(years.tile_for(int(decade)) if decade else years.skip_button)
        page = home.code_page
        if not code:
            self._click(page.none_button)
            return
        self._click(page.pictures_button)
        self._enter_code(code)
        self._enter_code(code)

    def _open(self, lesson_id: str) -> None:
        home = self._home()
        home.show_lessons()
        tile = next(t for t in home.lesson_tiles if getattr(t, "lesson_id", None) == lesson_id)
        self._click(tile)
        if self.window.navigator.state is not State.PLAYER:
            raise RuntimeError(f"lesson {lesson_id} did not open")

    def _step(self) -> None:
        if self.window.navigator.state is not State.PLAYER:
            raise RuntimeError("no lesson is open")
        player = self.window.player
        step = player.step
        if step.kind is StepKind.PRACTICE:
            for n in range(len(step.hotspots)):
                self._key(Qt.Key.Key_Tab)
                while player.phone.focused_hotspot().index != n:
                    self._key(Qt.Key.Key_Tab)
                self._key(Qt.Key.Key_Return)
        elif step.kind is StepKind.QUIZ:
            right = next(i for i, c in enumerate(step.choices) if c.correct)
            self._key(getattr(Qt.Key, f"Key_{right + 1}"))
        self._key(Qt.Key.Key_Return)
