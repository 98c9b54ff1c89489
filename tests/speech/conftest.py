"""Fixtures for speech tests: the real languages table and a real TTS engine.

One engine (one pyttsx3 worker process) serves the whole session, because starting a worker
costs a quarter of a second; tests that break a worker on purpose make their own engine.
Messages are checked in English: the UI catalog is switched off for these tests (an empty
locales folder), whatever the Vietnamese catalog translates today.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.content.languages import LanguageTable, load_languages
from kiosk.speech.cache import WavCache
from kiosk.speech.engine import TtsEngine


@pytest.fixture(scope="session")
def languages() -> LanguageTable:
    return load_languages()


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TtsEngine]:
    tts = TtsEngine(WavCache(tmp_path_factory.mktemp("tts-cache")))
    status = tts.wait_ready(60)
    assert status.state == "ready", status.error
    yield tts
    tts.close()


@pytest.fixture(autouse=True)
def _messages_in_english(english_messages: None) -> None:
    """Messages are checked in English here (see tests/conftest.py)."""
