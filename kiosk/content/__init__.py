"""Lesson content: the model, the languages table, and loading and checking lesson sources.

Modules: `model` (frozen dataclasses every other part reads), `languages` (the table from
lessons/languages.yaml), `text` (NFC, search keys, legacy-encoding detection), `yamlsource`
(YAML with line numbers), `validator` (the rules of lessons/FORMAT.md), `loader` (one lesson
folder from disk), `catalog` (the whole curriculum, and `kiosk lessons validate`) and `cache`
(checked lessons kept in the data folder, so an unchanged curriculum loads without YAML).
Nothing here imports Qt: the kiosk, the hub and the command line all use it.
"""
