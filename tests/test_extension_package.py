"""make extension's packages: what each store gets."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

from .conftest import ROOT


def test_chrome_and_firefox_zips_hold_the_runtime_files_only(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "extension" / "package.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True, timeout=60)
    chrome = zipfile.ZipFile(tmp_path / "preflight-chrome.zip")
    firefox = zipfile.ZipFile(tmp_path / "preflight-firefox.zip")
    names = set(chrome.namelist())
    assert names == set(firefox.namelist())
    assert {"manifest.json", "background/worker.js", "content/main.js", "_locales/nl/messages.json", "icons/icon128.png"} <= names
    assert not any(n.startswith("test/") or n.endswith(".py") for n in names), "tests and the packager stay out"

    chrome_manifest = json.loads(chrome.read("manifest.json"))
    firefox_manifest = json.loads(firefox.read("manifest.json"))
    assert chrome_manifest["background"] == {"service_worker": "background/worker.js"}
    scripts = firefox_manifest["background"]["scripts"]
    assert scripts[0] == "shared/namespace.js" and scripts[-1] == "background/worker.js"
    assert all(s in names for s in scripts)
    assert {k: v for k, v in firefox_manifest.items() if k != "background"} == \
        {k: v for k, v in chrome_manifest.items() if k != "background"}
