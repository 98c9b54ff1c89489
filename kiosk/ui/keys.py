"""The keys of the kiosk, in one table: voice keys, and the numeric keypad with stickers.

Every key means the same in normal and in voice mode (DESIGN §8); voice mode only adds what
is spoken. Besides the screens' own keys (arrows, Enter, Escape, Tab, digits 1–9 on the main
row for quiz answers), these work everywhere:

| key                      | action                                            |
|--------------------------|---------------------------------------------------|
| F12, keypad *            | voice mode on / off                               |
| F1, keypad 0 held        | speak the key guide                               |
| W, keypad .              | where am I (lesson, step n of m)                  |
| Space, keypad 5          | repeat (a second press within seconds: slower)    |
| keypad 0                 | stop speaking                                     |
| + (or =), keypad +       | speak faster (the new rate is said)               |
| -, keypad -              | speak slower                                      |

The keypad works with Num Lock on or off (Qt then sends digits, or arrows, Insert, Clear and
Delete, always with the keypad modifier): 4/6 are Left/Right (previous/next), 8/2 Up/Down,
Enter is Enter. Its other digits do nothing, so a hand on the keypad never answers a quiz by
accident. While a text field has the focus, only F1 and F12 are taken; the rest is typing.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent

K = Qt.Key
KEYPAD = Qt.KeyboardModifier.KeypadModifier
HOLD_MS = 800  # keypad 0 held this long speaks the key guide
# The keys the screens handle themselves (DESIGN §8): Enter presses, arrows move.
ENTER = (K.Key_Return, K.Key_Enter)
ARROWS = (K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down)


class Action(StrEnum):
    VOICE = "voice"
    KEY_GUIDE = "key-guide"
    WHERE = "where"
    REPEAT = "repeat"
    STOP = "stop"
    FASTER = "faster"
    SLOWER = "slower"


# Keypad keys with Num Lock on (digits) and off (navigation keys), by sticker.
_PAD_DIGITS = {getattr(K, f"Key_{n}"): n for n in range(10)}
_PAD_NAV = {
    K.Key_Insert: 0, K.Key_End: 1, K.Key_Down: 2, K.Key_PageDown: 3, K.Key_Left: 4,
    K.Key_Clear: 5, K.Key_Right: 6, K.Key_Home: 7, K.Key_Up: 8, K.Key_PageUp: 9,
}
_PAD_MOVES = {4: K.Key_Left, 6: K.Key_Right, 8: K.Key_Up, 2: K.Key_Down}


def keypad_digit(event: QKeyEvent) -> int | None:
    """The sticker digit of a keypad key (Num Lock on or off), else None."""
    if not event.modifiers() & KEYPAD:
        return None
    key = K(event.key())
    if key in _PAD_DIGITS:
        return _PAD_DIGITS[key]
    return _PAD_NAV.get(key)


def is_keypad_period(event: QKeyEvent) -> bool:
    return bool(event.modifiers() & KEYPAD) and K(event.key()) in (
        K.Key_Period, K.Key_Comma, K.Key_Delete,
    )


def action_for(event: QKeyEvent, typing: bool = False) -> Action | None:
    """The kiosk-wide action of a key press, or None when the screen should handle it."""
    key, mods = K(event.key()), event.modifiers()
    if key == K.Key_F12 or (key == K.Key_Asterisk and mods & KEYPAD):
        return Action.VOICE
    if key == K.Key_F1:
        return Action.KEY_GUIDE
    if typing or mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
        return None
    digit = keypad_digit(event)
    if digit == 5:
        return Action.REPEAT
    if digit == 0:
        return Action.STOP
    if is_keypad_period(event) or (key == K.Key_W and not mods & KEYPAD):
        return Action.WHERE
    if key == K.Key_Space:
        return Action.REPEAT
    if key in (K.Key_Plus, K.Key_Equal):
        return Action.FASTER
    if key == K.Key_Minus:
        return Action.SLOWER
    return None


def screen_event(event: QKeyEvent) -> QKeyEvent:
    """The key as screens should see it: keypad 4/6/8/2 become arrows, other pad digits nothing.

    Keypad Enter is already Enter. Main-row keys come back unchanged.
    """
    digit = keypad_digit(event)
    if digit is None:
        return event
    key = _PAD_MOVES.get(digit, K.Key_unknown)
    mods = event.modifiers() & ~KEYPAD
    return QKeyEvent(QEvent.Type.KeyPress, key, mods, "", event.isAutoRepeat())
