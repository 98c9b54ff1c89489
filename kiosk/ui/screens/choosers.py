"""The home screen's choosers: the language picker and the learner cards.

Languages are chosen by their native name, written in their own script and font, with the
Vietnamese name smaller underneath (DESIGN §4b). Learner cards: the shared guest card, each
named card, and "add a card", which asks only for a name in one big field. These pages live
inside the home screen (they are parts of it, not navigator states); each reports the
choice with a signal and offers a Back button, and Escape does the same.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.i18n import N_, _
from kiosk.ui.session import Session
from kiosk.ui.tiles import Tile, TileGrid
from kiosk.ui.widgets import FocusScrollArea, TextBlock, big_button, describe

log = logging.getLogger(__name__)

NAME_MAX = 40


class _Page(QWidget):
    """A heading, a scrolling grid of tiles and a Back button at the bottom."""

    back = Signal()

    def __init__(self, session: Session, column_width: int) -> None:
        super().__init__()
        self.session = session
        self.heading = TextBlock("title")
        self.grid = TileGrid(column_width)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(8, 8, 8, 8)
        body_layout.addWidget(self.grid)
        body_layout.addStretch(1)
        self.back_button = big_button("", "", role="")
        self.back_button.clicked.connect(self.back)
        self.extra = QHBoxLayout()
        self.extra.addWidget(self.back_button)
        self.extra.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(FocusScrollArea(body), 1)
        layout.addLayout(self.extra)

    def retranslate(self) -> None:
        self.back_button.setText("◀ " + _("Back"))
        describe(self.back_button, _("Back"), _("Return to the list of lessons"))

    @property
    def tiles(self) -> Sequence[QWidget]:
        return self.grid.tiles

    def focus_first(self) -> None:
        chosen = next((t for t in self.tiles if t.property("current")), None)
        target = chosen or (self.tiles[0] if self.tiles else self.back_button)
        target.setFocus(Qt.FocusReason.OtherFocusReason)


class LanguagePage(_Page):
    chosen = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__(session, column_width=420)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        # Translators: heading of the language picker.
        self.heading.set_plain(_("Choose your language"))
        self.refresh()

    def refresh(self) -> None:
        tiles = []
        current = self.session.language.code
        for lang in self.session.languages.languages:
            tile = Tile()
            tile.setProperty("current", lang.code == current)
            lines = [(lang.name, "heading"), (lang.name_vi, "muted")]
            families = [list(lang.fonts) + ["Noto Sans"], []]
            if lang.code == current:
                # Translators: marks the language in use on the language picker.
                lines.append(("✓ " + _("In use"), "muted"))
            tile.set_lines(lines, families)
            describe(tile, lang.name, lang.name_vi)
            # Translators: focus echo role of a tile on the language picker.
            tile.setProperty("voice_role", N_("language"))
            # Said by its Vietnamese name when the voice cannot read the script.
            spoken = lang.name if lang.script == "Latn" else lang.name_vi
            tile.setProperty("voice_name", spoken)
            tile.clicked.connect(lambda _c=False, code=lang.code: self.chosen.emit(code))
            tiles.append(tile)
        self.grid.set_tiles(tiles)


class LearnerPage(_Page):
    chosen = Signal(str)
    add_requested = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__(session, column_width=420)
        self.add_button = big_button("", "", role="primary")
        self.add_button.clicked.connect(self.add_requested)
        self.extra.addWidget(self.add_button)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        # Translators: heading of the learner-card chooser.
        self.heading.set_plain(_("Who is learning?"))
        self.add_button.setText("＋ " + _("Add my name"))
        describe(
            self.add_button, _("Add my name"), _("Make a learner card that keeps your progress")
        )
        self.refresh()

    def refresh(self) -> None:
        tiles = []
        for learner in self.session.learners():
            tile = Tile()
            is_current = learner.id == self.session.learner.id
            tile.setProperty("current", is_current)
            name = learner_name(self.session, learner)
            lines = [(name, "heading")]
            if self.session.is_guest(learner):
                lines.append((_("For anyone; progress is shared"), "muted"))
            if is_current:
                lines.append(("✓ " + _("Learning now"), "muted"))
            tile.set_lines(lines)
            describe(tile, name, _("Learner card"))
            # Translators: focus echo role of a learner card.
            tile.setProperty("voice_role", N_("learner card"))
            tile.clicked.connect(lambda _c=False, lid=learner.id: self.chosen.emit(lid))
            tiles.append(tile)
        self.grid.set_tiles(tiles)


def learner_name(session: Session, learner: object) -> str:
    if session.is_guest(learner):  # type: ignore[arg-type]
        # Translators: the shared learner card used when nobody chose a named card.
        return _("Guest")
    return str(getattr(learner, "name", "") or _("Guest"))


class AddLearnerPage(QWidget):
    """One big name field, Save and Back. Nothing else to fill in."""

    saved = Signal(str)
    back = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.heading = TextBlock("title")
        self.field = QLineEdit()
        self.field.setMaxLength(NAME_MAX)
        self.field.returnPressed.connect(self.save)
        self.message = TextBlock("hint")
        self.message.hide()
        self.save_button = big_button("", "", role="primary")
        self.save_button.clicked.connect(self.save)
        self.back_button = big_button("", "")
        self.back_button.clicked.connect(self.back)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 24)
        layout.setSpacing(24)
        layout.addWidget(self.heading)
        layout.addWidget(self.field)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        # Translators: question above the name field when adding a learner card.
        self.heading.set_plain(_("What is your name?"))
        describe(self.field, _("Your name"), _("Type your name, then press Enter"))
        self.save_button.setText("✓ " + _("Save"))
        describe(self.save_button, _("Save"), _("Make the learner card with this name"))
        self.back_button.setText("◀ " + _("Back"))
        describe(self.back_button, _("Back"), _("Go back without saving"))

    def reset(self) -> None:
        self.field.clear()
        self.message.hide()
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        # Keyboard input enters as NFC like every other text (DESIGN §4).
        name = unicodedata.normalize("NFC", " ".join(self.field.text().split()))
        if not name:
            self.message.set_plain(_("Please type a name first."))
            self.message.show()
            self.field.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.saved.emit(name)
