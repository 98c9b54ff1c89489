"""Tiles: big buttons that hold several lines of text (a lesson, a language, a learner card).

A QPushButton sizes itself from its own one-line text, which would clip wrapped titles at
150 % and 200 % text. `Tile` lays its lines out with a real layout and reports that layout's
height for the width it gets, so grids of tiles reflow when the text grows. The lines are
transparent to the mouse: a tap anywhere on the tile presses it. `TileGrid` arranges tiles
in as many columns as fit the width and the text size.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.theme import MIN_TARGET_PX
from kiosk.ui.widgets import TextBlock


class Tile(QPushButton):
    """A pressable card with a title line and optional smaller lines below it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "tile")
        self.setAutoDefault(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(20, 14, 20, 14)
        self._layout.setSpacing(4)
        self.lines: list[TextBlock] = []

    def set_lines(
        self, lines: Sequence[tuple[str, str]], families: Sequence[Sequence[str]] = ()
    ) -> None:
        """(text, role) per line; `families` optionally gives each line its font families."""
        while len(self.lines) < len(lines):
            block = TextBlock()
            block.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self._layout.addWidget(block)
            self.lines.append(block)
        for i, block in enumerate(self.lines):
            if i >= len(lines):
                block.hide()
                continue
            text, role = lines[i]
            if block.property("role") != role:
                block.setProperty("role", role)
                # Re-polishing is costly; a block not yet shown is polished when it shows.
                if block.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
                    block.style().unpolish(block)
                    block.style().polish(block)
            if i < len(families) and families[i]:
                font = QFont(block.font())
                font.setFamilies(list(families[i]))
                block.setFont(font)
            block.set_plain(text)
            block.show()
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt naming)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return max(MIN_TARGET_PX, self._layout.totalHeightForWidth(width))

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = self._layout.totalSizeHint()
        return QSize(hint.width(), max(MIN_TARGET_PX, self.heightForWidth(max(hint.width(), 300))))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, MIN_TARGET_PX)


class TileGrid(QWidget):
    """Tiles in rows of as many columns as fit: `column_width` grows with the text size."""

    def __init__(self, column_width: int = 560, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(16)
        self.column_width = column_width
        self.scale = 1.0
        self.tiles: list[QWidget] = []
        self.columns = 1

    def set_tiles(self, tiles: Sequence[QWidget]) -> None:
        for tile in self.tiles:
            if tile not in tiles:
                self.grid.removeWidget(tile)
                tile.hide()
                tile.deleteLater()
        self.tiles = list(tiles)
        self._arrange(force=True)

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        self._arrange(force=True)

    def _wanted_columns(self) -> int:
        width = self.width() if self.width() > 0 else 1200
        return max(1, int(width // (self.column_width * self.scale)))

    def _arrange(self, force: bool = False) -> None:
        columns = self._wanted_columns()
        if not force and columns == self.columns:
            return
        self.columns = columns
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        for i, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, i // columns, i % columns)
            # Shown now, not on the next event-loop turn, so it can take the focus at once.
            tile.show()
        for c in range(self.grid.columnCount()):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)
        # Keep tab order equal to reading order.
        for before, after in zip(self.tiles, self.tiles[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange()
