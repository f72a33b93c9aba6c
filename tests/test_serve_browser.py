"""`newscrawl serve` in a real headless Chromium: a Chinese search on the articles page shows its results.

Skipped when no Chromium is installed, unless NEWSCRAWL_TEST_BROWSER=1 (CI), which makes a missing one a failure.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import urllib.parse

import pytest

from test_serve import archive, served  # noqa: F401 - the server fixtures, shared

BROWSER_ENV = "NEWSCRAWL_TEST_BROWSER"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def chromium() -> str:
    found = next((path for path in map(shutil.which, CANDIDATES) if path), None)
    if found:
        return found
    if os.environ.get(BROWSER_ENV) == "1":
        pytest.fail(f"{BROWSER_ENV}=1 but no Chromium found ({', '.join(CANDIDATES)}): apt-get install -y chromium")
    pytest.skip(f"no Chromium binary found (apt-get install -y chromium); set {BROWSER_ENV}=1 to make that a failure")


def headless(chromium: str, profile, *args: str) -> subprocess.CompletedProcess:
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_search_page_in_a_browser(chromium, served, tmp_path):  # noqa: F811 - pytest fixture
    url = f"{served}/archive/articles?{urllib.parse.urlencode({'_search': '党建'})}"
    dom = headless(chromium, tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "2 rows where title or body contains" in dom.stdout
    assert "党建引领乡村振兴" in dom.stdout and "淄博推进基层党建" in dom.stdout
    assert "寿光举行党，建设研讨" not in dom.stdout  # an index candidate that LIKE refuses

    screenshot = tmp_path / "search.png"
    shot = headless(chromium, tmp_path / "profile-shot", f"--screenshot={screenshot}", "--window-size=1200,1600", url)
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 1600)
    assert len(data) > 20_000, "an almost empty screenshot"
    print(f"screenshot: {screenshot}")
