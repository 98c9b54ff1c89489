"""The dashboard page in a real headless browser (Debian chromium), served by `kiosk hub serve`.

Screenshots at phone and desktop widths go to artifacts/hub/ for people to look at; the test
reads the page as the browser built it (`--dump-dom`) and checks the Vietnamese text, the
numbers, the suppressed counts and that no learner's name appears. Chromium runs with the
flags this machine needs (no sandbox as root, no background networking: there is no internet).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from kiosk import i18n
from kiosk.hub.enroll import create_code
from kiosk.hub.storage import open_engine
from tests.hub.hubkit import REPO, ProcessHub
from tests.hub.test_hub_report import SECRET_NAME, populate

ARTIFACTS = REPO / "artifacts" / "hub"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(url: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        reason = "chromium is not installed (build/setup-test.sh installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--hide-scrollbars",
               f"--user-data-dir={profile}", *args, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_dashboard_in_a_real_browser(db_url, tmp_path):
    engine = open_engine(db_url)
    hub = ProcessHub(db_url, tmp_path / "data")
    try:
        populate(hub.base_url, lambda commune: create_code(engine, commune))
        page = httpx.get(f"{hub.base_url}/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "<script" not in page.text and "http" not in page.text.split("<body>")[1]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        backend = db_url.split(":")[0].split("+")[0]
        shots = {"phone": "412,4400", "desktop": "1280,3400"}
        for name, size in shots.items():
            target = ARTIFACTS / f"dashboard-{name}-{backend}.png"
            target.unlink(missing_ok=True)
            shot = chromium(f"{hub.base_url}/", tmp_path / f"profile-{name}",
                            f"--window-size={size}", f"--screenshot={target}")
            assert shot.returncode == 0, shot.stderr[-2000:]
            assert target.stat().st_size > 10_000
        dom = chromium(f"{hub.base_url}/", tmp_path / "profile-dom", "--dump-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
    finally:
        hub.stop()
        engine.dispose()
    text = dom.stdout
    assert '<html lang="vi">' in text
    i18n.set_language("vi")
    for message in ("Learning dashboard", "Learners reached", "Where learners stop"):
        assert i18n._(message) in text  # the Vietnamese catalog's words, once translated
    # Vietnamese that comes from data: topic names, the lesson title, the communes.
    for shown in ("Thanh toán không dùng tiền mặt", "An toàn trên mạng",
                  "Thanh toán bằng mã QR", "Xã Tân Lập", "Xã Hòa Bình", "Nhà văn hóa thôn 1"):
        assert shown in text, shown
    assert "&lt; 5" in text  # the two learners of Hòa Bình are not shown as a number
    assert ">83%<" in text.replace(" ", "")  # first-try quiz pass rate (5 of 6)
    assert SECRET_NAME not in text
    assert text.count("<svg") >= 20
