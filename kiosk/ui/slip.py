"""The completion slip: a one-page PDF the learner can take to the commune, printed if possible.

`slip_for(session, lesson)` gathers what the slip says, in the learner's language: the
lesson's title (in its own script and font), the day it was finished (Babel, through
kiosk.i18n), the learner card's name (or "Guest"), the kiosk's name and commune (set by the
technician) and the 8-character code of kiosk.ops.slipcode, which the commune can record and
check with `kiosk slip check CODE`. `write_pdf` draws it with QPdfWriter (the fonts are
embedded, so Khmer or Tai Viet print right on any PC); `print_slip` sends the same drawing to
the default printer when there is one. `make_slip` does both: the PDF is always kept in
`<data>/slips/`, and the result says whether it was printed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from kiosk.i18n import _, format_date
from kiosk.ops import slipcode

if TYPE_CHECKING:
    from PySide6.QtGui import QPagedPaintDevice

    from kiosk.content.model import Lesson
    from kiosk.ui.session import Session

log = logging.getLogger(__name__)

SLIPS_DIR = "slips"
RESOLUTION = 300
FALLBACK = ("Noto Sans", "Noto Sans Khmer", "Noto Sans Tai Viet", "Noto Sans Cham")


@dataclass(frozen=True)
class Slip:
    lesson_id: str
    lesson_title: str
    title_fonts: tuple[str, ...]
    day: str  # YYYY-MM-DD
    date_text: str
    learner: str
    kiosk_name: str
    commune: str
    code: str
    fonts: tuple[str, ...]


@dataclass(frozen=True)
class SlipResult:
    pdf: Path
    printer: str | None  # the printer's name when it was printed


def slip_for(session: Session, lesson: Lesson) -> Slip:
    from kiosk.store import technician
    from kiosk.ui.screens.choosers import learner_name

    day = session.completed_on(lesson)
    title = session.pick(lesson.title)
    who = technician.identity(session.store)
    return Slip(
        lesson_id=lesson.id,
        lesson_title=title.text,
        title_fonts=tuple(session.fonts_for(title.lang)),
        day=day.isoformat(),
        date_text=format_date(day),
        learner=learner_name(session, session.learner),
        kiosk_name=who.name,
        commune=who.commune,
        code=slipcode.slip_code(session.store, session.learner.id, lesson.id, day.isoformat()),
        fonts=tuple(session.language.fonts),
    )


def slip_path(data_dir: Path, slip: Slip, now: dt.datetime | None = None) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", slip.lesson_id).strip("-") or "lesson"
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return Path(data_dir) / SLIPS_DIR / f"slip-{stamp}-{safe}-{slip.code}.pdf"


def _font(families: tuple[str, ...], points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies([*families, *(f for f in FALLBACK if f not in families)])
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _lines(slip: Slip) -> list[tuple[str, QFont, bool]]:
    """(text, font, centred) from top to bottom."""
    body = slip.fonts
    place = ", ".join(p for p in (slip.kiosk_name, slip.commune) if p) or _("not set")
    return [
        (_("Digital literacy for all"), _font(body, 11), True),
        # Translators: heading of the printed completion slip.
        (_("Completion slip"), _font(body, 20, bold=True), True),
        (_("{learner} finished the lesson").format(learner=slip.learner), _font(body, 13), True),
        (slip.lesson_title, _font(slip.title_fonts or body, 18, bold=True), True),
        (_("Date: {date}").format(date=slip.date_text), _font(body, 13), False),
        (_("Kiosk: {place}").format(place=place), _font(body, 13), False),
        # Translators: on the slip; the code is e.g. "ABCD-EFGH".
        (_("Code: {code}").format(code=slipcode.pretty(slip.code)), _font(body, 16, bold=True),
         False),
        (_("The commune can check this code at the kiosk."), _font(body, 10), False),
    ]


def paint(device: QPagedPaintDevice, slip: Slip) -> None:
    """Draw the slip on a PDF writer or a printer (one page)."""
    painter = QPainter(device)
    if not painter.isActive():
        raise OSError(_("The slip could not be drawn."))
    try:
        area = QRectF(device.pageLayout().paintRectPixels(device.resolution()))
        area.moveTo(0, 0)
        draw(painter, area, device.resolution(), slip)
    finally:
        painter.end()


def draw(painter: QPainter, area: QRectF, dpi: int, slip: Slip) -> None:
    """The slip in `area` of any painter (a page, or an image for screenshots)."""
    pen = QPen(QColor("#000000"))
    pen.setWidthF(dpi / 50)
    painter.setPen(pen)
    painter.drawRect(area.adjusted(1, 1, -1, -1))
    inner = area.adjusted(area.width() * 0.06, area.height() * 0.05,
                          -area.width() * 0.06, -area.height() * 0.05)
    y = inner.top()
    gap = dpi * 0.12
    for text, font, centred in _lines(slip):
        painter.setFont(font)
        flags = int(Qt.TextFlag.TextWordWrap) | int(
            Qt.AlignmentFlag.AlignHCenter if centred else Qt.AlignmentFlag.AlignLeft)
        box = QRectF(inner.left(), y, inner.width(), inner.bottom() - y)
        used = painter.boundingRect(box, flags, text)
        painter.drawText(box, flags, text)
        y += used.height() + gap


def image(slip: Slip, dpi: int = 100):
    """The slip as an A5 image (screenshots and previews)."""
    from PySide6.QtGui import QImage

    width, height = round(148 / 25.4 * dpi), round(210 / 25.4 * dpi)
    picture = QImage(width, height, QImage.Format.Format_RGB32)
    picture.setDotsPerMeterX(round(dpi / 0.0254))
    picture.setDotsPerMeterY(round(dpi / 0.0254))
    picture.fill(QColor("#FFFFFF"))
    painter = QPainter(picture)
    try:
        margin = 10 / 25.4 * dpi
        draw(painter, QRectF(margin, margin, width - 2 * margin, height - 2 * margin), dpi, slip)
    finally:
        painter.end()
    return picture


def write_pdf(path: Path, slip: Slip) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setTitle(_("Completion slip") + ": " + slip.lesson_title)
    writer.setCreator("kiosk")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A5),
                                     QPageLayout.Orientation.Portrait, QMarginsF(10, 10, 10, 10),
                                     QPageLayout.Unit.Millimeter))
    paint(writer, slip)
    del writer  # the file is complete only once the writer is gone
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(_("The slip could not be saved in {path}.").format(path=path))
    return path


def default_printer() -> str | None:
    """The default (or first) printer's name, or None when the PC has none."""
    try:
        from PySide6.QtPrintSupport import QPrinterInfo
    except ImportError:  # a build without print support
        return None
    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        printers = QPrinterInfo.availablePrinters()
        if not printers:
            return None
        info = printers[0]
    return info.printerName() or None


def print_slip(slip: Slip, printer_name: str) -> None:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(printer_name)
    printer.setDocName(_("Completion slip"))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
    paint(printer, slip)


def make_slip(data_dir: Path, slip: Slip) -> SlipResult:
    """Save the slip as a PDF in the data folder, and print it when a printer exists."""
    pdf = write_pdf(slip_path(data_dir, slip), slip)
    printer = default_printer()
    if printer is not None:
        try:
            print_slip(slip, printer)
        except Exception:  # a jammed or vanished printer: the PDF is still there
            log.exception("printing the slip on %s failed", printer)
            printer = None
    log.info("completion slip %s for %s: %s", slip.code, slip.lesson_id,
             f"printed on {printer}" if printer else f"saved as {pdf}")
    return SlipResult(pdf, printer)
