"""NFC, search folding by script, and legacy TCVN3/VNI detection on real samples."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk.content.text import fold_key, looks_like_legacy_encoding, nfc


def test_nfc_composes_vietnamese():
    decomposed = unicodedata.normalize("NFD", "Việt")
    assert len(decomposed) == 6
    assert nfc(decomposed) == "Việt" and len(nfc(decomposed)) == 4


def test_fold_key_latin_ignores_tones_tone_placement_and_d():
    assert fold_key("Thuỷ lợi") == fold_key("Thủy lợi") == "thuy loi"
    assert fold_key("hoà bình") == fold_key("hòa bình") == "hoa binh"
    assert fold_key("ĐÀ NẴNG") == "da nang"
    assert fold_key(unicodedata.normalize("NFD", "Đắk Lắk")) == "dak lak"
    assert fold_key("Ðà Lạt") == "da lat"  # eth typed in place of Đ
    assert fold_key("mơ̆ng ƀuôn") == "mong ƀuon"  # Ê Đê breve dropped; ƀ is a letter, kept


@pytest.mark.parametrize(("text", "script"), [
    ("ភាសាខ្មែរ", "Khmr"),
    ("ꪼꪕꪒꪾ", "Tavt"),
    ("ꨌꩌ", "Cham"),
])
def test_fold_key_keeps_vowel_signs_of_other_scripts(text, script):
    assert fold_key(text, script) == nfc(text)
    # The same text folded as if Latin would lose its combining vowel signs.
    assert fold_key(text, "Latn") != nfc(text)


def test_fold_key_casefolds_other_scripts():
    assert fold_key("VNeID ភាសា", "Khmr") == "vneid ភាសា"


REAL_TEXT = {
    "vi": "Cài đặt ứng dụng VNeID chính thức. Hôm nay bác đã học gọi video với con cháu.",
    "vi-old-tones": "Hoà thuận, thuỷ lợi, khoẻ mạnh, xoá, Uỷ ban nhân dân, hoạ sĩ, toả sáng.",
    "vi-nfd": unicodedata.normalize("NFD", "Người được hỏi trả lời: không, cảm ơn."),
    "vi-symbols": "«Cài đặt» © 2025 Bộ Công an, 30°C, 1½ kg, ±5, ²",
    "vi-eth": "Ðà Nẵng và Ðồng Nai",
    "tyz": "Slam slip pỉ noọng, hẩu pây, mừa bản. Bấu đảy cài VNeID tứ đường link.",
    "mtq": "Ải lỏ, chẳng pậu, ăn còm, tác bọ.",
    "hmn": "Nruab VNeID thiab sau npe theem 1. Tsis txhob nruab los ntawm txoj link.",
    "rad": "Êđê: Klei bi hriăm; mơ̆ng; ƀuôn Ma Thuôt; ñu čar Đăk Lăk.",
    "jra": "Jrai: ƀing gơñu, ñu, hơdôm, mŭt, rĭm, hrĕ.",
    "bdq": "Bahnar: ŏ, ŭ, ĕ, ơ̆, ô̆, ư̆, ñ, č.",
    "km": "ដំឡើងកម្មវិធីអត្តសញ្ញាណអេឡិចត្រូនិកផ្លូវការរបស់ក្រសួងសន្តិសុខសាធារណៈ។",
    "blt": "ꪼꪈ VNeID ꪵꪩ꫁ ꪒꪰꪉ ꪀꪲ ꪣꪳꪀ 1",
    "cjm": "ꨌꩌ ꨀꨇꩉ ꨌꩌ ꨕꨯꨱ",
    "foreign-name": "Bác Müller gọi điện cho con.",
}

# Real Vietnamese typed in TCVN3 (one byte per letter) or VNI (letter + mark byte), then
# read as Latin-1, which is how such text reaches a UTF-8 file.
MOJIBAKE = {
    "tcvn3-install": "Cµi ®Æt øng dông",  # Cài đặt ứng dụng
    "tcvn3-language": "TiÕng ViÖt",  # Tiếng Việt
    "tcvn3-short": "Cµi VNeID",
    "tcvn3-school": "t«i ®i häc",  # tôi đi học
    "vni-language": "Tieáng Vieät",  # Tiếng Việt
    "vni-install": "Caøi ñaët öùng duïng",  # Cài đặt ứng dụng
    "vni-person": "ngöôøi",  # người
    "vni-country": "Vieät Nam",  # Việt Nam
}


@pytest.mark.parametrize("text", REAL_TEXT.values(), ids=REAL_TEXT.keys())
def test_real_text_is_not_flagged(text):
    assert not looks_like_legacy_encoding(text)
    assert not looks_like_legacy_encoding(nfc(text))


@pytest.mark.parametrize("text", MOJIBAKE.values(), ids=MOJIBAKE.keys())
def test_tcvn3_and_vni_mojibake_is_flagged(text):
    assert looks_like_legacy_encoding(text)


def test_c1_controls_from_cp1252_are_flagged():
    assert looks_like_legacy_encoding("Vi\x86t Nam \x8dang")
