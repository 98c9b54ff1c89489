"""The optional birth-decade question of a new learner card: by touch, by keyboard, by voice.

A real window on a real store: the decade chosen lands on the card and in every event the
card sends to the hub afterwards; Skip leaves it unknown; the keyboard contract of DESIGN §8
(arrows, Enter, Escape, Space) and voice mode work on the page like on the others.
"""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.i18n import _
from kiosk.ui.screens.birthdecade import DECADES, age_range
from kiosk.ui.voice import POSITION
from tests.ui.conftest import said
from tests.ui.test_ui_allday import click

KEYS = Qt.Key


def focused():
    return QApplication.focusWidget()


def card_events(window, learner_id: str) -> list[dict]:
    events = window.session.store.pending_events()
    return [e.payload for e in events if e.payload.get("learner_id") == learner_id]


def open_name_page(qtbot, window, name: str) -> None:
    home = window.home
    click(qtbot, home.learner_button)
    click(qtbot, home.learner_page.add_button)
    home.add_page.field.insert(name)


def learn_one_step(press, window) -> None:
    """From the lessons page: open the first lesson and finish its first step."""
    press(KEYS.Key_Return)
    press(KEYS.Key_Right)
    assert window.player.index == 1


def test_age_range_is_about_how_old_today():
    assert age_range(1950, 2026) == (67, 76)
    assert age_range(2000, 2026) == (17, 26)
    assert DECADES[0] == 1930 and DECADES[-1] == 2000 and len(DECADES) == 8


def test_a_decade_chosen_is_kept_and_every_event_carries_it(qtbot, press, kiosk_window):
    window = kiosk_window()
    home = window.home
    open_name_page(qtbot, window, "Lan")
    click(qtbot, home.add_page.save_button)
    page = home.decade_page
    assert home.current_page() is page
    assert window.session.is_guest()  # nothing is made before the question is answered
    assert page.heading.plain() == _("When were you born?")
    assert focused() is page.tiles[0]
    assert page.skip_button.isVisible() and page.skip_button.text().startswith(_("Skip"))
    tile = page.tile_for(1950)
    shown = [line.plain() for line in tile.lines if line.isVisible()]
    youngest, oldest = age_range(1950, dt.date.today().year)
    assert shown == ["1950 – 1959", _("{youngest} to {oldest} years old").format(
        youngest=youngest, oldest=oldest)]
    assert tile.accessibleName() == _("From {first} to {last}").format(first=1950, last=1959)
    click(qtbot, tile)
    assert home.current_page() is home.code_page and home.code_page.mode == "ask"
    click(qtbot, home.code_page.none_button)
    lan = window.session.learner
    assert lan.name == "Lan" and lan.birth_decade == 1950
    assert window.session.store.get_learner(lan.id).birth_decade == 1950
    learn_one_step(press, window)
    events = card_events(window, lan.id)
    assert {e["birth_decade"] for e in events} == {1950} and len(events) >= 2
    assert all("Lan" not in str(e) for e in events)  # the name never leaves the kiosk


def test_skip_makes_the_card_without_a_decade(qtbot, press, kiosk_window):
    window = kiosk_window()
    open_name_page(qtbot, window, "Minh")
    click(qtbot, window.home.add_page.save_button)
    click(qtbot, window.home.decade_page.skip_button)
    click(qtbot, window.home.code_page.none_button)
    minh = window.session.learner
    assert minh.name == "Minh" and minh.birth_decade is None
    learn_one_step(press, window)
    events = card_events(window, minh.id)
    assert events and all(e["birth_decade"] is None for e in events)


