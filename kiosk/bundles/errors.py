"""Typed errors of lesson bundles, each with a plain-language message for the technician.

Every refusal of a bundle (pack, verify, install, remove, trust) raises a `BundleError`
subclass. Its `user_message` is one line in plain words, built from an English msgid through
`kiosk.i18n._`, so the command line prints it as `kiosk: <message>` and the technician screen
can show it translated. The technical detail (the exception that caused it, offsets, hashes)
goes to the log, never to the person at the kiosk. Each refusal leaves the kiosk unchanged.
"""

from __future__ import annotations

from kiosk.errors import KioskError


class BundleError(KioskError):
    """A bundle could not be packed, verified, installed or removed; the message says why."""


class FormatError(BundleError):
    """Not a lesson bundle, a malformed manifest, or a format version this kiosk does not know."""


class DamagedBundleError(BundleError):
    """The bundle file is incomplete or unreadable (cut short, or the USB stick was pulled)."""


class SignatureError(BundleError):
    """The manifest does not match its signature: it was changed after signing."""


class UntrustedKeyError(BundleError):
    """The bundle is signed by a key that is not in the kiosk's trust store."""


class KeyFileError(BundleError):
    """A key or keyring file cannot be read, or is not what it claims to be."""


class UnsafePathError(BundleError):
    """A name in the bundle could escape the bundle folder, is a link or special file, or
    collides with another name on a case-insensitive or Unicode-normalising disk."""


class IntegrityError(BundleError):
    """A file is missing, extra, or differs from the size and hash the manifest promises."""


class TooLargeError(BundleError):
    """The bundle or one of its files is larger than the kiosk accepts (zip bomb guard)."""


class KioskTooOldError(BundleError):
    """The bundle needs a newer kiosk program."""


class DowngradeError(BundleError):
    """The same or a newer version of the bundle is already installed."""


class DiskFullError(BundleError):
    """There is not enough free space in the data folder."""


class CancelledError(BundleError):
    """The technician cancelled the install; nothing was changed."""


class BusyError(BundleError):
    """Another install or removal is running in the same data folder."""


class NotInstalledError(BundleError):
    """No installed bundle has the given id."""


class PackError(BundleError):
    """The lesson folders cannot be packed (invalid lessons, nothing to pack, bad options)."""


class InstallFailedError(BundleError):
    """The install failed for a reason outside the bundle (a disk error other than full)."""
