"""`kiosk run`: start the Qt application, open the data, show the home screen.

It creates the QApplication, loads the bundled fonts (assets/fonts) so every script renders
without relying on the system, opens the store, loads the language table and the curriculum
(built-in or --lessons folders, plus installed bundles; lesson problems are logged, never
fatal), applies the theme at the remembered text size and shows the main window full screen
(or 1366×768 with --windowed). A data folder that cannot be opened gets a plain message box
and exit code 1, never a traceback.
`--exit-when-ready` prints `ready in N ms` (N counted from the start of the process) once the
home screen is shown, painted and its first tile has the keyboard focus, then exits 0.
Imports are kept to what the first screen needs: start-up time is a budget (DESIGN §10).
Speech (`start_speech`: the TTS worker, its WAV cache in the data folder, the QtMultimedia
narrator) starts only after the home screen is painted, and is closed when the app quits;
`--voice` starts in voice mode (F12 toggles it; see kiosk.ui.keys). `--exit-when-ready` never
starts speech: it measures the home screen alone.
The background sync worker (`MainWindow.start_sync`) starts a moment after the home screen, as
speech does, and never with `--exit-when-ready`; closing the window stops it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from kiosk.content.languages import LanguageTable
    from kiosk.speech.engine import TtsEngine
    from kiosk.speech.playback import Narrator
    from kiosk.store import Store
    from kiosk.ui.window import MainWindow

log = logging.getLogger(__name__)

WINDOWED_SIZE = (1366, 768)
READY_TIMEOUT_MS = 20_000
WARM_UP_DELAY_MS = 300
SYNC_START_DELAY_MS = 2000  # after the warm-up: importing kiosk.sync competes for the CPU
EXIT_OK, EXIT_FAILED = 0, 1


@dataclass
class RunOptions:
    data_dir: Path
    lesson_dirs: list[Path] | None
    language: str | None
    voice: bool
    windowed: bool
    exit_when_ready: bool


def process_start() -> float:
    """The process's start as a `time.perf_counter()` value (so interpreter start-up counts)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time since boot
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - started
        if 0 <= age < 600:
            return time.perf_counter() - age
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    cli = sys.modules.get("kiosk.cli")
    return float(getattr(cli, "START", _IMPORTED))


_IMPORTED = time.perf_counter()


def load_fonts(folder: Path) -> list[str]:
    """Register every bundled font file; returns the families Qt now knows from them."""
    from PySide6.QtGui import QFontDatabase

    families: list[str] = []
    for path in sorted(folder.glob("*")):
        if path.suffix.lower() not in (".ttf", ".otf"):
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("font %s could not be loaded", path)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(set(families))


def _fail(message: str, detail: str, show_dialog: bool) -> int:
    from kiosk.i18n import _

    log.debug("start-up failed: %s", detail)
    print(f"kiosk: {message}", file=sys.stderr)
    if show_dialog:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Critical, _("The kiosk cannot start"), message)
        box.setInformativeText(_("Please call the technician."))
        box.setAccessibleName(_("The kiosk cannot start"))
        box.exec()
    return EXIT_FAILED


def run(options: RunOptions) -> int:
    started = process_start()
    from PySide6.QtWidgets import QApplication

    from kiosk.ui import process_memory

    process_memory.stop_source_caching()  # before the imports below: DESIGN §10 memory budget
    from kiosk import config
    from kiosk.i18n import _
    from kiosk.ui import startup

    startup.prepare(options.data_dir)  # log file, crash tracebacks

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(config.APP_NAME)
    load_fonts(config.assets_dir() / "fonts")
    interactive = not options.exit_when_ready

    from kiosk.store import DamagedDatabaseError, StoreError

    try:
        # Checked first; a damaged file gets the recovery screen, never a crash.
        store = startup.open_store_checked(
            config.database_path(options.data_dir), interactive, options.windowed
        )
    except DamagedDatabaseError as error:
        return _fail(str(error), repr(error), show_dialog=False)
    except StoreError as error:
        # Translators: shown when the kiosk's data file is damaged or unreadable.
        message = _("The kiosk's saved data cannot be opened: {reason}").format(reason=error)
        return _fail(message, repr(error), interactive)
    except OSError as error:
        message = _("The data folder cannot be opened: {reason}").format(reason=error.strerror)
        return _fail(message, repr(error), interactive)
    try:
        return _run_with_store(app, store, options, started)
    finally:
        store.close()


def _install_leftovers(data_dir: Path) -> bool:
    """What an interrupted first install leaves (kiosk.bundles.install's STAGING_DIR and
    BUNDLES_DIR): then the bundle machinery runs at start-up to clean it."""
    return (data_dir / "staging").exists() or (data_dir / "bundles").exists()


