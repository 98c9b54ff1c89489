"""The look of the kiosk: colours, text sizes, the text-size levels and the Qt style sheet.

Everything visual that a reviewer checks against DESIGN §4b lives here, in one place: every
text/background pair the screens use is listed in `TEXT_PAIRS` and must reach 7:1 (WCAG AAA,
checked by a test with `contrast_ratio`); text is never under 24 px; touch targets are never
under 64 px; lines are spaced 1.5 (applied to rich text by `paragraph_html`). Text can be
enlarged to 150 % and 200 %: `stylesheet(scale)` rebuilds every size from the level, and Qt
re-lays out every widget when the application style sheet changes, which gives the reflow.
This module imports no widgets so it stays cheap and testable without a screen.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

# Text-size levels offered by the "larger text" control, in order.
SCALES: tuple[float, ...] = (1.0, 1.5, 2.0)
SCALE_SETTING = "ui.text_scale"

MIN_TEXT_PX = 24
MIN_TARGET_PX = 64
LINE_HEIGHT_PERCENT = 150


@dataclass(frozen=True)
class Palette:
    """Named colours; only the pairs in TEXT_PAIRS are ever used for text on a background."""

    background: str = "#FFFDF7"  # warm white: less glare than pure white for older eyes
    text: str = "#1B1B1B"
    muted: str = "#333333"
    surface: str = "#FFFFFF"
    border: str = "#4A5868"
    primary: str = "#0A3D7A"  # dark blue; the common Material blues fail 7:1 with white
    primary_pressed: str = "#062A55"
    on_primary: str = "#FFFFFF"
    secondary: str = "#E6EDF7"
    on_secondary: str = "#0A2A55"
    disabled: str = "#DADADA"
    on_disabled: str = "#383838"
    focus: str = "#FFD400"  # yellow fill + black text: the focused item is unmistakable
    on_focus: str = "#000000"
    focus_ring: str = "#000000"
    bar: str = "#14273E"
    on_bar: str = "#FFFFFF"
    success_bg: str = "#E2F3E5"
    success_text: str = "#0E3A16"
    success_ring: str = "#1E7B34"
    hint_bg: str = "#FFF0BF"
    hint_text: str = "#402A00"
    note_bg: str = "#FFE2AD"
    note_text: str = "#3A2300"
    practice_bg: str = "#4E1780"
    on_practice: str = "#FFFFFF"
    target_ring: str = "#E05A00"  # where to press, drawn thick on the phone image


PALETTE = Palette()

# Every text colour on every background the screens use: (text, background).
TEXT_PAIRS: dict[str, tuple[str, str]] = {
    "body": (PALETTE.text, PALETTE.background),
    "muted": (PALETTE.muted, PALETTE.background),
    "tile": (PALETTE.text, PALETTE.surface),
    "tile muted": (PALETTE.muted, PALETTE.surface),
    "primary button": (PALETTE.on_primary, PALETTE.primary),
    "primary pressed": (PALETTE.on_primary, PALETTE.primary_pressed),
    "secondary button": (PALETTE.on_secondary, PALETTE.secondary),
    "disabled button": (PALETTE.on_disabled, PALETTE.disabled),
    "focused item": (PALETTE.on_focus, PALETTE.focus),
    "top bar": (PALETTE.on_bar, PALETTE.bar),
    "success": (PALETTE.success_text, PALETTE.success_bg),
    "hint": (PALETTE.hint_text, PALETTE.hint_bg),
    "note": (PALETTE.note_text, PALETTE.note_bg),
    "practice banner": (PALETTE.on_practice, PALETTE.practice_bg),
    "target label": (PALETTE.on_focus, PALETTE.focus),
    # Lines inside tiles and answers keep their colour while the tile behind them changes.
    "tile text on focus": (PALETTE.text, PALETTE.focus),
    "tile muted on focus": (PALETTE.muted, PALETTE.focus),
    "answer text when right": (PALETTE.text, PALETTE.success_bg),
    "answer text when tried": (PALETTE.text, PALETTE.hint_bg),
    "answer muted when right": (PALETTE.muted, PALETTE.success_bg),
    "answer muted when tried": (PALETTE.muted, PALETTE.hint_bg),
}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a '#RRGGBB' colour."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    r, g, b = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio between two colours, from 1.0 to 21.0."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def clamp_scale(value: object) -> float:
    """A stored text-size level, or 1.0 when the stored value is not one of SCALES."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return SCALES[0]
    return min(SCALES, key=lambda s: abs(s - number))