def test_keyboard_only(qtbot, press, kiosk_window):
    window = kiosk_window()
    home = window.home
    assert focused() is home.lesson_tiles[0]
    while focused() is not home.learner_button:  # Shift+Tab back to "Learner: Guest"
        press(KEYS.Key_Backtab)
    press(KEYS.Key_Return)
    for _tab in range(10):
        if focused() is home.learner_page.add_button:
            break
        press(KEYS.Key_Tab)
    press(KEYS.Key_Return)
    assert focused() is home.add_page.field
    qtbot.keyClicks(home.add_page.field, "Lan")
    press(KEYS.Key_Return)
    page = home.decade_page
    tiles = page.tiles
    columns = page.grid.columns
    assert columns == 4  # two rows of four at 1366×768
    assert focused() is tiles[0]
    press(KEYS.Key_Right)
    press(KEYS.Key_Right)
    assert focused() is page.tile_for(1950)
    press(KEYS.Key_Down)
    assert focused() is page.tile_for(1990)
    press(KEYS.Key_Down)  # nothing below the last row: Skip
    assert focused() is page.skip_button
    press(KEYS.Key_Left)
    assert focused() is page.back_button
    press(KEYS.Key_Right)
    press(KEYS.Key_Up)
    assert focused() is page.tile_for(1970)  # the start of the last row
    press(KEYS.Key_Escape)  # back to the name, which is still there
    assert home.current_page() is home.add_page and focused() is home.add_page.field
    assert home.add_page.field.text() == "Lan"
    press(KEYS.Key_Return)
    assert home.current_page() is page and focused() is tiles[0]
    press(KEYS.Key_Right)
    press(KEYS.Key_Return)
    assert home.current_page() is home.code_page
    press(KEYS.Key_Return)  # "No code, thank you" has the focus
    assert home.current_page() is home.pages.widget(0)
    assert window.session.learner.name == "Lan"
    assert window.session.learner.birth_decade == 1940
    # A second card, skipped with the keys alone: Down, Down, Enter.
    click(qtbot, home.learner_button)
    click(qtbot, home.learner_page.add_button)
    qtbot.keyClicks(home.add_page.field, "Hai")
    press(KEYS.Key_Return)
    press(KEYS.Key_Down)
    press(KEYS.Key_Down)
    assert focused() is page.skip_button
    press(KEYS.Key_Return)
    press(KEYS.Key_Return)
    assert window.session.learner.name == "Hai" and window.session.learner.birth_decade is None


def test_voice_mode_says_the_question_and_every_tile(qtbot, press, spoken_window, heard,
                                                     speech_log):
    window = spoken_window(voice=True)
    home = window.home
    open_name_page(qtbot, window, "Lan")
    home.add_page.field.setFocus()
    press(KEYS.Key_Return)
    page = home.decade_page
    question = page.question()
    assert question.startswith(_("When were you born?"))
    heard(question)
    first = window.voice.focus_text(page.tiles[0]).values["vi"]
    assert first.startswith(_("From {first} to {last}").format(first=1930, last=1939) + ", ")
    assert _(POSITION).format(n=1, total=len(DECADES)) in first
    heard(first)
    heard_now = said(speech_log)
    assert heard_now.index(question) < heard_now.index(first)  # after the question, not instead
    press(KEYS.Key_Right)
    heard(window.voice.focus_text(page.tiles[1]).values["vi"])
    press(KEYS.Key_Space)  # Space says the question again, then where the focus is
    heard(question, times=2)
    press(KEYS.Key_Down)
    press(KEYS.Key_Down)
    skip = window.voice.focus_text(page.skip_button).values["vi"]
    assert skip.startswith(_("Skip") + ", ")
    heard(skip)
    press(KEYS.Key_Up)
    press(KEYS.Key_Return)  # 1970–1979, the start of the last row
    assert home.current_page() is home.code_page
    press(KEYS.Key_Return)
    assert window.session.learner.birth_decade == 1970


def test_normal_mode_says_the_question_and_space_repeats_it(qtbot, press, spoken_window, heard):
    window = spoken_window()
    open_name_page(qtbot, window, "Lan")
    window.home.add_page.field.setFocus()
    press(KEYS.Key_Return)
    question = window.home.decade_page.question()
    heard(question)
    press(KEYS.Key_Space)
    heard(question, times=2)


def test_autopilot_gives_the_decade_or_skips(qtbot, kiosk_window, tmp_path):
    from kiosk.ui.autopilot import Autopilot

    window = kiosk_window()
    script = tmp_path / "visit.json"
    script.write_text(json.dumps([
        {"new_learner": "Lan", "decade": 1960}, {"open": "ui-demo"}, {"steps": 1},
        {"new_learner": "An"}, {"home": True},
    ]), encoding="utf-8")
    pilot = Autopilot(window, script)
    pilot.start()
    qtbot.waitUntil(lambda: pilot.index == 5, timeout=20_000)
    cards = {c.name: c for c in window.session.learners() if not c.is_guest}
    assert cards["Lan"].birth_decade == 1960 and cards["An"].birth_decade is None
    assert {e["birth_decade"] for e in card_events(window, cards["Lan"].id)} == {1960}
