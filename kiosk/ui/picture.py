"""Step pictures: an SVG or PNG drawn as large as fits, and the mapping to image coordinates.

The file is read only when a step shows it and rendered once per size (SVG through
QSvgRenderer, imported on first use; PNG through QPixmap), so showing a step costs one render
and repaints cost nothing. Practice hotspots are given in image coordinates (the SVG viewBox
or PNG pixels); `map_from_image` and `map_to_image` convert them to and from the widget.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

log = logging.getLogger(__name__)


class Picture(QWidget):
    """An SVG or PNG drawn as large as fits, centred, keeping its proportions.

    The file is read only when the picture is first painted, and the rendering is cached for
    the current size, so showing a step costs one render and repaints cost nothing.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._renderer = None  # QSvgRenderer, imported on first SVG (keeps start-up lean)
        self._pixmap: QPixmap | None = None
        self._source_size = QSize()
        self._box = QRectF()
        self._cache: QPixmap | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)

    def set_image(self, path: Path | None) -> None:
        if path == self._path:
            return
        self._path, self._renderer, self._pixmap, self._cache = path, None, None, None
        self._source_size = QSize()
        if path is not None:
            self._load(path)
        self.update()

    def _load(self, path: Path) -> None:
        if path.suffix.lower() == ".svg":
            from PySide6.QtSvg import QSvgRenderer

            renderer = QSvgRenderer(str(path))
            if renderer.isValid():
                self._renderer = renderer
                box = renderer.viewBoxF()
                self._source_size = QSize(round(box.width()), round(box.height()))
                self._box = box
                return
        else:
            reader = QImageReader(str(path))
            image = reader.read()
            if not image.isNull():
                self._pixmap = QPixmap.fromImage(image)
                self._source_size = self._pixmap.size()
                return
        log.warning("image %s could not be read", path)

    def source_rect(self) -> QRectF:
        """The image's own coordinate box (SVG viewBox or pixel rectangle)."""
        if self._renderer is not None:
            return QRectF(self._box)
        return QRectF(0, 0, self._source_size.width(), self._source_size.height())

    def image_rect(self) -> QRectF:
        """Where the image is drawn inside this widget."""
        src = self.source_rect()
        if src.width() <= 0 or src.height() <= 0:
            return QRectF()
        scale = min(self.width() / src.width(), self.height() / src.height())
        w, h = src.width() * scale, src.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def map_from_image(self, x: float, y: float, width: float, height: float) -> QRectF:
        """A rectangle in image coordinates, in this widget's coordinates."""
        src, dst = self.source_rect(), self.image_rect()
        if src.width() <= 0:
            return QRectF()
        k = dst.width() / src.width()
        return QRectF(
            dst.x() + (x - src.x()) * k, dst.y() + (y - src.y()) * k, width * k, height * k
        )

    def map_to_image(self, x: float, y: float) -> tuple[float, float]:
        src, dst = self.source_rect(), self.image_rect()
        if dst.width() <= 0:
            return (-1.0, -1.0)
        k = src.width() / dst.width()
        return (src.x() + (x - dst.x()) * k, src.y() + (y - dst.y()) * k)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self._cache = None
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        target = self.image_rect()
        if target.isEmpty():
            return
        ratio = self.devicePixelRatioF()
        size = QSize(round(target.width() * ratio), round(target.height() * ratio))
        if self._cache is None or self._cache.size() != size:
            self._cache = self._render(size, ratio)
        painter = QPainter(self)
        painter.drawPixmap(target.topLeft(), self._cache)
        self.paint_overlay(painter)
        painter.end()

    def _render(self, size: QSize, ratio: float) -> QPixmap:
        if self._renderer is not None:
            pixmap = QPixmap(size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._renderer.render(painter)
            painter.end()
        elif self._pixmap is not None:
            pixmap = self._pixmap.scaled(
                size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        else:
            pixmap = QPixmap(1, 1)
            pixmap.fill(Qt.GlobalColor.transparent)
        pixmap.setDevicePixelRatio(ratio)
        return pixmap

    def paint_overlay(self, painter: QPainter) -> None:
        """Subclasses draw on top of the image here (the practice phone draws its targets)."""
