"""Builds the store packages: build/extension/preflight-chrome.zip and preflight-firefox.zip (plus unpacked copies).

Firefox runs the background scripts as an event page rather than a service worker, so its manifest lists
the scripts the worker imports; everything else is the same files.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import zipfile
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
SHIPPED = ["manifest.json", "_locales", "icons", "background", "content", "shared", "options", "popup"]


def worker_scripts(manifest: dict) -> list[str]:
    """The worker's importScripts list, as paths from the package root, with the worker last."""
    worker = PurePosixPath(manifest["background"]["service_worker"])
    source = (HERE / worker).read_text(encoding="utf-8")
    imported = re.search(r"importScripts\(([^)]*)\)", source).group(1)
    paths = []
    for name in re.findall(r'"([^"]+)"', imported):
        parts = []
        for part in (worker.parent / name).parts:
            if part == "..":
                parts.pop()
            else:
                parts.append(part)
        paths.append("/".join(parts))
    return [*paths, str(worker)]


def firefox_manifest(manifest: dict) -> dict:
    out = json.loads(json.dumps(manifest))
    out["background"] = {"scripts": worker_scripts(manifest)}
    return out


def copy_tree(target: Path, manifest: dict) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in SHIPPED[1:]:
        shutil.copytree(HERE / name, target / name)
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def zip_tree(source: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(source).as_posix())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE.parent / "build" / "extension")
    args = parser.parse_args()
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    for browser, variant in (("chrome", manifest), ("firefox", firefox_manifest(manifest))):
        tree = args.out / browser
        copy_tree(tree, variant)
        archive = args.out / f"preflight-{browser}.zip"
        zip_tree(tree, archive)
        print(f"{archive} ({archive.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
