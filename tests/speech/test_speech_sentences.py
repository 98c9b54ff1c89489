"""Splitting narration into sentences for Vietnamese punctuation."""

from __future__ import annotations

from kiosk.speech.sentences import MAX_CHARS, split_sentences


def test_splits_after_sentence_punctuation():
    assert split_sentences("Xin chào bác! Hôm nay học gì? Mình bắt đầu nhé. Xong… Cuối") == [
        "Xin chào bác!", "Hôm nay học gì?", "Mình bắt đầu nhé.", "Xong…", "Cuối"]


def test_keeps_numbers_abbreviations_and_quotes_whole():
    text = 'Đến TP. Hồ Chí Minh, giá 1.500 đồng, v.v. rồi bấm "Cài đặt." Sau đó chờ.'
    assert split_sentences(text) == [
        'Đến TP. Hồ Chí Minh, giá 1.500 đồng, v.v. rồi bấm "Cài đặt."', "Sau đó chờ."]


def test_empty_text_gives_nothing():
    assert split_sentences("  ") == []


def test_long_sentence_is_cut_at_commas():
    clause = "bấm vào biểu tượng hình bánh răng ở góc trên"
    text = ", ".join([clause] * 12) + "."
    parts = split_sentences(text)
    assert len(parts) > 1
    assert all(len(p) <= MAX_CHARS for p in parts)
    assert " ".join(parts) == text
