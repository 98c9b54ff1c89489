"""The key table of kiosk.ui.keys: voice keys, and the numeric keypad with Num Lock on and off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent

from kiosk.ui.keys import Action, action_for, keypad_digit, screen_event

K = Qt.Key
PAD = Qt.KeyboardModifier.KeypadModifier
NONE = Qt.KeyboardModifier.NoModifier


def key(code: Qt.Key, mods=NONE, auto: bool = False) -> QKeyEvent:
    return QKeyEvent(QEvent.Type.KeyPress, code, mods, "", auto)


@pytest.mark.parametrize(
    ("code", "mods", "action"),
    [
        (K.Key_F12, NONE, Action.VOICE),
        (K.Key_Asterisk, PAD, Action.VOICE),
        (K.Key_F1, NONE, Action.KEY_GUIDE),
        (K.Key_W, NONE, Action.WHERE),
        (K.Key_Period, PAD, Action.WHERE),
        (K.Key_Delete, PAD, Action.WHERE),  # keypad . with Num Lock off
        (K.Key_Space, NONE, Action.REPEAT),
        (K.Key_5, PAD, Action.REPEAT),
        (K.Key_Clear, PAD, Action.REPEAT),  # keypad 5 with Num Lock off
        (K.Key_0, PAD, Action.STOP),
        (K.Key_Insert, PAD, Action.STOP),
        (K.Key_Plus, NONE, Action.FASTER),
        (K.Key_Equal, NONE, Action.FASTER),
        (K.Key_Plus, PAD, Action.FASTER),
        (K.Key_Minus, NONE, Action.SLOWER),
        (K.Key_Minus, PAD, Action.SLOWER),
        (K.Key_Plus, Qt.KeyboardModifier.ControlModifier, None),  # text size, not speech
        (K.Key_5, NONE, None),  # a main-row digit answers quizzes
        (K.Key_Right, NONE, None),
        (K.Key_Asterisk, NONE, None),
    ],
)
def test_actions(code, mods, action):
    assert action_for(key(code, mods)) is action


def test_typing_keeps_letters_digits_and_space():
    for code, mods in ((K.Key_W, NONE), (K.Key_Space, NONE), (K.Key_Minus, NONE), (K.Key_0, PAD)):
        assert action_for(key(code, mods), typing=True) is None
    assert action_for(key(K.Key_F1), typing=True) is Action.KEY_GUIDE
    assert action_for(key(K.Key_F12), typing=True) is Action.VOICE


def test_keypad_digits_with_num_lock_on_and_off():
    assert keypad_digit(key(K.Key_4, PAD)) == keypad_digit(key(K.Key_Left, PAD)) == 4
    assert keypad_digit(key(K.Key_4)) is None  # the main row is not the keypad
    assert keypad_digit(key(K.Key_Left)) is None  # nor are the arrow keys


@pytest.mark.parametrize(
    ("code", "expected"),
    [(K.Key_4, K.Key_Left), (K.Key_6, K.Key_Right), (K.Key_8, K.Key_Up), (K.Key_2, K.Key_Down),
     (K.Key_Home, K.Key_unknown), (K.Key_1, K.Key_unknown), (K.Key_9, K.Key_unknown)],
)
def test_keypad_as_screens_see_it(code, expected):
    seen = screen_event(key(code, PAD))
    assert seen.key() == expected and not seen.modifiers() & PAD


def test_other_keys_pass_unchanged():
    event = key(K.Key_2)
    assert screen_event(event) is event
    enter = key(K.Key_Enter, PAD)
    assert screen_event(enter) is enter
