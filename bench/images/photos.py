"""The benchmark's photographs: Debian wallpaper packages and scikit-image's samples, installed, never fetched."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

# Every file here was looked at: real photographs only (the packages also ship renders, gradients and
# logos, which are left out). Plasma ships several resolutions of one wallpaper: only the largest is listed.
WALLPAPERS = {
    "lomiri-wallpapers-16.04": [
        "/usr/share/backgrounds/Bridge_by_Sander_Klootwijk.jpg",
        "/usr/share/backgrounds/Dragonfly_by_Bolly.jpg",
        "/usr/share/backgrounds/Picture_0B_by_freespace.jpg",
        "/usr/share/backgrounds/Picture_1A_by_freespace.jpg",
        "/usr/share/backgrounds/Wine_by_Jakkub_Mede.jpg",
        "/usr/share/backgrounds/aitzgorri_by_Aitzol_Berasategi.jpg",
        "/usr/share/backgrounds/free_by_Peter_Nerlich.jpg",
        "/usr/share/backgrounds/friends_by_Aitzol_Berasategi.jpg",
        "/usr/share/backgrounds/life_by_Aitzol_Berasategi.jpg",
        "/usr/share/backgrounds/picosdeeuropa_by_Aitzol_Berasategi.jpg",
        "/usr/share/backgrounds/seeding_by_Clements_Engelhardt.jpg",
        "/usr/share/backgrounds/sunset_by_Aitzol_Berasategi.jpg",
    ],
    "lomiri-wallpapers-20.04": [
        "/usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg",
    ],
    "mate-backgrounds": [
        f"/usr/share/backgrounds/mate/nature/{name}.jpg"
        for name in ("Aqua", "Blinds", "Dune", "FreshFlower", "Garden", "GreenMeadow", "LadyBird", "RainDrops",
                     "Storm", "TwoWings", "Wood", "YellowFlower")
    ],
    "plasma-workspace-wallpapers": [
        f"/usr/share/wallpapers/{name}/contents/images/{size}.jpg"
        for name, size in (("BytheWater", "2560x1600"), ("ColdRipple", "2560x1600"), ("ColorfulCups", "2560x1600"),
                           ("DarkestHour", "2560x1600"), ("EveningGlow", "2560x1600"), ("FallenLeaf", "2560x1600"),
                           ("Grey", "2560x1600"), ("Kite", "2560x1600"), ("OneStandsOut", "2560x1600"),
                           ("Path", "2560x1600"), ("Volna", "5120x2880"), ("summer_1am", "2560x1600"))
    ],
}
SKIMAGE_PHOTOS = ("astronaut.png", "brick.png", "camera.png", "chelsea.png", "coffee.png", "coins.png", "grass.png",
                  "gravel.png", "hubble_deep_field.jpg", "ihc.png", "moon.png", "motorcycle_left.png", "retina.jpg",
                  "rocket.jpg", "clock_motion.png", "cell.png")
# Photos larger than this on their longer side are scaled down first: a social post is rarely bigger.
MAX_SIDE = 2560
# Large photos are cut into non-overlapping tiles of about this many pixels a side, each its own picture.
TILE_SIDE = 512


@dataclass(frozen=True)
class Photo:
    """One picture of the benchmark: a whole photograph or one tile of it."""

    name: str
    source: str
    image: Image.Image


def missing_packages() -> list[str]:
    """Debian packages whose photographs are not on this machine."""
    return [package for package, files in WALLPAPERS.items() if not all(Path(f).exists() for f in files)]


def photographs() -> list[tuple[str, Image.Image]]:
    """Every installed photograph, distinct by content, in a fixed order."""
    found = [(path, path) for files in WALLPAPERS.values() for path in files if Path(path).exists()]
    try:
        import skimage.data
    except ImportError:
        pass
    else:
        base = Path(skimage.data.__file__).parent
        found += [(f"skimage:{name}", str(base / name)) for name in SKIMAGE_PHOTOS if (base / name).exists()]
    seen, photos = set(), []
    for name, path in found:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        with Image.open(path) as opened:
            image = opened.convert("RGB")
        scale = MAX_SIDE / max(image.size)
        if scale < 1:
            image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
        photos.append((name, image))
    return photos


def tiles(name: str, image: Image.Image, limit: int) -> list[Photo]:
    """Non-overlapping tiles (at most `limit`) of a large photo; small photos stay whole."""
    columns = max(1, min(5, round(image.width / TILE_SIDE)))
    rows = max(1, min(5, round(image.height / TILE_SIDE)))
    while columns * rows > limit:
        if image.width / columns < image.height / rows:
            columns -= 1
        else:
            rows -= 1
    width, height = image.width // columns, image.height // rows
    return [Photo(f"{name}#{r}.{c}" if columns * rows > 1 else name, name,
                  image.crop((c * width, r * height, (c + 1) * width, (r + 1) * height)))
            for r in range(rows) for c in range(columns)]
