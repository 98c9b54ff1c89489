"""The sync indicator: a small dot at the right end of the top bar, for the technician's eye.

Learners should not have to think about it: it is small, never red, never blinks, takes no
keyboard focus (so voice mode never lands on it) and is absent on a kiosk that has no hub.
A filled dot says the hub has every event; a ring says events are waiting to be sent (normal
between passes, or while there is no network). Screen readers and the tooltip get the details
(events waiting, the last time the hub got them); on the technician screen a few words beside
the dot say the same (`status_words`, in the bar's small note style, so the bar keeps its
height). It shows the status dict of kiosk.sync.status that kiosk.ui.synclink.SyncLink
delivers after every pass; it reads nothing itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from kiosk import i18n
from kiosk.i18n import _, ngettext
from kiosk.ui.theme import PALETTE

log = logging.getLogger(__name__)

DOT_PX = 18
Status = dict[str, Any]


def when_text(stamp: str | None) -> str | None:
    """An ISO time from the sync state as the learner's locale writes it, in local time."""
    if not stamp:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        log.warning("unreadable sync time %r", stamp)
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return i18n.format_datetime(moment.astimezone())


def has_hub(status: Status | None) -> bool:
    """The kiosk is enrolled, or a code waits: there is something to sync with."""
    return bool(status and (status.get("enrolled") or status.get("enrollment_waiting")))


def status_words(status: Status | None) -> str | None:
    """"Sync: 12 waiting" or "Sync: all sent" (None without a hub), beside the dot."""
    if not has_hub(status):
        return None
    assert status is not None
    pending = int(status.get("pending") or 0)
    if pending:
        # Translators: in the technician screen's top bar; {n} events wait to go to the hub.
        return ngettext("Sync: {n} waiting", "Sync: {n} waiting", pending).format(n=pending)
    # Translators: in the technician screen's top bar: the hub has every event.
    return _("Sync: all sent")


def status_description(status: Status) -> str:
    """The dot's accessible description and tooltip: what waits, and when the hub last got it."""
    pending = int(status.get("pending") or 0)
    if pending:
        state = ngettext("{n} event is waiting to be sent to the hub.",
                         "{n} events are waiting to be sent to the hub.", pending).format(n=pending)
    else:
        state = _("The hub has every event of this kiosk.")
    last = when_text(status.get("last_success"))
    # Translators: part of the sync dot's description; {time} is a date and time.
    when = (_("Last sent to the hub: {time}.").format(time=last) if last
            else _("Nothing sent to the hub yet."))
    return f"{state} {when}"


class Dot(QWidget):
    """The dot itself: filled when everything is sent, a ring while events wait."""

    def __init__(self) -> None:
        super().__init__()
        self.setFixedSize(QSize(DOT_PX + 12, DOT_PX + 12))
        self.filled = False

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(PALETTE.on_bar)
        painter.setPen(QPen(colour, 3))
        painter.setBrush(colour if self.filled else Qt.BrushStyle.NoBrush)
        inset = (self.width() - DOT_PX) / 2 + 1.5
        painter.drawEllipse(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset))


class SyncIndicator(QWidget):
    """The dot, with its words on the technician screen; hidden without a hub."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.dot = Dot()
        self.words = QLabel()
        self.words.setProperty("role", "note")
        # As tall as its text: a chip as high as the bar's buttons would look like one.
        self.words.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.words.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.words, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignVCenter)
        self.status: Status | None = None
        self.detailed = False
        self.hide()

    def show_status(self, status: Status | None) -> None:
        self.status = status
        self.retranslate()

    def set_detailed(self, detailed: bool) -> None:
        """Words beside the dot (the technician screen), or the dot alone (learners' screens)."""
        self.detailed = detailed
        self.words.setVisible(detailed)

    def retranslate(self) -> None:
        status = self.status
        words = status_words(status)
        if status is None or words is None:
            self.hide()
            return
        self.dot.filled = int(status.get("pending") or 0) == 0
        self.dot.update()
        self.words.setText(words)
        self.words.setVisible(self.detailed)
        description = status_description(status)
        # Translators: accessible name of the small sync dot in the top bar.
        self.setAccessibleName(_("Sync status"))
        self.setAccessibleDescription(description)
        self.setToolTip(description)
        self.show()
