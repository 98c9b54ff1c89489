"""The simulated phone of a practice step: "show, then try, then check".

The step image is drawn as a practice phone, clearly marked as practice with fake data. Each
hotspot of the step is a real focusable button laid over its scaled rectangle (so Tab reaches
it, a screen reader reads its label, and a click or tap presses it); the learner must press
them in order. A press elsewhere on the image, or on a hotspot out of order, is a wrong tap:
the phone reports it and the player shows the lesson's gentle hint; `show_target()` outlines
the place to press (the "show me" control, and automatically after two wrong taps). Touch
targets are enlarged to at least 64 px around small hotspots, because hands may shake.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from kiosk.i18n import N_, _
from kiosk.ui.picture import Picture
from kiosk.ui.theme import MIN_TARGET_PX, PALETTE
from kiosk.ui.widgets import TextBlock

log = logging.getLogger(__name__)


class HotspotButton(QPushButton):
    """One place to press on the practice image; paints only its outline, never hides the image."""

    def __init__(self, index: int, label: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.index = index
        self.done = False
        self.highlighted = False
        self.setFlat(True)
        self.setAutoDefault(False)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(label)
        # Translators: focus echo role of a place to press on the practice phone.
        self.setProperty("voice_role", N_("place to press on the practice phone"))
        self.setStyleSheet("QPushButton { background: transparent; border: none; min-height: 0; }")

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        inner = QRectF(self.rect()).adjusted(5, 5, -5, -5)
        if self.highlighted and not self.done:
            painter.fillRect(inner, QColor(224, 90, 0, 50))
            painter.setPen(QPen(QColor(PALETTE.target_ring), 8))
            painter.drawRoundedRect(inner, 12, 12)
        if self.done:
            painter.setPen(QPen(QColor(PALETTE.success_ring), 8))
            painter.drawRoundedRect(inner, 12, 12)
        if self.hasFocus():
            # Black outside, yellow inside: visible on light and dark phone screens alike.
            painter.setPen(QPen(QColor(PALETTE.focus_ring), 10))
            painter.drawRoundedRect(inner, 12, 12)
            painter.setPen(QPen(QColor(PALETTE.focus), 5))
            painter.drawRoundedRect(inner, 12, 12)
        painter.end()


class PhoneImage(Picture):
    """The practice image with its hotspot buttons kept over their scaled rectangles."""

    wrong_tap = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: list[HotspotButton] = []
        self._rects: list[tuple[float, float, float, float]] = []
        self.target_text = ""

    def set_hotspots(
        self, rects: Sequence[tuple[float, float, float, float]], labels: Sequence[str]
    ):
        for button in self.buttons:
            button.hide()  # at once: deleteLater would leave it drawn until the next loop turn
            button.deleteLater()
        self._rects = list(rects)
        self.buttons = [HotspotButton(i, label, self) for i, label in enumerate(labels)]
        for button in self.buttons:
            button.show()
        self._place()

    def _place(self) -> None:
        for button, (x, y, w, h) in zip(self.buttons, self._rects, strict=True):
            area = self.map_from_image(x, y, w, h)
            # Grow small targets to the minimum touch size, centred, inside the picture.
            grow_w = max(0.0, MIN_TARGET_PX - area.width()) / 2
            grow_h = max(0.0, MIN_TARGET_PX - area.height()) / 2
            area = area.adjusted(-grow_w, -grow_h, grow_w, grow_h)
            area = area.intersected(QRectF(self.rect())) if not area.isEmpty() else area
            button.setGeometry(area.toAlignedRect())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        # The hotspot buttons take their own presses; anything reaching here missed them.
        if event.button() == Qt.MouseButton.LeftButton:
            self.wrong_tap.emit()
        super().mousePressEvent(event)

    def paint_overlay(self, painter: QPainter) -> None:
        target = next((b for b in self.buttons if b.highlighted and not b.done), None)
        if target is None or not self.target_text:
            return
        # A "press here" tag beside the outlined target, below it when there is room.
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(self.target_text) + 24
        height = metrics.height() + 12
        box = target.geometry()
        top = (
            box.bottom() + 8
            if box.bottom() + 8 + height <= self.height()
            else box.top() - height - 8
        )
        left = max(0, min(self.width() - width, box.center().x() - width // 2))
        tag = QRectF(left, max(0, top), width, height)
        painter.setPen(QPen(QColor(PALETTE.focus_ring), 3))
        painter.setBrush(QColor(PALETTE.focus))
        painter.drawRoundedRect(tag, 8, 8)
        painter.setPen(QColor(PALETTE.on_focus))
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, self.target_text)


class PracticePhone(QWidget):
    """Banner saying this is practice, then the phone image; tracks which hotspot comes next."""

    progressed = Signal(int)  # index of the hotspot just pressed correctly
    completed = Signal()
    wrong_tap = Signal(int)  # how many wrong taps so far on this step

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banner = TextBlock("practice")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image = PhoneImage()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        layout.addWidget(self.image, 1)
        self.image.wrong_tap.connect(self._wrong)
        self.next_index = 0
        self.wrong_taps = 0
        self.retranslate()

    def retranslate(self) -> None:
        # Translators: banner above the simulated phone on a practice step.
        self.banner.set_plain(_("Practice — not a real phone"), align="center")
        # Translators: tag beside the outlined place the learner should press.
        self.image.target_text = _("Press here")

    def load(self, step_image, rects, labels, alt: str) -> None:
        self.image.set_image(step_image)
        self.image.setAccessibleName(_("Practice phone screen"))
        self.image.setAccessibleDescription(alt)
        self.image.set_hotspots(rects, labels)
        self.next_index = 0
        self.wrong_taps = 0
        for button in self.image.buttons:
            button.clicked.connect(lambda _checked=False, b=button: self._pressed(b))
        self._describe()

    @property
    def buttons(self) -> list[HotspotButton]:
        return self.image.buttons

    @property
    def is_complete(self) -> bool:
        return bool(self.buttons) and self.next_index >= len(self.buttons)

    def _describe(self) -> None:
        total = len(self.buttons)
        for button in self.buttons:
            # Translators: screen-reader description of a hotspot: its place in the order.
            state = _("done") if button.done else _("to press")
            button.setAccessibleDescription(
                _("Practice target {n} of {total}, {state}").format(
                    n=button.index + 1, total=total, state=state
                )
            )

    def _pressed(self, button: HotspotButton) -> None:
        if self.is_complete or button.done:
            return
        if button.index != self.next_index:
            self._wrong()
            return
        button.done = True
        button.highlighted = False
        self.next_index += 1
        self._describe()
        self.image.update()
        button.update()
        self.progressed.emit(button.index)
        if self.is_complete:
            self.completed.emit()

    def _wrong(self) -> None:
        if self.is_complete:
            return
        self.wrong_taps += 1
        self.wrong_tap.emit(self.wrong_taps)

    def show_target(self) -> None:
        """Outline the next place to press ("show me")."""
        for button in self.buttons:
            button.highlighted = button.index == self.next_index
            button.update()
        self.image.update()

    def target_highlighted(self) -> bool:
        return any(b.highlighted and not b.done for b in self.buttons)

    def focus_next_hotspot(self, backwards: bool = False) -> bool:
        """Tab on a practice step: cycle the keyboard focus through the hotspots only."""
        if not self.buttons:
            return False
        current = next((b for b in self.buttons if b.hasFocus()), None)
        if current is None:
            index = len(self.buttons) - 1 if backwards else 0
        else:
            index = (current.index + (-1 if backwards else 1)) % len(self.buttons)
        self.buttons[index].setFocus(Qt.FocusReason.TabFocusReason)
        return True

    def focused_hotspot(self) -> HotspotButton | None:
        return next((b for b in self.buttons if b.hasFocus()), None)
