"""The technician's installed bundles, each with Remove (after a question).

The page lists what kiosk.store records as installed (title, version, publisher, its lessons
by their titles). Remove asks first under the bundle (Enter: yes, Escape: no), then runs
kiosk.bundles.remove_bundle and reloads the curriculum in a background task; learners'
progress is kept. The lessons that come with the program are not listed: they always stay.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.bundles.install import remove_bundle
from kiosk.i18n import _
from kiosk.store.bundles import InstalledBundle
from kiosk.ui.screens.technician_bundles import failure
from kiosk.ui.screens.technician_parts import (
    Card,
    Confirm,
    Section,
    TechContext,
    add_now,
    clear_layout,
)
from kiosk.ui.tasks import Task, run_in_background
from kiosk.ui.widgets import TextBlock, big_button

log = logging.getLogger(__name__)


class InstalledSection(Section):
    """Installed bundles, with Remove (after a question)."""

    def __init__(self, ctx: TechContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.intro = TextBlock()
        self.rows_widget = QWidget()
        self.rows = QVBoxLayout(self.rows_widget)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(16)
        self.body_layout.addWidget(self.intro)
        self.body_layout.addWidget(self.rows_widget)
        self.body_layout.addStretch(1)
        self.bundles: list[InstalledBundle] = []
        self.remove_buttons: dict[str, QWidget] = {}
        self.removing: Task | None = None
        self.retranslate()

    def retranslate(self) -> None:
        # Translators: heading of the technician page listing installed bundles.
        self.heading.set_plain(_("Installed lessons"))
        self.refresh()

    def refresh(self) -> None:
        self.bundles = self.ctx.session.store.installed_bundles()
        if self.bundles:
            self.intro.set_plain(_("Lessons installed from bundles. The lessons that come with "
                                   "the kiosk program are always there."))
        else:
            self.intro.set_plain(_("No bundles are installed yet: the kiosk shows only the "
                                   "lessons that come with the program."))
        clear_layout(self.rows)
        self.remove_buttons = {}
        for bundle in self.bundles:
            add_now(self.rows, self._row(bundle))

    def _row(self, bundle: InstalledBundle) -> Card:
        card = Card()
        title = self.ctx.title_of(bundle.titles, bundle.id)
        lessons = []
        for lesson_id in bundle.lessons:
            lesson = self.ctx.session.lesson(lesson_id)
            lessons.append(self.ctx.session.pick(lesson.title).text if lesson else lesson_id)
        heading, details = TextBlock("heading"), TextBlock("muted")
        heading.set_plain(title)
        details.set_plain(_("Version {version} · from {publisher}").format(
            version=bundle.version, publisher=bundle.publisher or bundle.publisher_key))
        listing = TextBlock()
        listing.set_plain(_("Lessons: {names}").format(names=", ".join(lessons)))
        remove = big_button("✕ " + _("Remove"), _("Remove: {title}").format(title=title),
                            _("Its lessons leave the kiosk; you are asked first"))
        confirm = Confirm()
        remove.clicked.connect(lambda _c=False: confirm.ask(
            _("Remove “{title}”? Its lessons leave the kiosk; learners' progress is kept."
              ).format(title=title), _("Yes, remove"), _("No, keep it"),
            lambda: self.remove(bundle, title), back_to=remove))
        row = QHBoxLayout()
        row.addWidget(remove)
        row.addStretch(1)
        for widget in (heading, details, listing):
            card.layout_.addWidget(widget)
        card.layout_.addLayout(row)
        card.layout_.addWidget(confirm)
        self.remove_buttons[bundle.id] = remove
        return card

    def leave(self) -> None:
        for confirm in self.findChildren(Confirm):
            confirm.hide()

    def remove(self, bundle: InstalledBundle, title: str) -> None:
        if self.removing is not None:
            return
        session = self.ctx.session

        def work(_task: Task) -> Any:
            remove_bundle(bundle.id, session.data_dir, session.store)
            try:
                return session.load_curriculum()
            except Exception:  # removed; the lessons list catches up at the next start
                log.exception("lessons not reloaded after removing %s", bundle.id)
                return None

        for button in self.remove_buttons.values():
            button.setEnabled(False)
        self.removing = run_in_background(work, lambda c: self._removed(title, c), self._failed,
                                          name="remove", owner=self)

    def _removed(self, title: str, curriculum: Any) -> None:
        self.removing = None
        if curriculum is not None:
            self.ctx.session.use_curriculum(curriculum)
        self.refresh()
        if self.isVisible() and not self.focus_first():
            self.ctx.focus_column()
        text = _("“{title}” is removed from the kiosk.").format(title=title)
        self.say(text)
        self.ctx.announce(text)
        self.ctx.bundles_changed()

    def _failed(self, error: BaseException) -> None:
        self.removing = None
        self.refresh()
        text = _("Not removed: {reason}").format(reason=failure(error))
        self.say(text, ok=False)
        self.ctx.announce(text)
