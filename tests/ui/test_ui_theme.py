"""The theme keeps its promises: 7:1 contrast for every text pair, 24 px text, 64 px targets."""

from __future__ import annotations

import re

import pytest

from kiosk.ui import theme
from kiosk.ui.widgets import TextBlock


def test_contrast_ratio_known_values():
    assert theme.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert theme.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    # A Material blue with white text fails AAA, as DESIGN §4b warns.
    assert theme.contrast_ratio("#FFFFFF", "#2196F3") < 7
    with pytest.raises(ValueError):
        theme.contrast_ratio("blue", "#FFFFFF")


@pytest.mark.parametrize("name", sorted(theme.TEXT_PAIRS))
def test_every_text_pair_reaches_aaa(name):
    text, background = theme.TEXT_PAIRS[name]
    assert theme.contrast_ratio(text, background) >= 7.0, name


def test_stylesheet_uses_only_listed_pairs():
    """Every colour the style sheet paints text with appears in a checked pair."""
    text_colours = {t.upper() for t, _ in theme.TEXT_PAIRS.values()}
    sheet = theme.stylesheet(1.0)
    for colour in re.findall(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6})", sheet):
        assert colour.upper() in text_colours, colour


@pytest.mark.parametrize("scale", theme.SCALES)
def test_sizes_never_below_minimums(scale):
    sizes = theme.Sizes(scale)
    assert min(sizes.body, sizes.small, sizes.title, sizes.heading, sizes.button) >= 24
    assert sizes.target >= 64
    for px in re.findall(r"font-size:\s*(\d+)px", theme.stylesheet(scale)):
        assert int(px) >= 24


def test_text_size_levels():
    assert theme.SCALES == (1.0, 1.5, 2.0)
    assert theme.cycle_scale(1.0) == 1.5 and theme.cycle_scale(2.0) == 1.0
    assert theme.next_scale(2.0, +1) == 2.0 and theme.next_scale(1.0, -1) == 1.0
    assert theme.clamp_scale("nonsense") == 1.0 and theme.clamp_scale(1.9) == 2.0


def test_paragraph_html_spaces_lines_and_escapes():
    html = theme.paragraph_html("a < b\nsecond")
    assert "line-height:150%" in html and "&lt;" in html and "<br>" in html


KHMER_PHRASE = "ដំឡើងកម្មវិធីអត្តសញ្ញាណអេឡិចត្រូនិកផ្លូវការរបស់ក្រសួងសន្តិសុខសាធារណៈ"


def test_khmer_gets_break_points_between_syllables_only():
    marked = theme.line_breaks_for_display(KHMER_PHRASE)
    assert marked.replace(theme.ZERO_WIDTH_SPACE, "") == KHMER_PHRASE
    assert marked.count(theme.ZERO_WIDTH_SPACE) > 10
    assert "\u17d2" + theme.ZERO_WIDTH_SPACE not in marked  # never inside a coeng cluster
    assert not marked.startswith(theme.ZERO_WIDTH_SPACE)
    vietnamese = "Cài ứng dụng định danh điện tử"
    assert theme.line_breaks_for_display(vietnamese) == vietnamese


def test_long_khmer_phrase_wraps_inside_a_narrow_tile(qtbot):
    label = TextBlock()
    qtbot.addWidget(label)
    label.set_plain(KHMER_PHRASE)
    assert label.accessibleName() == KHMER_PHRASE  # screen readers get the text as written
    assert label.minimumSizeHint().width() < 200
