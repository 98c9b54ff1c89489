"""The learner card's secret code: four pictures out of nine, or four digits.

A page of the home screen (like the choosers). It has four modes:
- ASK: after a new card is made, "Do you want a secret code for your card?" with three big
  answers: no code, four pictures, four numbers;
- NEW, then REPEAT: the learner picks four pictures (or digits), sees them, then picks them
  again to be sure; the code is then stored hashed (kiosk.store.cardcodes);
- CHECK: someone chose a protected card; four picks open it. While picking, only dots show
  (a neighbour cannot read the code off the screen). After five wrong tries the keys rest
  for 30 seconds; the page always says that a helper can remove a forgotten code.
The nine pictures are drawn here (sun, moon, star, tree, fish, house, flower, boat, heart),
each with its name under it; digits are laid out like a telephone. Keys: 1–9 (and 0) pick,
arrows move, Enter presses, Backspace removes the last pick, Escape goes back.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import N_, _
from kiosk.store import StoreError, cardcodes
from kiosk.ui.widgets import (
    FocusScrollArea,
    TextBlock,
    activate_focused,
    big_button,
    describe,
    move_in_grid,
)

log = logging.getLogger(__name__)

ASK, NEW, REPEAT, CHECK = "ask", "new", "repeat", "check"
MAX_TRIES = 5
WAIT_MS = 30_000
ICON_PX = 68
# Translators: the nine pictures of a learner card's secret code.
PICTURE_NAMES = (N_("Sun"), N_("Moon"), N_("Star"), N_("Tree"), N_("Fish"), N_("House"),
                 N_("Flower"), N_("Boat"), N_("Heart"))


# -- the pictures ------------------------------------------------------------------------------


def _star(center: QPointF, outer: float, inner: float, points: int = 5) -> QPolygonF:
    polygon = QPolygonF()
    for i in range(points * 2):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / points * i - math.pi / 2
        polygon.append(QPointF(center.x() + radius * math.cos(angle),
                               center.y() + radius * math.sin(angle)))
    return polygon


def _draw(index: int, p: QPainter, s: float) -> None:
    """Picture `index` (1–9) in an s×s square, thick outlines for weak eyes."""
    ink = QPen(QColor("#1B1B1B"), s * 0.04)
    p.setPen(ink)
    c = QPointF(s / 2, s / 2)
    if index == 1:  # sun
        p.save()
        rays = QPen(QColor("#B34700"), s * 0.06)
        rays.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(rays)
        for i in range(8):
            a = math.pi / 4 * i
            p.drawLine(QPointF(c.x() + s * 0.3 * math.cos(a), c.y() + s * 0.3 * math.sin(a)),
                       QPointF(c.x() + s * 0.45 * math.cos(a), c.y() + s * 0.45 * math.sin(a)))
        p.restore()
        p.setBrush(QColor("#FFC400"))
        p.drawEllipse(c, s * 0.22, s * 0.22)
    elif index == 2:  # moon
        path = QPainterPath()
        path.addEllipse(c, s * 0.36, s * 0.36)
        cut = QPainterPath()
        cut.addEllipse(QPointF(c.x() + s * 0.2, c.y() - s * 0.1), s * 0.3, s * 0.3)
        p.setBrush(QColor("#F2D25C"))
        p.drawPath(path.subtracted(cut))
    elif index == 3:  # star
        p.setBrush(QColor("#F2B705"))
        p.drawPolygon(_star(c, s * 0.45, s * 0.19))
    elif index == 4:  # tree
        p.setBrush(QColor("#7A4A1E"))
        p.drawRect(QRectF(s * 0.43, s * 0.62, s * 0.14, s * 0.3))
        p.setBrush(QColor("#2E8B3A"))
        p.drawPolygon(QPolygonF([QPointF(s * 0.5, s * 0.06), QPointF(s * 0.85, s * 0.66),
                                 QPointF(s * 0.15, s * 0.66)]))
    elif index == 5:  # fish
        p.setBrush(QColor("#2F7FD1"))
        p.drawPolygon(QPolygonF([QPointF(s * 0.62, s * 0.5), QPointF(s * 0.94, s * 0.25),
                                 QPointF(s * 0.94, s * 0.75)]))
        p.drawEllipse(QPointF(s * 0.4, s * 0.5), s * 0.32, s * 0.2)
        p.setBrush(QColor("#1B1B1B"))
        p.drawEllipse(QPointF(s * 0.24, s * 0.45), s * 0.04, s * 0.04)
    elif index == 6:  # house
        p.setBrush(QColor("#F4E3C1"))
        p.drawRect(QRectF(s * 0.2, s * 0.45, s * 0.6, s * 0.45))
        p.setBrush(QColor("#C0392B"))
        p.drawPolygon(QPolygonF([QPointF(s * 0.5, s * 0.08), QPointF(s * 0.92, s * 0.47),
                                 QPointF(s * 0.08, s * 0.47)]))
        p.setBrush(QColor("#7A4A1E"))
        p.drawRect(QRectF(s * 0.43, s * 0.62, s * 0.14, s * 0.28))
    elif index == 7:  # flower
        p.setBrush(QColor("#E0569B"))
        for i in range(6):
            a = math.pi / 3 * i
            p.drawEllipse(QPointF(c.x() + s * 0.22 * math.cos(a), c.y() + s * 0.22 * math.sin(a)),
                          s * 0.15, s * 0.15)
        p.setBrush(QColor("#FFC400"))
        p.drawEllipse(c, s * 0.13, s * 0.13)
    elif index == 8:  # boat
        p.setBrush(QColor("#FFFFFF"))
        p.drawPolygon(QPolygonF([QPointF(s * 0.52, s * 0.08), QPointF(s * 0.52, s * 0.58),
                                 QPointF(s * 0.86, s * 0.58)]))
        p.setBrush(QColor("#8B5A2B"))
        p.drawPolygon(QPolygonF([QPointF(s * 0.06, s * 0.64), QPointF(s * 0.94, s * 0.64),
                                 QPointF(s * 0.78, s * 0.88), QPointF(s * 0.22, s * 0.88)]))
    else:  # heart
        path = QPainterPath(QPointF(s * 0.5, s * 0.88))
        path.cubicTo(QPointF(s * 0.05, s * 0.55), QPointF(s * 0.08, s * 0.12),
                     QPointF(s * 0.5, s * 0.3))
        path.cubicTo(QPointF(s * 0.92, s * 0.12), QPointF(s * 0.95, s * 0.55),
                     QPointF(s * 0.5, s * 0.88))
        p.setBrush(QColor("#D62839"))
        p.drawPath(path)


def picture(index: int, size: int = ICON_PX) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    try:
        _draw(index, painter, float(size))
    finally:
        painter.end()
    return pixmap


class CodeKey(QPushButton):
    """One big key of the pad: a picture with its name, or a digit."""

    def __init__(self, value: int, kind: str) -> None:
        super().__init__()
        self.value = value
        self.setProperty("role", "tile")
        self.setAutoDefault(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        self.icon_label = QLabel()
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name_label = QLabel()
        self.name_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for label in (self.icon_label, self.name_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        if kind == cardcodes.PICTURES:
            self.icon_label.setPixmap(picture(value))
        else:
            self.icon_label.setText(str(value))
            self.icon_label.setStyleSheet("font-size: 48px; font-weight: bold;"
                                          " background: transparent;")
            self.name_label.hide()
        self.kind = kind
        # The style sheet's min-height would win over setMinimumSize: say it there.
        tall = 150 if kind == cardcodes.PICTURES else 100
        self.setStyleSheet(f"QPushButton {{ min-height: {tall}px; min-width: 150px; }}")
        self.retranslate()

    def retranslate(self) -> None:
        if self.kind == cardcodes.PICTURES:
            name = _(PICTURE_NAMES[self.value - 1])
            self.name_label.setText(name)
        else:
            name = str(self.value)
        self.setProperty("voice_role", N_("key"))
        describe(self, name, _("Press {n} on the keyboard").format(n=self.value))


class CodePage(QWidget):
    """Ask for, choose or check the secret code of one learner card."""

    accepted = Signal(str)  # learner id: the code was right (or a new code is saved)
    back = Signal()

    def __init__(self, store, say: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.store = store
        self._say = say
        self.mode = CHECK
        self.kind = cardcodes.PICTURES
        self.learner_id = ""
        self.learner_name = ""
        self.picked: list[int] = []
        self._first: list[int] = []
        self.wrong = 0
        self.keys: list[CodeKey] = []
        self.heading = TextBlock("title")
        self.prompt = TextBlock()
        self.slots = QLabel()
        self.slots.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.slots.setStyleSheet("font-size: 56px; letter-spacing: 12px; background: transparent;")
        self.chosen = QHBoxLayout()
        self.chosen.setSpacing(8)
        self.message = TextBlock("hint")
        self.message.hide()
        self.forgot = TextBlock("muted")
        self.back_button = big_button("", "")
        self.back_button.clicked.connect(self.back)
        self.erase_button = big_button("", "")
        self.erase_button.clicked.connect(self.erase)
        self.none_button = big_button("", "", role="primary")
        self.none_button.clicked.connect(lambda: self.accepted.emit(self.learner_id))
        self.pictures_button = big_button("", "")
        self.pictures_button.clicked.connect(lambda: self.begin_new(cardcodes.PICTURES))
        self.digits_button = big_button("", "")
        self.digits_button.clicked.connect(lambda: self.begin_new(cardcodes.DIGITS))
        self.wait_timer = QTimer(self)
        self.wait_timer.setSingleShot(True)
        self.wait_timer.setInterval(WAIT_MS)
        self.wait_timer.timeout.connect(self.end_wait)

        left = QVBoxLayout()
        left.setSpacing(10)
        left.addWidget(self.heading)
        left.addWidget(self.prompt)
        left.addWidget(self.slots)
        left.addLayout(self.chosen)
        left.addWidget(self.message)
        for button in (self.none_button, self.pictures_button, self.digits_button):
            left.addWidget(button)
        left.addStretch(1)
        left.addWidget(self.forgot)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addWidget(self.erase_button)
        row.addStretch(1)
        left.addLayout(row)
        self.pad = QWidget()
        self.grid = QGridLayout(self.pad)
        self.grid.setSpacing(12)
        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(32, 16, 32, 16)
        columns.setSpacing(32)
        columns.addLayout(left, 1)
        columns.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(FocusScrollArea(body))  # at 200 % text the page scrolls
        self.retranslate()

    # -- modes -----------------------------------------------------------------------------

    def ask(self, learner_id: str, name: str) -> None:
        """A new card: offer to protect it."""
        self._start(learner_id, name, ASK, self.kind)

    def check(self, learner_id: str, name: str) -> None:
        kind = cardcodes.code_kind(self.store, learner_id) or cardcodes.PICTURES
        self._start(learner_id, name, CHECK, kind)

    def begin_new(self, kind: str) -> None:
        self._start(self.learner_id, self.learner_name, NEW, kind)

    def _start(self, learner_id: str, name: str, mode: str, kind: str) -> None:
        self.learner_id, self.learner_name, self.mode = learner_id, name, mode
        self.picked = []
        if mode != REPEAT:
            self._first = []
        if kind != self.kind or not self.keys:
            self.kind = kind
            self._build_pad()
        self.message.hide()
        self.retranslate()
        self.focus_first()
        if self._say is not None:
            self._say(self.prompt.plain())

    def _build_pad(self) -> None:
        for key in self.keys:
            self.grid.removeWidget(key)
            key.deleteLater()
        values = list(range(1, 10)) + ([0] if self.kind == cardcodes.DIGITS else [])
        self.keys = []
        for position, value in enumerate(values):
            key = CodeKey(value, self.kind)
            key.clicked.connect(lambda _c=False, v=value: self.pick(v))
            row, column = divmod(position, 3)
            if value == 0:
                column = 1
            self.grid.addWidget(key, row, column)
            self.keys.append(key)

    @property
    def waiting(self) -> bool:
        return self.wait_timer.isActive()

    def retranslate(self) -> None:
        name = self.learner_name or _("your card")
        asking = self.mode == ASK
        if asking:
            # Translators: after a new learner card is made.
            heading = _("A secret code for your card?")
            prompt = _("With a code, only you can open the card of {name}. You can choose "
                       "four pictures or four numbers.").format(name=name)
        elif self.mode == CHECK:
            heading = _("The card of {name}").format(name=name)
            prompt = (_("Press your four pictures, in order.") if self.kind == cardcodes.PICTURES
                      else _("Press your four numbers, in order."))
        elif self.mode == NEW:
            heading = _("Choose your code")
            prompt = (_("Press four pictures you will remember, in order.")
                      if self.kind == cardcodes.PICTURES
                      else _("Press four numbers you will remember, in order."))
        else:
            heading = _("Once more")
            prompt = _("Press the same four again, to be sure.")
        self.heading.set_plain(heading)
        self.prompt.set_plain(prompt)
        self.forgot.set_plain(_("Forgot your code? A helper can remove it."))
        self.forgot.setVisible(self.mode == CHECK)
        self.none_button.setText(_("No code, thank you"))
        describe(self.none_button, _("No code, thank you"), _("Anyone can open this card"))
        self.pictures_button.setText(_("Yes, four pictures"))
        describe(self.pictures_button, _("Yes, four pictures"))
        self.digits_button.setText(_("Yes, four numbers"))
        describe(self.digits_button, _("Yes, four numbers"))
        for button in (self.none_button, self.pictures_button, self.digits_button):
            button.setVisible(asking)
        self.pad.setVisible(not asking)
        self.slots.setVisible(not asking)
        self.back_button.setText("◀ " + _("Back"))
        describe(self.back_button, _("Back"), _("Go back to the learner cards"))
        self.erase_button.setText("⌫ " + _("Remove the last"))
        describe(self.erase_button, _("Remove the last"), _("Backspace does the same"))
        self.erase_button.setVisible(not asking)
        for key in self.keys:
            key.retranslate()
            key.setEnabled(not self.waiting)
        self._show_picked()

    def _show_picked(self) -> None:
        n = len(self.picked)
        self.slots.setText("●" * n + "○" * (cardcodes.CODE_LENGTH - n))
        self.slots.setAccessibleName(_("{n} of {total} chosen").format(
            n=n, total=cardcodes.CODE_LENGTH))
        while self.chosen.count():
            item = self.chosen.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        # While choosing a new code the learner sees it, to remember it; never when checking.
        if self.mode in (NEW, REPEAT) and self.kind == cardcodes.PICTURES:
            for value in self.picked:
                label = QLabel()
                label.setPixmap(picture(value, 48))
                label.setStyleSheet("background: transparent;")
                self.chosen.addWidget(label)
            self.chosen.addStretch(1)

    def focus_first(self) -> None:
        if self.mode == ASK:
            self.none_button.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.keys and not self.waiting:
            self.keys[0].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _tell(self, text: str) -> None:
        self.message.set_plain(text)
        self.message.show()
        if self._say is not None:
            self._say(text)

    # -- picking ---------------------------------------------------------------------------

    def pick(self, value: int) -> None:
        if self.mode == ASK or self.waiting or len(self.picked) >= cardcodes.CODE_LENGTH:
            return
        self.picked.append(value)
        self._show_picked()
        if len(self.picked) == cardcodes.CODE_LENGTH:
            self._complete()

    def erase(self) -> None:
        if self.picked:
            self.picked.pop()
            self._show_picked()

    def _complete(self) -> None:
        code, self.picked = self.picked, []
        if self.mode == CHECK:
            if cardcodes.check_code(self.store, self.learner_id, code):
                self.wrong = 0
                log.info("learner card %s opened with its code", self.learner_id)
                self.accepted.emit(self.learner_id)
                return
            self.wrong += 1
            if self.wrong >= MAX_TRIES:
                self.wait_timer.start()
                self._tell(_("That is not the code. Please wait half a minute, or call a "
                             "helper."))
                self.retranslate()
                self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                self._tell(_("That is not the code. Please try again."))
                self._show_picked()
        elif self.mode == NEW:
            self._first = code
            self.mode = REPEAT
            self.message.hide()
            self.retranslate()
            if self._say is not None:
                self._say(self.prompt.plain())
        else:
            if code != self._first:
                self._first = []
                self.mode = NEW
                self.retranslate()
                self._tell(_("The two were not the same. Please choose your code again."))
                return
            try:
                cardcodes.set_code(self.store, self.learner_id, self.kind, code)
            except StoreError as error:
                self._tell(error.user_message)
                return
            self._tell(_("Your code is saved. Remember it well."))
            self.accepted.emit(self.learner_id)

    def end_wait(self) -> None:
        self.wrong = 0
        self.message.hide()
        self.retranslate()
        self.focus_first()

    # -- keys ------------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        text = event.text()
        if key == Qt.Key.Key_Escape:
            self.back.emit()
            return True
        if key == Qt.Key.Key_Backspace:
            self.erase()
            return True
        if self.mode != ASK and text.isdigit() and len(text) == 1:
            value = int(text)
            if value or self.kind == cardcodes.DIGITS:
                self.pick(value)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            activate_focused()
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            if self.mode == ASK:
                buttons = [self.none_button, self.pictures_button, self.digits_button]
                return move_in_grid(buttons, 1, key)
            return move_in_grid(self.keys, 3, key)
        return False
