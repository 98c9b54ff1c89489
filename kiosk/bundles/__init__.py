"""Signed lesson bundles: pack, verify, install, list and remove, keys and trust, USB discovery.

A bundle (`<id>-<version>.kbundle`) is a zip of lesson folders with a signed manifest
(DESIGN.md §5). Modules: `errors` (typed refusals with plain messages), `paths` (safe names),
`manifest` (the signed description), `keys` (Ed25519 keys, keyrings, the trust store),
`archive` (defensive zip reading), `verify` (signature and hashes), `pack`, `install` (staging,
atomic rename, one transaction, crash recovery), `usb` (the KIOSK/ folder on sticks) and
`fsutil`. Nothing here imports Qt; the technician screen and the CLI call the names below.
"""

from kiosk.bundles.archive import DEFAULT_LIMITS, Limits
from kiosk.bundles.errors import (
    BundleError,
    BusyError,
    CancelledError,
    DamagedBundleError,
    DiskFullError,
    DowngradeError,
    FormatError,
    InstallFailedError,
    IntegrityError,
    KeyFileError,
    KioskTooOldError,
    NotInstalledError,
    PackError,
    SignatureError,
    TooLargeError,
    UnsafePathError,
    UntrustedKeyError,
)
from kiosk.bundles.install import (
    InstallResult,
    install_bundle,
    installed_lesson_dirs,
    list_bundles,
    recover,
    remove_bundle,
)
from kiosk.bundles.keys import TrustStore, generate_keypair, read_public_key, read_secret_key
from kiosk.bundles.manifest import Manifest
from kiosk.bundles.pack import pack_bundle
from kiosk.bundles.usb import BundleStatus, FoundBundle, UsbFolder, find_usb_folders, scan_bundles
from kiosk.bundles.verify import VerifiedBundle, verify_bundle

__all__ = [
    "DEFAULT_LIMITS", "BundleError", "BundleStatus", "BusyError", "CancelledError",
    "DamagedBundleError", "DiskFullError", "DowngradeError", "FormatError", "FoundBundle",
    "InstallFailedError", "InstallResult", "IntegrityError", "KeyFileError", "KioskTooOldError",
    "Limits", "Manifest", "NotInstalledError", "PackError", "SignatureError", "TooLargeError",
    "TrustStore", "UnsafePathError", "UntrustedKeyError", "UsbFolder", "VerifiedBundle",
    "find_usb_folders", "generate_keypair", "install_bundle", "installed_lesson_dirs",
    "list_bundles", "pack_bundle", "read_public_key", "read_secret_key", "recover",
    "remove_bundle", "scan_bundles", "verify_bundle",
]
