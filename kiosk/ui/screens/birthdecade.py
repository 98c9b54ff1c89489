"""The optional question a new learner card asks after the name: "When were you born?"

A page of the home screen (kiosk.ui.screens.home) between the name and the secret code. Eight
big tiles, one per decade from 1930–1939 to 2000–2009, each with the years written out in
digits (clearer to an older reader than "the 1950s") and about how old that is today, and a
plain Skip button under them that is always in view: the answer is never required. Only the
decade is kept, on the card (kiosk.store.learners), so the hub can count learners by age band
without knowing who they are (DESIGN §6). Keys as on the other pages (DESIGN §8): arrows move
among the tiles (Down from the last row reaches Skip, Left/Right then Back), Enter picks, Escape
goes back to the name. The home screen says the question aloud when the page shows and again
on Space; each tile is spoken as "From 1950 to 1959", its age range as the description.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.i18n import _
from kiosk.ui.keys import ARROWS, ENTER
from kiosk.ui.tiles import Tile, TileGrid
from kiosk.ui.widgets import (
    FocusScrollArea,
    TextBlock,
    activate_focused,
    big_button,
    describe,
    move_in_grid,
)

log = logging.getLogger(__name__)

# Learners of a cultural house, oldest first: about 17 to 96 years old in 2026. Older or
# younger learners skip; the store accepts any decade from 1900 if this list ever grows.
DECADES = tuple(range(1930, 2001, 10))


def age_range(decade: int, year: int) -> tuple[int, int]:
    """How old someone born in `decade` is in `year`: (youngest, oldest), birthdays aside."""
    return max(0, year - decade - 9), max(0, year - decade)


class DecadeTile(Tile):
    """One decade: "1950 – 1959" big, "67 to 76 years old" under it.

    Both lines stay short: a tile is never narrower than its text, and a line wider than the
    grid's column (TileGrid.column_width) would widen the grid into more columns at 150 %."""

    def __init__(self, decade: int) -> None:
        super().__init__()
        self.decade = decade

    def retranslate(self, year: int) -> None:
        first, last = self.decade, self.decade + 9
        youngest, oldest = age_range(self.decade, year)
        # Translators: under the years on a birth-decade tile, e.g. "67 to 76 years old" (born
        # 1950–1959); keep it short, it must fit on one line of a quarter of the screen.
        ages = _("{youngest} to {oldest} years old").format(
            youngest=youngest, oldest=oldest
        )
        self.set_lines([(f"{first} – {last}", "heading"), (ages, "muted")])
        # Translators: a birth-decade tile as spoken and as screen readers name it.
        describe(self, _("From {first} to {last}").format(first=first, last=last), ages)


class BirthDecadePage(QWidget):
    """The decade tiles, Back and Skip; `answered` carries the decade, or None for Skip."""

    answered = Signal(object)
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.heading = TextBlock("title")
        self.prompt = TextBlock()
        self.grid = TileGrid(column_width=300)  # four columns at 1366 px, two at 150 % and up
        self.tiles = [DecadeTile(decade) for decade in DECADES]
        for tile in self.tiles:
            tile.clicked.connect(lambda _c=False, d=tile.decade: self.answered.emit(d))
        self.grid.set_tiles(self.tiles)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(8, 0, 8, 8)
        body_layout.setSpacing(16)
        # In the scroll area with the tiles: a long translation at 200 % must not push the
        # window past the screen.
        body_layout.addWidget(self.prompt)
        body_layout.addWidget(self.grid)
        body_layout.addStretch(1)
        self.back_button = big_button("", "")
        self.back_button.clicked.connect(self.back)
        self.skip_button = big_button("", "", role="primary")
        self.skip_button.clicked.connect(lambda: self.answered.emit(None))
        # Outside the scroll area: Skip stays in view at 200 % text, when the tiles scroll.
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(FocusScrollArea(body), 1)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self, today: dt.date | None = None) -> None:
        year = (today or dt.date.today()).year
        # Translators: asked after the name when making a learner card (only the decade is kept).
        self.heading.set_plain(_("When were you born?"))
        self.prompt.set_plain(
            # Translators: under "When were you born?"; Skip is the button that skips it.
            _("Only to count who the lessons reach. You may skip it.")
        )
        for tile in self.tiles:
            tile.retranslate(year)
        self.back_button.setText("◀ " + _("Back"))
        describe(self.back_button, _("Back"), _("Go back to your name"))
        # Translators: button that makes the learner card without a birth decade.
        self.skip_button.setText(_("Skip") + " ▶")
        describe(self.skip_button, _("Skip"), _("Make the card without the years"))

    def question(self) -> str:
        """What the page says when it shows and on Space."""
        return f"{self.heading.plain()} {self.prompt.plain()}"

    def apply_scale(self, scale: float) -> None:
        self.grid.set_scale(scale)

    def focus_first(self) -> None:
        self.tiles[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def tile_for(self, decade: int) -> DecadeTile:
        return next(t for t in self.tiles if t.decade == decade)

    # -- keys ------------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Escape:
            self.back.emit()
            return True
        if key in ENTER:
            if not activate_focused():
                self.focus_first()
            return True
        if key in ARROWS:
            return self._arrow(key)
        return False

    def _arrow(self, key: Qt.Key) -> bool:
        focused = self.focusWidget()
        columns = max(1, self.grid.columns)
        last_row = (len(self.tiles) - 1) // columns * columns
        buttons = [self.back_button, self.skip_button]
        if focused in buttons:
            if key == Qt.Key.Key_Up:
                self.tiles[last_row].setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            return move_in_grid(buttons, len(buttons), key)
        if focused in self.tiles and key == Qt.Key.Key_Down:
            if self.tiles.index(focused) >= last_row:  # nothing below: the buttons
                self.skip_button.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return move_in_grid(self.tiles, columns, key)
