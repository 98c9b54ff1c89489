"""Offline-first digital-literacy kiosk for village cultural houses (Bình dân học vụ số)."""

__version__ = "0.1.0"
