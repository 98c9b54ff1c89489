"""The languages table: the shipped file, lookups, and plain errors for a broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.content.languages import LanguagesError, load_languages

GOOD = """\
languages:
  - {code: vi, name: Tiếng Việt, name_vi: Tiếng Việt, script: Latn, fonts: [Noto Sans],
     plural: "nplurals=1; plural=0;", tts: vi, babel: vi, fallback: []}
  - {code: tyz, name: Tày, name_vi: Tiếng Tày, script: Latn, fonts: [Noto Sans],
     plural: "nplurals=1; plural=0;", tts: null, babel: vi, fallback: [vi]}
topics:
  - {id: device, name_vi: Thiết bị}
"""


def test_shipped_table(languages):
    assert languages.codes[0] == "vi"
    assert {"vi", "tyz", "blt", "hmn", "km", "cjm"} <= set(languages.codes)
    assert "tay" not in languages  # Atayal; Tày is tyz
    vi = languages.get("vi")
    assert (vi.script, vi.tts, vi.babel) == ("Latn", "vi", "vi")
    blt = languages.get("blt")
    assert blt.script == "Tavt" and blt.fonts[0] == "Noto Sans Tai Viet" and blt.tts is None
    assert languages.get("km").babel == "km"
    assert languages.find("xx") is None
    with pytest.raises(KeyError):
        languages.get("xx")
    assert languages.topic_ids[0] == "device" and "identity" in languages.topic_ids
    assert languages.topic("identity") is not None
    assert languages.topic_order("device") < languages.topic_order("identity")
    assert languages.topic_order("unknown") == len(languages.topics)
    assert [lang.code for lang in languages.languages] == list(languages.codes)


def test_load_is_cached_per_path(tmp_path: Path):
    path = tmp_path / "languages.yaml"
    path.write_text(GOOD, encoding="utf-8")
    table = load_languages(path)
    assert load_languages(path) is table
    assert table.codes == ("vi", "tyz")
    assert table.fallback("tyz") == ("vi",) and table.fallback("zz") == ()
    assert load_languages() is not table


@pytest.mark.parametrize(("text", "fragment"), [
    ("languages: []\ntopics: []\n", "`languages` must be a non-empty list"),
    (GOOD.replace("code: vi,", "code: vie,"), "Vietnamese (`vi`) must be in the table"),
    (GOOD.replace("code: tyz,", "code: vi,"), "language code listed twice: vi"),
    (GOOD.replace("fallback: [vi]", "fallback: [xx]"), "falls back to unknown xx"),
    (GOOD.replace("name: Tày,", "name: '',"), "`name` must be a non-empty text"),
    (GOOD.replace("fonts: [Noto Sans],\n     plural: \"nplurals=1; plural=0;\", tts: null",
                  "fonts: Noto,\n     plural: \"nplurals=1; plural=0;\", tts: null"),
     "`fonts` must be a list of names"),
    ("languages: [\n", "is not valid YAML"),
    ("- just a list\n", "expected `languages:` and `topics:`"),
    (GOOD.replace("topics:\n  - {id: device, name_vi: Thiết bị}\n", "topics: [x]\n"),
     "topics[0] must be a mapping"),
])
def test_broken_tables_raise_a_plain_error(tmp_path: Path, text: str, fragment: str):
    path = tmp_path / "languages.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LanguagesError) as caught:
        load_languages(path)
    assert fragment in caught.value.user_message


def test_missing_or_non_utf8_table(tmp_path: Path):
    with pytest.raises(LanguagesError, match="cannot read the languages table"):
        load_languages(tmp_path / "nope.yaml")
    path = tmp_path / "latin1.yaml"
    path.write_bytes("languages: [Tày]\n".encode("latin-1"))
    with pytest.raises(LanguagesError, match="is not UTF-8 text"):
        load_languages(path)
