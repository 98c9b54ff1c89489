"""The technician's checks and the way out: versions, free disk, lessons, a speech self-test, and
closing the kiosk program.

"Check the kiosk" lists what a technician reads out on the phone: the program, Python, Qt and
PySide6 versions, the data folder and its free space (QStorageInfo), how many lessons load and
how many came from bundles. "Test the voice" runs kiosk.speech.diagnostics through the
narrator in a background task (the checks start the engine and render a sentence, which takes
seconds) and lists each result. "Close the program" asks first, then leaves kiosk mode.
"""

from __future__ import annotations

import logging
import platform
from pathlib import Path

from PySide6 import QtCore
from PySide6.QtCore import QStorageInfo, qVersion
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk import __version__
from kiosk.bundles.archive import size_text
from kiosk.i18n import _
from kiosk.ui.screens.technician_parts import (
    Confirm,
    Section,
    TechContext,
    add_now,
    clear_layout,
)
from kiosk.ui.tasks import Task, run_in_background
from kiosk.ui.widgets import TextBlock, big_button, describe

log = logging.getLogger(__name__)

LOW_SPACE = 500 * 1024 * 1024  # below this, a new bundle may not fit


def free_space(folder: Path) -> int | None:
    info = QStorageInfo(str(folder))
    return info.bytesAvailable() if info.isValid() and info.isReady() else None


class DiagnosticsSection(Section):
    """Facts about this kiosk, and the speech self-test."""

    def __init__(self, ctx: TechContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.facts = QWidget()
        self.facts_layout = _rows(self.facts)
        self.speech_heading = TextBlock("heading")
        self.test_button = big_button("", "", role="primary")
        self.test_button.clicked.connect(self.test_speech)
        self.results = QWidget()
        self.results_layout = _rows(self.results)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addStretch(1)
        self.body_layout.addWidget(self.facts)
        self.body_layout.addWidget(self.speech_heading)
        self.body_layout.addLayout(row)
        self.body_layout.addWidget(self.results)
        self.body_layout.addStretch(1)
        self.testing: Task | None = None
        self.retranslate()

    def retranslate(self) -> None:
        # Translators: heading of the technician page with versions, disk space and checks.
        self.heading.set_plain(_("Check the kiosk"))
        self.speech_heading.set_plain(_("Voice"))
        self.test_button.setText("▶ " + _("Test the voice"))
        describe(self.test_button, _("Test the voice"),
                 _("Checks the speech engine, the voices and the loudspeaker"))
        self.refresh()

    def fact_lines(self) -> list[tuple[str, bool]]:
        """(line, fine) for each fact; a line that is not fine is shown as a warning."""
        session = self.ctx.session
        data = session.data_dir
        free = free_space(data)
        lessons = session.lessons
        from_bundles = sum(1 for lesson in lessons if data in Path(lesson.folder).parents)
        lines = [
            (_("Kiosk program: version {version}").format(version=__version__), True),
            (_("Python {python}, Qt {qt}, PySide6 {pyside}").format(
                python=platform.python_version(), qt=qVersion(), pyside=QtCore.__version__),
             True),
            (_("Data folder: {path}").format(path=data), True),
        ]
        if free is None:
            lines.append((_("Free space there: unknown"), False))
        else:
            lines.append((_("Free space there: {size}").format(size=size_text(free)),
                          free >= LOW_SPACE))
            if free < LOW_SPACE:
                lines.append((_("Little free space: new lessons may not fit."), False))
        lines.append((_("Lessons on the kiosk: {total} ({bundles} installed from bundles)"
                        ).format(total=len(lessons), bundles=from_bundles), True))
        from kiosk.ops import health  # uptime, crashes, backups, last sync

        lines += health.lines(health.collect(data, session.store), disk=False)
        return lines

    def refresh(self) -> None:
        clear_layout(self.facts_layout)
        for text, fine in self.fact_lines():
            line = TextBlock("" if fine else "hint")
            line.set_plain(text)
            add_now(self.facts_layout, line)

    def leave(self) -> None:
        if self.testing is not None:
            self.testing.abandon()
            self.testing = None
            self.test_button.setEnabled(True)

    def test_speech(self) -> None:
        voice = self.ctx.voice
        narrator = voice.speech.narrator if voice is not None else None
        make_work = getattr(narrator, "diagnostics_work", None)
        if make_work is None:
            self._show([(False, _("The voice is not running on this kiosk (it may still be "
                                  "starting). Lessons still show their text."))])
            return
        checks = make_work()  # reads the audio devices here, on the UI thread
        self._show([(True, _("Testing the voice… this takes a few seconds."))])
        self.test_button.setEnabled(False)
        self.testing = run_in_background(lambda _task: checks(), self._tested, self._failed,
                                         name="speech-test", owner=self)

    def _tested(self, checks: list) -> None:
        self.testing = None
        self.test_button.setEnabled(True)
        self._show([(check.ok, check.message) for check in checks])
        bad = [check for check in checks if not check.ok]
        self.ctx.announce(bad[0].message if bad else _("The voice works."))

    def _failed(self, error: BaseException) -> None:
        self.testing = None
        self.test_button.setEnabled(True)
        log.warning("speech self-test failed: %r", error)
        self._show([(False, _("The voice test could not run: {reason}").format(reason=error))])

    def _show(self, results: list[tuple[bool, str]]) -> None:
        clear_layout(self.results_layout)
        for ok, message in results:
            line = TextBlock("" if ok else "hint")
            line.set_plain(("✓ " if ok else "✗ ") + message)
            add_now(self.results_layout, line)


def _rows(holder: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(8)
    return layout


class ExitSection(Section):
    """Close the kiosk program (leave kiosk mode), after a question."""

    def __init__(self, ctx: TechContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.text = TextBlock()
        self.close_button = big_button("", "", role="primary")
        self.confirm = Confirm()
        self.close_button.clicked.connect(self.ask)
        row = QHBoxLayout()
        row.addWidget(self.close_button)
        row.addStretch(1)
        self.body_layout.addWidget(self.text)
        self.body_layout.addLayout(row)
        self.body_layout.addWidget(self.confirm)
        self.body_layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        # Translators: heading of the technician page that closes the kiosk program.
        self.heading.set_plain(_("Close the kiosk program"))
        self.text.set_plain(_("The kiosk program closes and the computer's desktop shows. "
                              "Learners cannot use the kiosk until it is started again."))
        self.close_button.setText("⏻ " + _("Close the kiosk program"))
        describe(self.close_button, _("Close the kiosk program"), _("You are asked first"))

    def ask(self) -> None:
        self.confirm.ask(_("Close the kiosk program now?"), _("Yes, close it"),
                         _("No, keep it open"), self.ctx.exit_requested, back_to=self.close_button)

    def leave(self) -> None:
        self.confirm.hide()
