"""A shared kiosk all day: idle privacy, kiosk mode, help, the key tutorial, card codes, slips."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk import config
from kiosk.cli import main as kiosk_main
from kiosk.content.catalog import load_curriculum
from kiosk.content.languages import load_languages
from kiosk.i18n import _
from kiosk.ops import slipcode
from kiosk.store import cardcodes, open_store, technician
from kiosk.ui import theme
from kiosk.ui.helpcall import DEFAULT_HELP, HELP_TEXT_SETTING, OTHER_KEY, TUTORIAL_DONE_SETTING
from kiosk.ui.idle import IDLE_SETTING, PROMPT_SETTING, STILL_THERE
from kiosk.ui.navigator import State
from kiosk.ui.session import Session
from kiosk.ui.slip import default_printer
from kiosk.ui.window import MainWindow
from tests.ui.conftest import FIXTURE_LESSONS


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def add_card(qtbot, window, name: str, code: list[int] | None = None) -> None:
    """Make a learner card through the home screen, as a learner would."""
    home = window.home
    click(qtbot, home.learner_button)
    click(qtbot, home.learner_page.add_button)
    home.add_page.field.insert(name)  # typed (QTest cannot type Vietnamese letters)
    click(qtbot, home.add_page.save_button)
    click(qtbot, home.decade_page.skip_button)  # the birth decade is optional
    page = home.code_page
    assert home.current_page() is page and page.mode == "ask"
    if code is None:
        click(qtbot, page.none_button)
    else:
        click(qtbot, page.pictures_button)
        for _round in range(2):  # choose, then repeat to be sure
            for value in code:
                click(qtbot, next(k for k in page.keys if k.value == value))
    assert home.current_page() is home.pages.widget(0)
    assert window.session.learner.name == name


def short_idle(window, idle: int = 1, prompt: int = 2) -> None:
    window.session.set_setting(IDLE_SETTING, idle)
    window.session.set_setting(PROMPT_SETTING, prompt)
    window.attendant.reload_settings()


def test_idle_question_then_back_to_guest_with_progress_saved(qtbot, press, kiosk_window):
    window = kiosk_window()
    add_card(qtbot, window, "Lan")
    lan = window.session.learner.id
    press(Qt.Key.Key_Return)  # open the first lesson
    assert window.navigator.state is State.PLAYER
    press(Qt.Key.Key_Right)  # step 1 done
    assert window.player.index == 1
    short_idle(window)
    qtbot.waitUntil(lambda: window.attendant.overlays.current is not None, timeout=10_000)
    prompt = window.attendant.overlays.current
    assert prompt.heading.plain() == _(STILL_THERE)
    assert prompt.here_button.isVisible() and prompt.here_button.hasFocus()
    assert prompt.geometry() == window.rect()  # the lesson behind is hidden
    # Nobody answers: home, on the guest card, nothing of Lan's on the screen.
    qtbot.waitUntil(lambda: window.navigator.state is State.HOME, timeout=10_000)
    assert window.session.is_guest()
    assert window.attendant.overlays.current is None
    assert _("Guest") in window.home.learner_button.text()
    assert window.attendant.resets == 1
    progress = window.session.store.lesson_progress(lan)["ui-demo"]
    assert progress.steps_done == 1 and progress.current_step == 1
    # At rest (lessons, guest card) the question never comes back by itself.
    qtbot.wait(2500)
    assert window.attendant.overlays.current is None


def test_any_key_answers_the_idle_question(qtbot, press, kiosk_window):
    window = kiosk_window()
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Right)
    short_idle(window, prompt=30)
    qtbot.waitUntil(lambda: window.attendant.overlays.current is not None, timeout=10_000)
    prompt = window.attendant.overlays.current
    assert "30" in prompt.countdown.plain()
    press(Qt.Key.Key_Space)
    assert window.attendant.overlays.current is None and not prompt.isVisible()
    assert window.navigator.state is State.PLAYER and window.player.index == 1
    press(Qt.Key.Key_Left)  # the key after the answer works on the lesson again
    assert window.player.index == 0


def kiosk_mode_window(qtbot, ui_app, data_dir: Path) -> MainWindow:
    """The window as `kiosk run` without --windowed builds it: kiosk mode before it shows."""
    store = open_store(config.database_path(data_dir))
    languages = load_languages()
    session = Session(store, load_curriculum([FIXTURE_LESSONS], languages), languages, None)
    ui_app.setStyleSheet(theme.stylesheet(1.0))
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.attendant.enable_kiosk_mode()
    window.start()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return window


def test_kiosk_mode_close_attempt_opens_the_pin_and_the_window_stays(
    qtbot, press, ui_app, data_dir
):
    window = kiosk_mode_window(qtbot, ui_app, data_dir)
    guard = window.attendant.guard
    assert window.isFullScreen()
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.close() is False
    assert window.isVisible()
    qtbot.waitUntil(lambda: window.navigator.state is State.TECHNICIAN)
    tech = window.technician
    assert not tech.unlocked and tech.pages.currentWidget() is tech.pin_page
    window.go_home()
    assert window.navigator.state is State.HOME
    press(Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)  # when the window manager lets it by
    assert window.navigator.state is State.TECHNICIAN
    window.go_home()
    window.home.focus_first()
    press(Qt.Key.Key_Escape, Qt.KeyboardModifier.ControlModifier)
    assert window.navigator.state is State.TECHNICIAN
    window.go_home()
    window.home.focus_first()
    press(Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier)  # swallowed, nothing happens
    assert window.navigator.state is State.HOME
    assert guard.refused_closes == 1
    # The technician's "close the program" releases kiosk mode; then closing works.
    technician.set_pin(window.session.store, "2468")
    guard.release()
    assert window.close() is True
    QApplication.instance().removeEventFilter(window)
    window.session.store.close()


def test_help_button_shows_and_speaks_who_to_ask(qtbot, spoken_window, heard):
    window = spoken_window()
    button = window.attendant.help_button
    assert button.isVisible() and window.bar.isAncestorOf(button)
    click(qtbot, button)
    panel = window.attendant.overlays.current
    assert panel is window.attendant.help_panel and panel.isVisible()
    assert panel.message.plain() == _(DEFAULT_HELP)
    heard(_(DEFAULT_HELP))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.attendant.overlays.current is None
    own = "Hỏi chị Lan ở bàn tiếp đón, hoặc gọi 0912 345 678."
    window.session.set_setting(HELP_TEXT_SETTING, own)
    window.navigator.go(State.PLAYER, lesson_id="ui-demo")
    click(qtbot, button)  # on every screen
    assert panel.message.plain() == own
    heard(own)
    assert window.navigator.state is State.PLAYER


def test_key_tutorial_teaches_by_practice(qtbot, press, kiosk_window):
    window = kiosk_window()
    assert window.attendant.start_tutorial_if_first_run()
    tutorial = window.attendant.tutorial
    assert tutorial.isVisible() and tutorial.index == 0
    press(Qt.Key.Key_Right)  # not the key asked for: said again, gently
    assert tutorial.index == 0 and _(OTHER_KEY) in tutorial.feedback.plain()
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Return):
        press(key)
    assert tutorial.at_end and tutorial.isVisible()
    assert window.navigator.state is State.HOME  # the keys never reached the lessons
    press(Qt.Key.Key_Return)
    assert not tutorial.isVisible()
    assert window.session.setting(TUTORIAL_DONE_SETTING) is True
    assert not window.attendant.start_tutorial_if_first_run()


def test_key_tutorial_is_skipped_with_escape(qtbot, press, kiosk_window):
    window = kiosk_window()
    window.attendant.start_tutorial()
    press(Qt.Key.Key_Space)
    press(Qt.Key.Key_Escape)
    assert window.attendant.overlays.current is None
    assert window.session.setting(TUTORIAL_DONE_SETTING) is True
    assert window.home.first_tile().hasFocus()


def test_protected_card_asks_for_its_picture_code(qtbot, press, kiosk_window):
    window = kiosk_window()
    add_card(qtbot, window, "Hoa", code=[3, 1, 4, 1])
    hoa = window.session.learner.id
    assert cardcodes.code_kind(window.session.store, hoa) == cardcodes.PICTURES
    stored = window.session.setting(cardcodes.PREFIX + hoa)
    assert "3141" not in str(stored)  # only the hash
    # Someone else takes the kiosk: the guest card, then Hoa's card.
    home = window.home
    click(qtbot, home.learner_button)
    click(qtbot, home.learner_page.tiles[0])
    assert window.session.is_guest()
    click(qtbot, home.learner_button)
    tile = next(t for t in home.learner_page.tiles if t.accessibleName() == "Hoa")
    click(qtbot, tile)
    page = home.code_page
    assert home.current_page() is page and page.mode == "check"
    assert window.session.is_guest()  # not open yet
    for key in (Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_1):
        press(key)
    assert page.message.isVisible() and window.session.is_guest()
    assert page.slots.text() == "○○○○"
    for key in (Qt.Key.Key_3, Qt.Key.Key_1, Qt.Key.Key_4):
        press(key)
    assert page.slots.text() == "●●●○"  # dots only: the pictures stay secret
    press(Qt.Key.Key_Backspace)
    press(Qt.Key.Key_4)
    press(Qt.Key.Key_1)
    assert window.session.learner.id == hoa
    assert home.current_page() is home.pages.widget(0)


def test_digit_code_and_escape(qtbot, press, kiosk_window):
    window = kiosk_window()
    add_card(qtbot, window, "Minh")
    minh = window.session.learner.id
    cardcodes.set_code(window.session.store, minh, cardcodes.DIGITS, [0, 9, 0, 9])
    home = window.home
    click(qtbot, home.learner_button)
    click(qtbot, home.learner_page.tiles[0])  # guest
    click(qtbot, home.learner_button)
    click(qtbot, next(t for t in home.learner_page.tiles if t.accessibleName() == "Minh"))
    assert [k.value for k in home.code_page.keys] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]
    press(Qt.Key.Key_Escape)
    assert home.current_page() is home.learner_page and window.session.is_guest()
    click(qtbot, next(t for t in home.learner_page.tiles if t.accessibleName() == "Minh"))
    for key in (Qt.Key.Key_0, Qt.Key.Key_9, Qt.Key.Key_0, Qt.Key.Key_9):
        press(key)
    assert window.session.learner.id == minh


def pdf_text(path: Path) -> str:
    text = "".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def pdf_fonts(path: Path) -> set[str]:
    fonts = pypdf.PdfReader(str(path)).pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]) for font in fonts.values()}


def finish_lesson(press, window) -> None:
    press(Qt.Key.Key_Return)
    from tests.ui.test_ui_walk import walk_with_keys

    walk_with_keys(press, window, window.player.lesson)


def test_completion_slip_pdf_in_vietnamese(qtbot, press, kiosk_window, data_dir, capsys):
    window = kiosk_window()
    add_card(qtbot, window, "Nguyễn Thị Hoa")
    technician.set_identity(window.session.store, "Nhà văn hóa thôn Đông", "Xã Tân Lập")
    finish_lesson(press, window)
    done = window.done
    assert done.slip_button.isVisible()
    press(Qt.Key.Key_Left)
    press(Qt.Key.Key_Return) if done.slip_button.hasFocus() else click(qtbot, done.slip_button)
    slips = sorted((data_dir / "slips").glob("*.pdf"))
    assert len(slips) == 1 and slips[0].stat().st_size > 1000
    text = pdf_text(slips[0])
    title = window.session.pick(window.session.lesson("ui-demo").title).text
    assert " ".join(title.split()) in text
    assert "Nguyễn Thị Hoa" in text and "Xã Tân Lập" in text
    code = slipcode.slip_code(window.session.store, window.session.learner.id, "ui-demo",
                              window.session.completed_on(window.session.lesson("ui-demo"))
                              .isoformat())
    assert slipcode.pretty(code) in text and code in slips[0].name
    if default_printer() is None:
        assert done.slip_note.isVisible() and slips[0].name in done.slip_note.plain()
    window.session.store.close()
    capsys.readouterr()
    assert kiosk_main(["slip", "check", slipcode.pretty(code).lower(), "--data",
                       str(data_dir)]) == 0
    assert "Nguyễn Thị Hoa finished ui-demo" in capsys.readouterr().out
    assert kiosk_main(["slip", "check", "ZZZZ-ZZZZ", "--data", str(data_dir)]) == 1


def test_completion_slip_in_khmer_uses_the_khmer_font(qtbot, press, kiosk_window, data_dir):
    window = kiosk_window(language="km")
    finish_lesson(press, window)
    click(qtbot, window.done.slip_button)
    slip = next((data_dir / "slips").glob("*.pdf"))
    fonts = pdf_fonts(slip)
    assert any("NotoSansKhmer" in f for f in fonts), fonts
    code = slip.stem.rsplit("-", 1)[1]
    assert code in pdf_text(slip).replace("-", "").replace(" ", "")


@pytest.fixture(autouse=True)
def _no_real_printer(monkeypatch):
    """Tests never print on a printer that happens to be installed on the machine."""
    monkeypatch.setattr("kiosk.ui.slip.default_printer", lambda: None)