def next_scale(current: float, step: int) -> float:
    """The level `step` places from `current` (no wrap-around); cycle with `cycle_scale`."""
    index = SCALES.index(clamp_scale(current)) + step
    return SCALES[max(0, min(len(SCALES) - 1, index))]


def cycle_scale(current: float) -> float:
    """100 % → 150 % → 200 % → 100 %: what the one text-size button does."""
    index = SCALES.index(clamp_scale(current))
    return SCALES[(index + 1) % len(SCALES)]


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes for one text-size level."""

    scale: float

    def px(self, base: int) -> int:
        return max(MIN_TEXT_PX, round(base * self.scale))

    @property
    def body(self) -> int:
        return self.px(28)

    @property
    def small(self) -> int:
        return self.px(24)

    @property
    def title(self) -> int:
        return self.px(34)

    @property
    def heading(self) -> int:
        return self.px(30)

    @property
    def button(self) -> int:
        return self.px(26)

    @property
    def target(self) -> int:
        """Minimum height of anything pressable: grows with the text, never under 64 px."""
        return max(MIN_TARGET_PX, round(self.button * 1.3 + 20))

    @property
    def gap(self) -> int:
        return round(12 * min(self.scale, 1.5))


ZERO_WIDTH_SPACE = "\u200b"
_KHMER_BASE = range(0x1780, 0x17B4)  # consonants and independent vowels: a syllable starts here
_KHMER = range(0x1780, 0x1800)
_KHMER_COENG = "\u17d2"  # joins the next consonant below the previous one: never break there


def line_breaks_for_display(text: str) -> str:
    """Mark where a line may break in scripts written without spaces between words.

    Khmer puts no space between words and Qt has no Khmer dictionary, so a long Khmer phrase
    ran past the edge of its tile. A zero-width space before each Khmer syllable (a base
    consonant or independent vowel not joined by a coeng) lets Qt wrap between syllables.
    Only for display: speech and accessible names keep the text as written.
    """
    out: list[str] = []
    previous = ""
    for char in text:
        if (
            ord(char) in _KHMER_BASE
            and previous
            and ord(previous) in _KHMER
            and previous != _KHMER_COENG
        ):
            out.append(ZERO_WIDTH_SPACE)
        out.append(char)
        previous = char
    return "".join(out)


def paragraph_html(text: str, align: str = "left") -> str:
    """Plain lesson text as rich text with 1.5 line spacing (QLabel has no other way to set it)."""
    lines = line_breaks_for_display(text).splitlines()
    body = "<br>".join(html.escape(line) for line in lines) or "&nbsp;"
    return f'<div style="line-height:{LINE_HEIGHT_PERCENT}%;" align="{align}">{body}</div>'


# The top bar and the practice banner grow less than the lesson text: at 200 % they would
# otherwise take half of a 768 px screen and squeeze the step itself.
BAR_SCALE_LIMIT = 1.3


def stylesheet(scale: float = 1.0) -> str:
    """The application style sheet for a text-size level."""
    s, p = Sizes(clamp_scale(scale)), PALETTE
    b = Sizes(min(clamp_scale(scale), BAR_SCALE_LIMIT))
    pad = max(8, s.gap)
    return f"""
QWidget {{ background: {p.background}; color: {p.text}; font-size: {s.body}px; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ border: none; background: {p.background}; }}
QLabel[role="title"] {{ font-size: {s.title}px; font-weight: bold; }}
QLabel[role="heading"] {{ font-size: {s.heading}px; font-weight: bold; }}
QLabel[role="muted"] {{ font-size: {s.small}px; color: {p.muted}; }}
QLabel[role="note"] {{ font-size: {s.small}px; color: {p.note_text}; background: {p.note_bg};
    border-radius: 8px; padding: 4px 12px; }}
QLabel[role="hint"] {{ color: {p.hint_text}; background: {p.hint_bg};
    border: 3px solid {p.hint_text}; border-radius: 10px; padding: {pad}px; }}
