"""Voice mode and narration in the screens, with real espeak-ng speech read from the speech log."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.content.model import StepKind
from kiosk.i18n import _
from kiosk.speech import speechlog
from kiosk.speech.cache import WavCache
from kiosk.speech.engine import DEFAULT_RATE, RATE_MAX, TtsEngine
from kiosk.ui.narration import vietnamese_ui
from kiosk.ui.navigator import State
from kiosk.ui.screens.home import CHOOSE
from kiosk.ui.voice import (
    KEY_GUIDE,
    POSITION,
    RATE_SAID,
    START_ANNOUNCEMENT,
    VOICE_ON,
    should_echo,
)

PAD = Qt.KeyboardModifier.KeypadModifier
REPO_LESSONS = Path(__file__).resolve().parents[2] / "lessons"


def bar_notes(window) -> list[str]:
    return [w.plain() for w in window.bar.findChildren(QLabel)
            if w.property("role") == "note" and w.isVisible()]


def said(log: Path) -> list[str]:
    return [entry["text"] for entry in speechlog.read_entries(log)]


def seconds(path: str) -> float:
    with wave.open(path, "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def test_echo_decision():
    assert should_echo(voice_mode=True, screen_reader=False)
    assert not should_echo(voice_mode=True, screen_reader=True)
    assert not should_echo(voice_mode=False, screen_reader=False)


def test_normal_mode_announces_the_voice_key_in_vietnamese(qtbot, press, spoken_window, heard):
    window = spoken_window(language="km")  # even when the screen is in Khmer
    (entry,) = heard(vietnamese_ui(START_ANNOUNCEMENT))
    assert entry["lang"] == "vi" and entry["source"] == "tts"
    assert "F12" in entry["text"]
    press(Qt.Key.Key_F12)
    assert window.voice.enabled
    assert window.voice_button.accessibleName().endswith(_("on"))
    heard(_(VOICE_ON))


def test_focus_echo_says_name_role_state_position(qtbot, press, spoken_window, heard):
    window = spoken_window(voice=True)
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Right)
    player = window.player
    assert player.step.kind is StepKind.PRACTICE
    heard(player.step.text.values["vi"])
    press(Qt.Key.Key_Tab)
    hotspot = player.phone.focused_hotspot()
    expected = window.voice.focus_text(hotspot).values["vi"]
    heard(expected)
    assert expected.startswith(hotspot.accessibleName() + ", ")
    assert _(POSITION).format(n=1, total=2) in expected
    assert hotspot.accessibleDescription() in expected
    # Bottom buttons: "Next, button, unavailable, 3 of 3" until both places are pressed.
    player.next_button.setFocus()
    next_text = window.voice.focus_text(player.next_button).values["vi"]
    assert _(POSITION).format(n=3, total=3) in next_text and _("unavailable") in next_text


def test_screen_reader_running_means_no_echo_but_narration(qtbot, press, spoken_window, heard,
                                                         speech_log):
    window = spoken_window(voice=True, lessons=[REPO_LESSONS])
    heard(_(VOICE_ON))
    QAccessible.setActive(True)
    try:
        assert QAccessible.isActive()
        press(Qt.Key.Key_Right)  # to the next lesson tile: a screen reader reads it, we do not
        assert QApplication.focusWidget() is window.home.lesson_tiles[1]
        qtbot.wait(300)
        press(Qt.Key.Key_Return)
        heard(window.player.step.text.values["vi"])  # narration stays
        tile_name = window.home.lesson_tiles[1].accessibleName()
        assert not [t for t in said(speech_log) if t.startswith(tile_name + ",")]
        assert not window.voice.echo_focus()
    finally:
        QAccessible.setActive(False)


def test_any_key_or_click_stops_speech(qtbot, press, spoken_window, heard):
    window = spoken_window(rate=DEFAULT_RATE)
    press(Qt.Key.Key_Return)
    narrator = window.voice.speech.narrator
    heard(window.session.lessons[0].title.values["vi"])
    assert narrator.is_speaking()
    with qtbot.waitSignal(narrator.stopped, timeout=2000):
        press(Qt.Key.Key_Shift)  # a key that does nothing else
    assert not narrator.is_speaking()
    window.player.repeat()
    qtbot.waitUntil(narrator.is_speaking, timeout=5000)
    with qtbot.waitSignal(narrator.stopped, timeout=2000):
        qtbot.mouseClick(window.player.step_text, Qt.MouseButton.LeftButton)
    assert not narrator.is_speaking()


def test_key_guide_where_am_i_and_rate(qtbot, press, spoken_window, heard, data_dir):
    window = spoken_window(rate=None)
    narrator = window.voice.speech.narrator
    assert narrator.rate == DEFAULT_RATE
    press(Qt.Key.Key_F1)
    heard(_(KEY_GUIDE))
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_W)
    lesson = window.player.lesson
    heard(lesson.title.values["vi"])  # (on arrival it was cut short by the Right arrow)
    heard(_("Step {n} of {total}").format(n=2, total=len(lesson.steps)))
    press(Qt.Key.Key_Plus)
    heard(_(RATE_SAID).format(speed=DEFAULT_RATE + 20))
    learner = window.session.store.get_learner(window.session.learner.id)
    assert learner.speech_rate == DEFAULT_RATE + 20 == narrator.rate
    press(Qt.Key.Key_Minus, PAD)
    press(Qt.Key.Key_Minus)
    heard(_(RATE_SAID).format(speed=DEFAULT_RATE - 20))
    for _n in range(12):
        press(Qt.Key.Key_Equal)  # the unshifted "+" key
    assert narrator.rate == RATE_MAX
    assert window.session.store.get_learner(learner.id).speech_rate == RATE_MAX


def test_second_repeat_is_slower(qtbot, press, spoken_window, heard):
    window = spoken_window()
    press(Qt.Key.Key_Return)
    text = window.player.step.text.values["vi"]
    heard(text)
    press(Qt.Key.Key_Space)
    (_first, normal) = heard(text, times=2)
    press(Qt.Key.Key_Space)
    slow = heard(text, times=3)[-1]
    assert slow["parts"] != normal["parts"]
    assert seconds(slow["parts"][0]) > seconds(normal["parts"][0]) * 1.2


def test_number_pad_with_stickers(qtbot, press, spoken_window, heard, speech_log):
    window = spoken_window()
    press(Qt.Key.Key_Enter, PAD)
    player = window.player
    assert window.navigator.state is State.PLAYER
    press(Qt.Key.Key_6, PAD)  # next (Num Lock on)
    assert player.index == 1
    press(Qt.Key.Key_Left, PAD)  # previous (Num Lock off: keypad 4 is an arrow)
    assert player.index == 0
    text = player.step.text.values["vi"]
    heard(text)  # (the first time it was cut short by the keypad 6)
    press(Qt.Key.Key_5, PAD)  # repeat
    heard(text, times=2)
    narrator = window.voice.speech.narrator
    qtbot.waitUntil(narrator.is_speaking, timeout=5000)
    press(Qt.Key.Key_Insert, PAD)  # 0 with Num Lock off: stop
    assert not narrator.is_speaking()
    # 0 held down: the key guide.
    target = QApplication.focusWidget()
    qtbot.keyPress(target, Qt.Key.Key_0, PAD)
    qtbot.wait(1000)
    qtbot.keyRelease(target, Qt.Key.Key_0, PAD)
    heard(_(KEY_GUIDE))
    # On a quiz the pad moves between answers; it never answers by itself.
    player.show_step([s.kind for s in player.lesson.steps].index(StepKind.QUIZ))
    press(Qt.Key.Key_2, PAD)
    assert player.quiz.chosen is None
    assert QApplication.focusWidget() in player.quiz.tiles
    press(Qt.Key.Key_3, PAD)  # a pad digit without a sticker meaning: nothing
    assert player.quiz.chosen is None
    press(Qt.Key.Key_2)  # the main-row digit answers
    assert player.quiz.chosen == player.step.choices[1].id
    heard(player.step.choices[1].feedback.values["vi"])


def test_fallback_note_is_shown_on_the_player(qtbot, press, spoken_window, heard):
    window = spoken_window(language="tyz")
    press(Qt.Key.Key_Return)
    text = window.player.step.text.values["tyz"]
    (entry,) = heard(text)
    assert (entry["lang"], entry["requested"], entry["source"]) == ("vi", "tyz", "tts")
    note = _("No recording in this language: reading in Vietnamese.")
    assert entry["notice"] == note
    assert note in bar_notes(window)
    if not QMediaDevices.audioOutputs():  # this PC has no sound card: said plainly, for good
        assert _("No loudspeaker found: please read the text on the screen.") in bar_notes(window)
        press(Qt.Key.Key_Right)
        assert _("No loudspeaker found: please read the text on the screen.") in bar_notes(window)


@pytest.mark.skipif(not (REPO_LESSONS / "vneid-level1" / "audio" / "hmn").is_dir(),
                    reason="no recorded Hmong narration")
def test_recorded_hmong_narration_plays(qtbot, press, spoken_window, heard):
    window = spoken_window(language="hmn", lessons=[REPO_LESSONS])
    tile = next(t for t in window.home.lesson_tiles if t.lesson_id == "vneid-level1")
    tile.setFocus()
    press(Qt.Key.Key_Return)
    step = window.player.step
    (entry,) = heard(step.text.values["hmn"], timeout=20_000)
    assert (entry["source"], entry["lang"]) == ("recorded", "hmn")
    assert entry["audio"] == str(step.audio["hmn"]) and entry["audio"].endswith(".ogg")
    assert entry["notice"] is None  # (the title, not recorded, was read in Vietnamese)


def test_missing_engine_leaves_text_and_a_note(qtbot, press, spoken_window, heard, tmp_path,
                                               monkeypatch):
    empty = tmp_path / "no-espeak-data"
    empty.mkdir()
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(empty))  # espeak-ng cannot start in the worker
    broken = TtsEngine(WavCache(tmp_path / "cache"))
    try:
        window = spoken_window(engine=broken)
        press(Qt.Key.Key_Return)
        step_text = window.player.step.text.values["vi"]
        (entry,) = heard(step_text, timeout=20_000)
        assert entry["source"] == "none"
        note = _("Narration is not available here: please read the text on the screen.")
        assert note in bar_notes(window)
        assert window.player.step_text.plain() == step_text  # the lesson goes on in text
        press(Qt.Key.Key_Right)
        assert window.player.index == 1
    finally:
        broken.close()


def test_speech_log_lines_are_utterances(spoken_window, heard, speech_log):
    spoken_window(voice=True)
    heard(_(VOICE_ON))
    for entry in speechlog.read_entries(speech_log):
        assert set(entry) >= {"time", "text", "lang", "source", "audio"}


def test_home_repeat_and_where_am_i(qtbot, press, spoken_window, heard, speech_log):
    window = spoken_window(voice=True)
    heard(_(VOICE_ON))
    home = window.home
    press(Qt.Key.Key_W)
    heard(home.heading.plain())
    heard(home.language_button.accessibleName())
    press(Qt.Key.Key_Space)
    heard(_(CHOOSE))
    tile_name = home.lesson_tiles[0].accessibleName()
    qtbot.waitUntil(lambda: any(t.startswith(tile_name + ", ") for t in said(speech_log)))


def test_progress_events_say_whether_voice_mode_was_on(qtbot, press, kiosk_window):
    """The hub counts lessons by voice mode: F12 changes what the next event says."""
    window = kiosk_window()
    store = window.session.store
    press(Qt.Key.Key_Return)  # open the first lesson in normal mode
    assert window.navigator.state is State.PLAYER
    [started] = store.pending_events()
    assert (started.type, started.payload["voice_mode"]) == ("lesson_started", False)
    press(Qt.Key.Key_F12)
    assert window.voice.enabled and window.session.voice_mode is True
    press(Qt.Key.Key_Right)  # the first step is done in voice mode
    assert window.player.index == 1
    step = store.pending_events()[-1]
    assert (step.type, step.payload["step_index"]) == ("step_completed", 0)
    assert step.payload["voice_mode"] is True
    press(Qt.Key.Key_F12)
    assert not window.voice.enabled and window.session.voice_mode is False


def test_a_kiosk_started_in_voice_mode_says_so_from_the_first_event(press, kiosk_window):
    window = kiosk_window(voice=True)  # `kiosk run --voice`
    assert window.session.voice_mode is True
    press(Qt.Key.Key_Return)
    [started] = window.session.store.pending_events()
    assert started.payload["voice_mode"] is True
