"""Speak-as lexicon, NFC and number rules applied before text reaches the TTS voice."""

from __future__ import annotations

import unicodedata

from kiosk.speech.lexicon import DIGITS_MARK, digits_aloud, is_latin_text, speakable

LEXICON = {
    "UBND": "Ủy ban nhân dân",
    "UBND xã": "Ủy ban nhân dân xã Tân Lập",
    "OTP": "mã ô tê pê",
    "Zalo": "da lô",
    "123456": DIGITS_MARK,
}


def test_abbreviation_is_said_in_full():
    assert speakable("Đến UBND để làm thủ tục.", LEXICON) == (
        "Đến Ủy ban nhân dân để làm thủ tục.")


def test_whole_words_only():
    assert speakable("Mã UBNDX và XUBND giữ nguyên.", LEXICON) == "Mã UBNDX và XUBND giữ nguyên."
    assert speakable("(UBND)", LEXICON) == "(Ủy ban nhân dân)"


def test_capitals_key_matches_only_in_capitals_other_keys_in_any_case():
    assert speakable("ubnd Ubnd", LEXICON) == "ubnd Ubnd"
    assert speakable("Mở zalo, ZALO và Zalo.", LEXICON) == "Mở da lô, da lô và da lô."


def test_longest_key_wins_and_replacements_are_not_rewritten():
    assert speakable("Lên UBND xã.", LEXICON) == "Lên Ủy ban nhân dân xã Tân Lập."
    # The value of OTP contains no key, and "UBND" inside a replacement is left alone.
    assert speakable("OTP", {"OTP": "mã OTP", "UBND": "x"}) == "mã OTP"


def test_text_and_lexicon_are_nfc():
    nfd_text = unicodedata.normalize("NFD", "Việt Nam: UBND")
    nfd_lexicon = {"UBND": unicodedata.normalize("NFD", "Ủy ban nhân dân")}
    spoken = speakable(nfd_text, nfd_lexicon)
    assert spoken == "Việt Nam: Ủy ban nhân dân"
    assert unicodedata.is_normalized("NFC", spoken)


def test_marked_number_is_read_digit_by_digit():
    assert speakable("Mã là 123456.", LEXICON) == "Mã là một hai ba bốn năm sáu."
    assert speakable("Mã là 123456.", {}) == "Mã là 123456."  # unmarked: a quantity


def test_phone_and_id_numbers_are_read_digit_by_digit():
    assert speakable("Gọi 0987 654 321.") == (
        "Gọi không chín tám bảy, sáu năm bốn, ba hai một.")
    assert speakable("Số 0987654321") == "Số không chín tám bảy sáu năm bốn ba hai một"
    assert speakable("CCCD 001203004567") == (
        "CCCD không không một hai không ba không không bốn năm sáu bảy")
    assert digits_aloud("12-30") == "một hai, ba không"
    # A comma after the number ends the sentence part, not the number.
    assert speakable("Gọi 0912 345 678, rồi chờ.") == (
        "Gọi không chín một hai, ba bốn năm, sáu bảy tám, rồi chờ.")


def test_quantities_stay_numbers():
    assert speakable("Có 2024 người và 1,5 kg gạo, 50.000 người.") == (
        "Có 2024 người và 1,5 kg gạo, 50.000 người.")


def test_money_dates_and_times():
    assert speakable("Giá 50.000đ hoặc 1.500.000 VND.") == (
        "Giá 50.000 đồng hoặc 1.500.000 đồng.")
    assert speakable("Hẹn 05/03/2024 lúc 07:30 hoặc 14:00.") == (
        "Hẹn ngày 5 tháng 3 năm 2024 lúc 7 giờ 30 phút hoặc 14 giờ.")
    assert speakable("Tỉ lệ 45/13/2024") == "Tỉ lệ 45/13/2024"  # not a real date: untouched


def test_latin_script_detection():
    assert is_latin_text("Tiếng Việt, Êđê ƀuôn, Hmoob")
    assert not is_latin_text("ចុចប៊ូតុង")  # Khmer
    assert not is_latin_text("ꪼꪕꪒꪾ")  # Tai Viet
    assert not is_latin_text("Bấm ꨌꩌ")  # mixed with Cham: still refused
    assert not is_latin_text("123 ...")  # nothing to say
