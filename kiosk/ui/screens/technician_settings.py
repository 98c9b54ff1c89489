"""The technician's settings pages: the kiosk's name and commune, and language and voice.

Name and commune are saved with kiosk.store.technician (they travel with reports later).
"Language and voice" sets what a visitor meets: the language the kiosk starts in (on the
shared guest card; tiles with each language's own name) and the speed of the voice for every
card that never chose its own, with a Listen button that says a sentence at that speed.
Everything goes through the session; nothing here touches the store's tables directly.
"""

from __future__ import annotations

import logging
import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit

from kiosk.i18n import N_, _
from kiosk.speech.engine import DEFAULT_RATE, RATE_MAX, RATE_MIN, RATE_STEP, clamp_rate
from kiosk.store import StoreError
from kiosk.store import technician as tech
from kiosk.ui.helpcall import HELP_TEXT_SETTING
from kiosk.ui.screens.technician_parts import Section, TechContext
from kiosk.ui.tiles import Tile, TileGrid
from kiosk.ui.widgets import TextBlock, big_button, describe

log = logging.getLogger(__name__)

# Translators: said by the Listen button of the technician's voice settings.
SAMPLE = N_("Hello. This is how fast the kiosk reads to learners.")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class KioskSection(Section):
    """Two fields, name and commune, and Save."""

    def __init__(self, ctx: TechContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.intro = TextBlock()
        self.name_label, self.commune_label = TextBlock("heading"), TextBlock("heading")
        self.name_field, self.commune_field = QLineEdit(), QLineEdit()
        for field in (self.name_field, self.commune_field):
            field.setMaxLength(tech.NAME_MAX)
        self.name_field.returnPressed.connect(
            lambda: self.commune_field.setFocus(Qt.FocusReason.TabFocusReason))
        self.commune_field.returnPressed.connect(self.save)
        # Who to ask: shown and spoken by the "Call a helper" button (kiosk.ui.helpcall).
        self.help_label = TextBlock("heading")
        self.help_field = QLineEdit()
        self.help_field.setMaxLength(200)
        self.help_field.returnPressed.connect(self.save)
        self.save_button = big_button("", "", role="primary")
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        for widget in (self.intro, self.name_label, self.name_field, self.commune_label,
                       self.commune_field, self.help_label, self.help_field):
            self.body_layout.addWidget(widget)
        self.body_layout.addLayout(row)
        self.body_layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        # Translators: heading of the technician page with the kiosk's name and commune.
        self.heading.set_plain(_("Kiosk name and commune"))
        self.intro.set_plain(_("They tell the reports which cultural house this kiosk is in."))
        self.name_label.set_plain(_("Name of this kiosk"))
        describe(self.name_field, _("Name of this kiosk"),
                 _("For example: Cultural house of Nà Phầy village"))
        self.commune_label.set_plain(_("Commune"))
        describe(self.commune_field, _("Commune"), _("For example: Yên Thịnh commune"))
        self.help_label.set_plain(_("Who learners can ask for help"))
        describe(self.help_field, _("Who learners can ask for help"),
                 _("Shown by the Call a helper button. For example: Ask Ms Lan at the desk"))
        self.save_button.setText("✓ " + _("Save"))
        describe(self.save_button, _("Save"), _("Save the name and the commune"))

    def refresh(self) -> None:
        saved = tech.identity(self.ctx.session.store)
        self.name_field.setText(saved.name)
        self.commune_field.setText(saved.commune)
        own = self.ctx.session.setting(HELP_TEXT_SETTING)
        self.help_field.setText(own if isinstance(own, str) else "")

    def save(self) -> None:
        try:
            saved = tech.set_identity(self.ctx.session.store, _nfc(self.name_field.text()),
                                      _nfc(self.commune_field.text()))
            self.ctx.session.set_setting(
                HELP_TEXT_SETTING, " ".join(_nfc(self.help_field.text()).split()) or None)
        except StoreError as error:
            self.say(error.user_message, ok=False)
            return
        self.name_field.setText(saved.name)
        self.commune_field.setText(saved.commune)
        text = _("Saved.")
        self.say(text)
        self.ctx.announce(text)


class VoiceSection(Section):
    """The language at start (tiles) and the speed of the voice (slower, faster, listen)."""

    def __init__(self, ctx: TechContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.language_heading = TextBlock("heading")
        self.grid = TileGrid(column_width=260)
        self.rate_heading = TextBlock("heading")
        self.rate_text = TextBlock()
        self.slower_button = big_button("", "")
        self.faster_button = big_button("", "")
        self.listen_button = big_button("", "", role="primary")
        self.slower_button.clicked.connect(lambda: self.change_rate(-1))
        self.faster_button.clicked.connect(lambda: self.change_rate(+1))
        self.listen_button.clicked.connect(self.listen)
        row = QHBoxLayout()
        row.setSpacing(16)
        for button in (self.slower_button, self.faster_button, self.listen_button):
            row.addWidget(button)
        row.addStretch(1)
        for widget in (self.language_heading, self.grid, self.rate_heading, self.rate_text):
            self.body_layout.addWidget(widget)
        self.body_layout.addLayout(row)
        self.body_layout.addStretch(1)
        self.tiles: list[Tile] = []
        self.retranslate()

    @property
    def rate(self) -> int:
        return tech.default_rate(self.ctx.session.store) or DEFAULT_RATE

    def default_code(self) -> str:
        session = self.ctx.session
        return tech.default_language(session.store) or session.store.guest().language

    def retranslate(self) -> None:
        # Translators: heading of the technician page with the start language and voice speed.
        self.heading.set_plain(_("Language and voice"))
        self.language_heading.set_plain(_("Language when the kiosk starts"))
        self.rate_heading.set_plain(_("Speed of the voice"))
        self.slower_button.setText("− " + _("Slower"))
        describe(self.slower_button, _("Slower"), _("The voice reads more slowly"))
        self.faster_button.setText("+ " + _("Faster"))
        describe(self.faster_button, _("Faster"), _("The voice reads faster"))
        self.listen_button.setText("▶ " + _("Listen"))
        describe(self.listen_button, _("Listen"), _("Hear a sentence at this speed"))
        self.refresh()

    def refresh(self) -> None:
        focused = self.focusWidget()
        keep = focused.property("code") if focused in self.tiles else None
        current = self.default_code()
        tiles = []
        for lang in self.ctx.session.languages.languages:
            tile = Tile()
            chosen = lang.code == current
            tile.setProperty("current", chosen)
            tile.setProperty("code", lang.code)
            lines = [(lang.name, "heading"), (lang.name_vi, "muted")]
            if chosen:
                lines.append(("✓ " + _("At start"), "muted"))
            tile.set_lines(lines, [list(lang.fonts) + ["Noto Sans"], []])
            describe(tile, lang.name, _("The kiosk starts in {language}").format(
                language=lang.name_vi))
            tile.setProperty("voice_name", lang.name if lang.script == "Latn" else lang.name_vi)
            tile.setProperty("voice_role", N_("language"))
            tile.clicked.connect(lambda _c=False, code=lang.code: self.choose_language(code))
            tiles.append(tile)
        self.tiles = tiles
        self.grid.set_tiles(tiles)
        if keep is not None:
            again = next((t for t in tiles if t.property("code") == keep), None)
            if again is not None:
                again.setFocus(Qt.FocusReason.OtherFocusReason)
        rate = self.rate
        self.rate_text.set_plain(_("{rate} words a minute (usual: {usual}; from {low} to "
                                   "{high}).").format(rate=rate, usual=DEFAULT_RATE,
                                                      low=RATE_MIN, high=RATE_MAX))
        self.slower_button.setEnabled(rate > RATE_MIN)
        self.faster_button.setEnabled(rate < RATE_MAX)

    def choose_language(self, code: str) -> None:
        session = self.ctx.session
        try:
            changed = session.set_default_language(code)
        except StoreError as error:
            self.say(error.user_message, ok=False)
            return
        language = session.languages.get(code)
        if changed:
            self.ctx.language_chosen(code)  # the window re-fonts and retranslates every screen
        self.refresh()
        text = _("From now on the kiosk starts in {language}.").format(language=language.name_vi)
        self.say(text)
        self.ctx.announce(text)

    def change_rate(self, step: int) -> None:
        rate = clamp_rate(self.rate + step * RATE_STEP)
        try:
            self.ctx.session.set_default_speech_rate(rate)
        except StoreError as error:
            self.say(error.user_message, ok=False)
            return
        if self.ctx.voice is not None:
            self.ctx.voice.apply_learner_rate()
        focused = self.focusWidget()
        self.refresh()
        if focused is not None and not focused.isEnabled():
            other = self.faster_button if step < 0 else self.slower_button
            other.setFocus(Qt.FocusReason.OtherFocusReason)
        self.listen()

    def listen(self) -> None:
        voice = self.ctx.voice
        if voice is None or not voice.speech.available:
            self.say(_("The voice is not working on this kiosk yet; see “Check the kiosk”."),
                     ok=False)
            return
        self.clear_message()
        voice.speech.say_ui(SAMPLE, rate=self.rate)