QLabel[role="success"] {{ color: {p.success_text}; background: {p.success_bg};
    border: 3px solid {p.success_ring}; border-radius: 10px; padding: {pad}px; }}
QLabel[role="practice"] {{ font-size: {b.small}px; font-weight: bold; color: {p.on_practice};
    background: {p.practice_bg}; border-radius: 8px; padding: 6px 12px; }}
QWidget[role="bar"], QWidget[role="bar"] QLabel {{ background: {p.bar}; color: {p.on_bar}; }}
QLabel[role="where"] {{ font-size: {b.heading}px; font-weight: bold; }}
QWidget[role="bar"] QLabel[role="note"] {{ font-size: {b.small}px; color: {p.note_text};
    background: {p.note_bg}; }}
QLabel#stepText {{ border: 4px solid transparent; border-radius: 8px; padding: 4px 10px; }}
QLabel#stepText:focus {{ border: 4px solid {p.focus_ring}; }}
QPushButton {{ font-size: {s.button}px; min-height: {s.target}px; padding: 4px {pad * 2}px;
    color: {p.on_secondary}; background: {p.secondary}; border: 3px solid {p.border};
    border-radius: 12px; }}
QPushButton[role="primary"] {{ color: {p.on_primary}; background: {p.primary};
    border-color: {p.primary}; font-weight: bold; }}
QPushButton[role="primary"]:pressed {{ background: {p.primary_pressed}; }}
QPushButton[role="tile"] {{ color: {p.text}; background: {p.surface}; text-align: left;
    padding: {pad}px; }}
QPushButton[role="tile"] QLabel, QPushButton[role="answer"] QLabel {{ background: transparent;
    color: {p.text}; }}
QPushButton[role="tile"] QLabel[role="muted"] {{ color: {p.muted}; }}
QPushButton[role="tile"] QLabel[role="heading"] {{ font-weight: bold; }}
QPushButton[role="tile"][done="true"] {{ border-color: {p.success_ring}; }}
QPushButton[role="answer"] {{ text-align: left; color: {p.text}; background: {p.surface}; }}
QPushButton[role="answer"][state="right"] {{ color: {p.success_text}; background: {p.success_bg};
    border: 5px solid {p.success_ring}; }}
QPushButton[role="answer"][state="tried"] {{ color: {p.hint_text}; background: {p.hint_bg};
    border: 5px solid {p.hint_text}; }}
QPushButton[role="nav"] {{ text-align: left; font-size: {b.button}px; min-height: {b.target}px; }}
QPushButton[role="nav"][current="true"] {{ color: {p.on_primary}; background: {p.primary};
    border-color: {p.primary}; font-weight: bold; }}
QPushButton:disabled {{ color: {p.on_disabled}; background: {p.disabled};
    border-color: {p.disabled}; }}
QPushButton:focus, QPushButton[role="primary"]:focus, QPushButton[role="tile"]:focus,
QPushButton[role="answer"]:focus, QPushButton[role="nav"][current="true"]:focus {{
    color: {p.on_focus}; background: {p.focus};
    border: 5px solid {p.focus_ring}; }}
QPushButton[role="bar"] {{ color: {p.on_primary}; background: {p.primary};
    border: 3px solid {p.on_bar}; font-size: {b.button}px; min-height: {b.target}px;
    padding: 4px 14px; }}
QPushButton[role="bar"]:focus {{ color: {p.on_focus}; background: {p.focus};
    border: 5px solid {p.on_bar}; }}
QLineEdit {{ font-size: {s.title}px; min-height: {s.target}px; padding: 4px 12px;
    background: {p.surface}; color: {p.text}; border: 3px solid {p.border}; border-radius: 10px; }}
QLineEdit:focus {{ border: 5px solid {p.focus_ring}; }}
QFrame[role="card"] {{ border: 3px solid {p.border}; border-radius: 12px; }}
QProgressBar {{ min-height: 40px; min-width: 200px; background: {p.surface};
    border: 3px solid {p.border}; border-radius: 10px; }}
QProgressBar::chunk {{ background: {p.primary}; border-radius: 6px; }}
QScrollBar:vertical {{ width: 28px; background: {p.secondary}; border: none; margin: 0; }}
QScrollBar::handle:vertical {{ background: {p.border}; min-height: 64px; border-radius: 10px;
    margin: 3px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; border: none; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
"""
