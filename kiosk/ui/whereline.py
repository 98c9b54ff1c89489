"""The where-am-I line of the top bar: each line of it on one screen line, never wrapped.

A long lesson title used to wrap onto a second or third line (Hmong titles at 200 % took four),
which pushed the step, the picture and the Back/Repeat/Next row down, and made them jump from
one lesson to the next; at 768 px the window could not fit at all. So each line of the text
keeps one screen line: the player gives "title" and "Step 3 of 7" as two lines (a fixed
two-line band). A title too long for the space left beside the bar's buttons is cut after its
last whole word that fits, with "…", at the bar's large size (shrinking it would go against the
text size the learner chose). The last line is the where-am-I itself ("Step 3 of 7", or a
screen's only line) and is never cut while it can fit: when it is too wide (Hmong at 200 %)
its type gets smaller, never under the 24 px of DESIGN §4b. Nothing is lost: the full text
stays the accessible name (screen readers), `plain()`, what "where am I" (W) says, and the
lesson title is shown whole on its home tile and on the completion screen.

The small notes under it ("Translation not yet checked") are `BarNote`s: one line wide when
there is room, wrapped only when there is not. A plain wrapped QLabel picks a narrow width of
its own and wrapped a short note onto two lines beside empty space, making the bar taller.
"""

from __future__ import annotations

import html
import math

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QFontInfo, QFontMetricsF
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.theme import LINE_HEIGHT_PERCENT, MIN_TEXT_PX, line_breaks_for_display
from kiosk.ui.widgets import TextBlock

ELLIPSIS = "…"
# Rich text is laid out a little wider than QFontMetrics measures (bold, shaping): keep a margin.
SAFETY_PX = 8


def elide_line(line: str, metrics: QFontMetricsF, width: float) -> str:
    """`line` if it fits in `width`, else its longest run of whole words that fits, then "…"."""
    if metrics.horizontalAdvance(line) <= width:
        return line
    words = line.split(" ")
    for count in range(len(words) - 1, 0, -1):
        head = " ".join(words[:count]).rstrip(" —–-:,")
        if head and metrics.horizontalAdvance(head + ELLIPSIS) <= width:
            return head + ELLIPSIS
    # One word longer than the space, or a script written without spaces (Khmer): cut anywhere.
    return metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)


def fitting_pixel_size(line: str, font: QFont, width: float) -> int:
    """The largest pixel size from `font`'s down to MIN_TEXT_PX at which `line` fits `width`."""
    size = max(QFontInfo(font).pixelSize(), MIN_TEXT_PX)
    trial = QFont(font)
    while size > MIN_TEXT_PX:
        trial.setPixelSize(size)
        if QFontMetricsF(trial).horizontalAdvance(line) <= width:
            return size
        size -= 1
    return MIN_TEXT_PX


class WhereLine(TextBlock):
    """A TextBlock whose lines never wrap: each is shortened with "…" to the width it is given."""

    _align = "left"
    _shown = ""

    def __init__(self, role: str = "where", parent: QWidget | None = None) -> None:
        super().__init__(role, parent)
        self.setWordWrap(False)
        # Take the width the bar's buttons leave, whatever the text's own width: the text
        # adapts to the space, never the other way round.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)

    def set_plain(self, text: str, align: str = "left") -> None:
        self._plain, self._align = text, align
        self.setAccessibleName(text)
        self._fit()

    def shown_text(self) -> str:
        """The text as drawn now (lines shortened to the width)."""
        return self._shown

    def _fit(self) -> None:
        font = self.font()
        metrics = QFontMetricsF(font)
        width = self.contentsRect().width() - SAFETY_PX
        *heads, last = self._plain.splitlines() or [""]
        shown = [elide_line(line, metrics, width) for line in heads]
        parts = [html.escape(line_breaks_for_display(line)) for line in shown]
        size = QFontInfo(font).pixelSize()
        if metrics.horizontalAdvance(last) > width:
            size = fitting_pixel_size(last, font, width)
            font = QFont(font)
            font.setPixelSize(size)
            last = elide_line(last, QFontMetricsF(font), width)
        shown.append(last)
        text = html.escape(line_breaks_for_display(last))
        if size != QFontInfo(self.font()).pixelSize():
            text = f'<span style="font-size:{size}px;">{text}</span>'
        parts.append(text)
        self._shown = "\n".join(shown)
        self.setText(
            f'<div style="line-height:{LINE_HEIGHT_PERCENT}%;" align="{self._align}">'
            + "<br>".join(parts) + "</div>"
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().changeEvent(event)
        # The style sheet sets the size: a new text-size level changes how much fits.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()


class BarNote(TextBlock):
    """A note of the top bar: as wide as its text on one line, wrapping only when squeezed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("note", parent)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        margins = self.contentsMargins()
        one_line = (
            math.ceil(QFontMetricsF(self.font()).horizontalAdvance(self.plain()))
            + margins.left() + margins.right() + SAFETY_PX
        )
        width = max(self.minimumSizeHint().width(), one_line)
        return QSize(width, self.heightForWidth(width))