def _bundle_dirs(data_dir: Path, store: Store) -> list[Path]:
    """Lesson folders of installed bundles; a broken install never stops the kiosk."""
    try:
        if not store.installed_bundles() and not _install_leftovers(data_dir):
            return []  # the common case: skip importing the bundle machinery at start-up
        from kiosk.bundles.install import installed_lesson_dirs

        return installed_lesson_dirs(data_dir, store)
    except Exception:
        log.exception("installed bundles could not be listed; showing the built-in lessons")
        return []


def _run_with_store(app: QApplication, store: Store, options: RunOptions, started: float) -> int:
    from kiosk import config
    from kiosk.content.cache import cache_path
    from kiosk.content.catalog import load_curriculum
    from kiosk.content.languages import load_languages
    from kiosk.ui import theme
    from kiosk.ui.session import Session
    from kiosk.ui.window import MainWindow, apply_language_font

    # Unchanged lessons come checked from the content cache: no YAML parsed at start-up.
    cache = cache_path(options.data_dir)
    languages = load_languages(cache=cache)
    base_dirs = list(options.lesson_dirs or [config.builtin_lessons_dir()])
    dirs = [*base_dirs, *_bundle_dirs(options.data_dir, store)]
    curriculum = load_curriculum(dirs, languages, cache=cache)
    for problem in curriculum.problems:
        log.warning("lesson not loaded: %s", problem)
    session = Session(store, curriculum, languages, options.language, lesson_dirs=base_dirs)
    apply_language_font(app, tuple(session.language.fonts))
    scale = theme.clamp_scale(session.setting(theme.SCALE_SETTING, 1.0))
    app.setStyleSheet(theme.stylesheet(scale))  # before the widgets exist: polished once

    window = MainWindow(session, voice=options.voice)
    if options.windowed:
        window.resize(*WINDOWED_SIZE)
        window.show()
    else:
        window.attendant.enable_kiosk_mode()  # full screen, frameless, exits need the PIN
    window.start()
    window.activateWindow()
    probe = None
    if options.exit_when_ready:
        from kiosk.ui.ready import ReadyProbe

        probe = ReadyProbe(window, started, timeout_ms=READY_TIMEOUT_MS)
    else:
        from PySide6.QtCore import QTimer

        from kiosk.ui.ready import AfterFirstPaint

        # Speech after the first paint: the home screen never waits for the TTS worker.
        AfterFirstPaint(window, lambda: start_speech(window, languages, options.data_dir))
        # Once the home screen is up, build the player so the first lesson opens at once.
        QTimer.singleShot(WARM_UP_DELAY_MS, window.warm_up)
        QTimer.singleShot(SYNC_START_DELAY_MS, window.start_sync)
        from kiosk.ui import startup

        startup.after_start(window, options.data_dir)  # daily backup, first-run tutorial
    code = app.exec()
    if probe is not None:
        code = probe.exit_code
    if window.attendant.guard is not None:
        window.attendant.guard.release()  # the program is ending: the window may close
    window.close()
    # Deleted now rather than whenever Python collects it: its timers, probe and event filters
    # end with it (a process that calls run() again, as the tests do, starts clean).
    from PySide6.QtCore import QEvent

    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    from kiosk.ops import logs

    logs.complete(options.data_dir)  # an early exit still leaves its records in the log file
    return code


def start_speech(
    window: MainWindow,
    languages: LanguageTable,
    data_dir: Path,
    engine: TtsEngine | None = None,
) -> Narrator | None:
    """Make the narrator (and, unless given, its TTS engine) and hand it to the window.

    Closed when the application quits. A failure here leaves the kiosk silent with a note,
    never stopped: the lessons still show their text.
    """
    from PySide6.QtWidgets import QApplication

    from kiosk.i18n import _
    from kiosk.speech.cache import WavCache, default_cache_dir
    from kiosk.speech.engine import DEFAULT_RATE
    from kiosk.speech.engine import TtsEngine as Engine
    from kiosk.speech.playback import Narrator as RealNarrator

    own = engine is None
    try:
        engine = engine or Engine(WavCache(default_cache_dir(data_dir)))
        narrator = RealNarrator(
            languages, engine=engine, rate=window.session.speech_rate() or DEFAULT_RATE
        )
    except Exception:
        log.exception("speech could not start; lessons go on with text only")
        screen = window.navigator.current
        if screen is not None:
            screen.add_speech_note(
                _("Narration is not available here: please read the text on the screen.")
            )
        return None

    app = QApplication.instance()
    if app is not None:
        # Bound methods: the connections end with the objects (tests build many narrators).
        app.aboutToQuit.connect(narrator.close)
        if own:
            app.aboutToQuit.connect(engine.close)
    window.attach_narrator(narrator)
    return narrator
