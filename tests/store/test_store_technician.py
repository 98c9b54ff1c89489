"""The technician's PIN (a scrypt hash in the settings), the kiosk's name, `kiosk pin reset`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.store import Store, StoreError, open_store
from kiosk.store import technician as tech


def test_pin_is_kept_as_a_salted_scrypt_hash(store: Store) -> None:
    assert not tech.has_pin(store) and not tech.check_pin(store, "2468")
    tech.set_pin(store, "2468")
    record = store.get_setting(tech.PIN_SETTING)
    assert "2468" not in str(record)
    salt = bytes.fromhex(record["salt"])
    expected = hashlib.scrypt(b"2468", salt=salt, n=record["n"], r=record["r"], p=record["p"],
                              maxmem=64 << 20, dklen=32)
    assert bytes.fromhex(record["hash"]) == expected and record["scheme"] == "scrypt"
    assert tech.check_pin(store, "2468")
    for wrong in ("2469", "24680", "", "abcd", "２４６８"):  # fullwidth digits are not digits here
        assert not tech.check_pin(store, wrong)
    tech.set_pin(store, "2468")  # the same PIN again gets a new salt
    assert store.get_setting(tech.PIN_SETTING)["salt"] != record["salt"]


@pytest.mark.parametrize(("pin", "problem"), [
    ("123", "A PIN has 4 to 12 digits."), ("1234567890123", "A PIN has 4 to 12 digits."),
    ("12a4", "A PIN has only digits (0 to 9)."), ("١٢٣٤", "A PIN has only digits (0 to 9)."),
])
def test_a_pin_is_4_to_12_digits(store: Store, pin: str, problem: str) -> None:
    with pytest.raises(StoreError) as caught:
        tech.set_pin(store, pin)
    assert caught.value.user_message == problem
    assert not tech.has_pin(store)


def test_a_damaged_record_opens_nothing(store: Store) -> None:
    tech.set_pin(store, "2468")
    record = store.get_setting(tech.PIN_SETTING)
    for damaged in ({**record, "salt": "zz"}, {**record, "scheme": "plain"}, {"hash": "00"}):
        store.set_setting(tech.PIN_SETTING, damaged)
        assert tech.has_pin(store) and not tech.check_pin(store, "2468")


def test_kiosk_identity_and_defaults(store: Store) -> None:
    assert tech.identity(store) == tech.KioskIdentity("", "")
    saved = tech.set_identity(store, "  Nhà văn hóa   thôn Nà Phầy ", "Xã Yên Thịnh")
    assert saved == tech.identity(store) == tech.KioskIdentity("Nhà văn hóa thôn Nà Phầy",
                                                               "Xã Yên Thịnh")
    assert tech.default_language(store) is None and tech.default_rate(store) is None
    tech.set_default_language(store, "tyz")
    tech.set_default_rate(store, 170)
    assert (tech.default_language(store), tech.default_rate(store)) == ("tyz", 170)


def test_pin_reset_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    with open_store(data / "kiosk.sqlite3") as store:
        tech.set_pin(store, "2468")
    assert main(["pin", "reset", "--data", str(data)]) == 0
    assert "forgotten" in capsys.readouterr().out
    with open_store(data / "kiosk.sqlite3") as store:
        assert not tech.has_pin(store) and not tech.check_pin(store, "2468")
    assert main(["pin", "reset", "--data", str(data)]) == 0
    assert capsys.readouterr().out == "no technician PIN was set\n"
    assert main(["pin"]) == 2
