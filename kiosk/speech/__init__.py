"""Narration: which source speaks a step, text made speakable, the TTS worker, cache and playback.

The package is split so that only `playback` imports Qt (QtMultimedia plays the audio); the rest
(`sources`, `lexicon`, `sentences`, `cache`, `tts_worker`, `engine`, `speechlog`, `diagnostics`)
is plain Python that tests and the admin tools use without a QApplication. Screens talk to
`kiosk.speech.playback.Narrator` only.
"""
