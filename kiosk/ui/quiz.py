"""The answers of a quiz step: big numbered answer tiles and the feedback after a choice.

Answers are numbered so that the digit keys 1–9 choose them (DESIGN §8) and a tap on the
whole tile does the same. After a choice the lesson's feedback for that answer is shown in
words: a right answer is marked with a tick and green, a wrong one gently in amber with the
lesson's explanation and an invitation to try another answer (never a red cross alone).
The panel only reports the choice; the player records it and unlocks Next.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.i18n import N_, _
from kiosk.ui.tiles import Tile
from kiosk.ui.widgets import TextBlock, describe, set_state

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    id: str
    text: str
    correct: bool
    feedback: str
    fonts: tuple[str, ...] = ()


class QuizPanel(QWidget):
    answered = Signal(str)  # the id of the chosen answer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: list[Tile] = []
        self.answers: list[Answer] = []
        self.chosen: str | None = None
        self.feedback = TextBlock("hint")
        self.feedback.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(14)
        self._layout.addWidget(self.feedback)
        self.feedback.hide()

    def load(self, answers: Sequence[Answer]) -> None:
        for tile in self.tiles:
            self._layout.removeWidget(tile)
            tile.hide()
            tile.deleteLater()
        self.answers = list(answers)
        self.chosen = None
        self.tiles = []
        for i, answer in enumerate(self.answers):
            tile = Tile()
            tile.setProperty("role", "answer")
            # Translators: focus echo role of a quiz answer.
            tile.setProperty("voice_role", N_("answer"))
            tile.set_lines([(f"{i + 1}.  {answer.text}", "")], [answer.fonts])
            # Translators: screen-reader description of a quiz answer, e.g. "Answer 2 of 3".
            describe(
                tile,
                f"{i + 1}. {answer.text}",
                _("Answer {n} of {total}; press {n} to choose it").format(
                    n=i + 1, total=len(self.answers)
                ),
            )
            tile.clicked.connect(lambda _c=False, index=i: self.choose(index))
            self._layout.insertWidget(i, tile)
            tile.show()  # at once, so it can take the focus (digit keys move focus here)
            self.tiles.append(tile)
        self.feedback.hide()

    @property
    def is_answered(self) -> bool:
        return self.chosen is not None

    def choose(self, index: int) -> bool:
        """Choose answer `index` (0-based); False when there is no such answer."""
        if not 0 <= index < len(self.answers):
            return False
        answer = self.answers[index]
        self.chosen = answer.id
        for i, tile in enumerate(self.tiles):
            if i == index:
                set_state(tile, "state", "right" if answer.correct else "tried")
            elif tile.property("state") != "tried":
                set_state(tile, "state", "")
        if answer.correct:
            text = "✓ " + _("Right!") + "\n" + answer.feedback
            set_state(self.feedback, "role", "success")
        else:
            # Translators: after a wrong quiz answer, below the lesson's own explanation.
            text = answer.feedback + "\n" + _("You can choose another answer, or go on.")
            set_state(self.feedback, "role", "hint")
        self.feedback.set_plain(text)
        self.feedback.show()
        self.answered.emit(answer.id)
        return True
