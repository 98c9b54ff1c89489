"""Building blocks of the technician screen's pages: a page with a title, a message line and a
scrolling body; a card framing one bundle or key; an inline yes/no question.

Every page of the technician screen is a `Section`: it re-reads its strings in `retranslate`,
its data in `refresh`, gives the focus to its first control in `focus_first`, and may take
Escape (`escape`) to close a question before the screen goes back. `Confirm` asks one question
under the thing it is about, with the focus on Yes, so Enter confirms and Escape says no.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import _
from kiosk.ui.widgets import FocusScrollArea, TextBlock, big_button, describe, set_role

if TYPE_CHECKING:
    from kiosk.bundles.keys import TrustStore
    from kiosk.ui.session import Session
    from kiosk.ui.synclink import SyncLink
    from kiosk.ui.usbwatch import UsbWatcher
    from kiosk.ui.voice import VoiceMode


@dataclass
class TechContext:
    """What the technician pages share: the session, voice, the USB watcher, the sync link,
    and the calls that tell the screen something changed (lessons, trusted keys) or that it
    must close."""

    session: Session
    voice: VoiceMode | None
    watcher: UsbWatcher
    bundles_changed: Callable[[], None]
    keys_changed: Callable[[], None]
    language_chosen: Callable[[str], None]
    exit_requested: Callable[[], None]
    focus_column: Callable[[], None]  # the focus back to the page's button in the left column
    sync: SyncLink  # the sync worker's results and status (kiosk.ui.synclink)

    def trust(self) -> TrustStore:
        from kiosk.bundles.keys import TrustStore

        return TrustStore.for_data(self.session.data_dir)

    def announce(self, text: str) -> None:
        """Say a result aloud in voice mode (a blind technician hears what happened)."""
        if self.voice is not None and self.voice.enabled:
            self.voice.speech.say_shown(text)

    def title_of(self, titles: Mapping[str, str], fallback: str) -> str:
        lang = self.session.language.code
        return titles.get(lang) or titles.get("vi") or next(iter(titles.values()), fallback)


class Card(QFrame):
    """A framed block inside a page (one bundle, one key)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 14, 20, 14)
        self.layout_.setSpacing(8)


class Confirm(QFrame):
    """"Remove this? Enter: yes, Escape: no" with two big buttons; hidden until `ask`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = TextBlock("hint")
        self.yes_button = big_button("", "", role="primary")
        self.no_button = big_button("", "")
        self.yes_button.clicked.connect(self._yes)
        self.no_button.clicked.connect(self.dismiss)
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addWidget(self.yes_button)
        buttons.addWidget(self.no_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.addWidget(self.question)
        layout.addLayout(buttons)
        self._on_yes: Callable[[], None] | None = None
        self._back_to: QWidget | None = None
        self.hide()

    def ask(self, question: str, yes: str, no: str, on_yes: Callable[[], None],
            back_to: QWidget | None = None) -> None:
        self.question.set_plain(question + " " + _("Enter: yes. Escape: no."))
        self.yes_button.setText("✓ " + yes)
        # Translators: description of the Yes button of a technician's confirmation.
        describe(self.yes_button, yes, _("Press Enter to confirm"))
        self.no_button.setText(no)
        describe(self.no_button, no, _("Press Escape to go back without changing anything"))
        self._on_yes = on_yes
        self._back_to = back_to
        self.show()
        self.yes_button.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, self._reveal)  # once laid out: scroll the whole question into view

    def _reveal(self) -> None:
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None and self.isVisible():
            area.ensureWidgetVisible(self, 24, 24)

    @property
    def open(self) -> bool:
        return self.isVisible()

    def dismiss(self) -> None:
        self.hide()
        self._on_yes = None
        if self._back_to is not None and self._back_to.isVisible():
            self._back_to.setFocus(Qt.FocusReason.OtherFocusReason)

    def _yes(self) -> None:
        action = self._on_yes
        self.hide()
        self._on_yes = None
        if action is not None:
            action()


class Section(QWidget):
    """One page of the technician screen; see the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.heading = TextBlock("title")
        self.message = TextBlock("success")
        self.message.hide()
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(4, 4, 4, 4)
        self.body_layout.setSpacing(16)
        self.scroll = FocusScrollArea(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)

    # What the screen calls.

    def title(self) -> str:
        return self.heading.plain()

    def retranslate(self) -> None:
        """Re-read the strings."""

    def refresh(self) -> None:
        """Re-read what the page shows (the page is about to show)."""

    def leave(self) -> None:
        """The screen is closing: stop timers and work."""

    def focusables(self) -> list[QWidget]:
        return [w for w in self.findChildren(QWidget)
                if w.isVisibleTo(self) and w.isEnabled()
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
                and not isinstance(w, FocusScrollArea)]

    def focus_first(self) -> bool:
        for widget in self._in_tab_order():
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False

    def _in_tab_order(self) -> list[QWidget]:
        widgets = self.focusables()
        if not widgets:
            return []
        # Follow Qt's tab chain from the page itself: the order a Tab key press would take.
        ordered, current = [], self.nextInFocusChain()
        for _step in range(2000):
            if current is self or current is None:
                break
            if current in widgets and current not in ordered:
                ordered.append(current)
            current = current.nextInFocusChain()
        return ordered or widgets

    def escape(self) -> bool:
        """Escape pressed on this page: True if the page used it (a question closed)."""
        for confirm in self.findChildren(Confirm):
            if confirm.open:
                confirm.dismiss()
                return True
        return False

    def typing(self) -> bool:
        return isinstance(self.focusWidget(), QLineEdit)

    # Messages at the top of the page.

    def say(self, text: str, ok: bool = True) -> None:
        set_role(self.message, "success" if ok else "hint")
        self.message.set_plain(text)
        self.message.show()

    def clear_message(self) -> None:
        self.message.hide()


def add_now(layout: QVBoxLayout, widget: QWidget) -> None:
    """Add a row to a shown page and show it now, not on the next event-loop turn (Qt's
    default), so it can take the focus at once."""
    layout.addWidget(widget)
    widget.show()


def clear_layout(layout: QVBoxLayout) -> None:
    """Remove and delete every widget of a layout (rows rebuilt on refresh)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
