"""The benchmark's photographs: Debian packages and scikit-image's samples, installed, never fetched."""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from rcc import read_rcc

# Every file here was looked at: real photographs only (the packages also ship renders, gradients and
# logos, which are left out). Plasma ships several resolutions of one wallpaper: only the largest is listed.
FILES = {
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
    "palapeli-data": [
        f"/usr/share/palapeli/collection/{name}.jpg"
        for name in ("castle-maintenon", "cincinnati-bridge", "citrus-fruits", "european-honey-bee",
                     "panther-chameleon-female")
    ],
    "python-matplotlib-data": ["/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg"],
}
# The educational suite GCompris packs its photographs (WebP) into Qt resource bundles, one per activity.
# Left out: drawings, and a monument shown by two activities (kept once).
GCOMPRIS_PACKAGE = "gcompris-qt-data"
GCOMPRIS_BUNDLES = "/usr/share/gcompris-qt/rcc"
GCOMPRIS = {
    "clickgame": [f"sea{n}" for n in range(1, 7)],
    "details": [f"image/{name}_background" for name in (
        "EgeskovSlotSpejling", "EilanDonanCastle", "FanoeWindmill", "NDP", "Nagoya", "OperaSidney",
        "TowerBridgeLondon")],
    "erase": [
        "alpaca", "bee", "butterfly", "calf", "camels", "caterpillar", "chamaeleon", "cheetah", "crab", "dolphin",
        "flying_fox", "gibbon", "giraffe", "goat", "gorilla", "gosling", "heron", "horse", "kingfisher", "kitten",
        "long_nosed_monkey", "macaque", "meerkats", "northern_harrier", "nubian_ibex", "penguin", "pika",
        "red_panda", "rhinoceros", "spoonbills", "squirrel", "swans", "toucan"],
    "explore_farm_animals": [f"animals/{name}" for name in (
        "cat", "chicken", "cow", "dog", "duck", "horse", "owl", "pig", "sheep")],
    "explore_world_animals": [f"animals/{name}" for name in (
        "bison", "chameleon", "crocodile", "dragon", "giraffe", "hedgehog", "jaguar", "kangaroo", "koala", "lemur",
        "moose", "narwhal", "panda", "polar_bear", "scarlet_macaw")],
    "explore_world_music": [f"music/{name}" for name in (
        "africa", "america", "australia", "ireland", "italy", "japan", "mexico", "middleeast", "orchestra")],
    "explore_monuments": [f"{country}/{name}" for country, names in (
        ("egypt", ("bentPyramid", "greatPyramidOfGiza", "meidumPyramid", "redPyramid")),
        ("france", ("arlesAmphitheater", "chateaudeChambord", "chateaudeChenonceau", "citedeCarcassonne",
                    "eiffelTower", "montStMichel", "palaisdesPapes", "pontduGard", "reimsCathedral", "rocamadour")),
        ("germany", ("aulaPalatina", "berlinCathedral", "brandenburgGate", "neuschwansteinCastle", "schwerinPalace",
                     "trierImperialBaths", "wormsCathedral")),
        ("india", ("ajantaCave", "charminar", "gatewayofIndia", "goldenTemple", "greatStupa", "hawaMahal",
                   "konarkSunTemple", "mysorePalace", "qutubMinar", "rangGhar", "victoriaMemorial")),
        ("usa", ("cabrillo", "canyondeChelly", "castillodeSanMarcos", "castleClinton", "fortSumter",
                 "georgeWashingtonBirthplace", "lincolnMemorial", "mountRushmore", "navajo", "statueofLiberty")),
        ("wonders", ("chichenItza", "christTheRedeemer", "colosseum", "greatWallofChina", "machuPicchu", "petra",
                     "tajMahal"))) for name in names],
}
SKIMAGE_PHOTOS = ("astronaut.png", "brick.png", "camera.png", "chelsea.png", "coffee.png", "coins.png", "grass.png",
                  "gravel.png", "hubble_deep_field.jpg", "ihc.png", "moon.png", "motorcycle_left.png", "retina.jpg",
                  "rocket.jpg", "clock_motion.png", "cell.png")
# Photos larger than this on their longer side are scaled down first: a social post is rarely bigger.
MAX_SIDE = 2560
# Large photos are cut into non-overlapping tiles, each its own picture, of at least this many pixels a side:
# at most 3 along the longer side and 2 along the shorter.
TILE_MIN = 480
# A tile is a picture someone could register when at least this share of it lies on edges (Canny, at 256 px):
# below it are tiles of clear sky, fog, flat grey or out-of-focus blur, which no method can tell apart.
DETAIL_EDGES = 0.01


@dataclass(frozen=True)
class Photo:
    """One picture of the benchmark: a whole photograph or one tile of it."""

    name: str
    source: str
    image: Image.Image


def missing_packages() -> list[str]:
    """Debian packages whose photographs are not on this machine."""
    missing = [package for package, files in FILES.items() if not all(Path(f).exists() for f in files)]
    if not all(Path(GCOMPRIS_BUNDLES, f"{bundle}.rcc").exists() for bundle in GCOMPRIS):
        missing.append(GCOMPRIS_PACKAGE)
    return missing


def _sources() -> list[tuple[str, bytes]]:
    """(name, file contents) of every installed photograph."""
    found = [(path, Path(path).read_bytes()) for files in FILES.values() for path in files if Path(path).exists()]
    for bundle, names in GCOMPRIS.items():
        path = Path(GCOMPRIS_BUNDLES, f"{bundle}.rcc")
        if path.exists():
            packed = read_rcc(path)
            found += [(f"gcompris:{bundle}/{name}", packed[f"/gcompris/src/activities/{bundle}/resource/{name}.webp"])
                      for name in names]
    try:
        import skimage.data
    except ImportError:
        pass
    else:
        base = Path(skimage.data.__file__).parent
        found += [(f"skimage:{name}", (base / name).read_bytes()) for name in SKIMAGE_PHOTOS if (base / name).exists()]
    return found


def photographs() -> list[tuple[str, Image.Image]]:
    """Every installed photograph, distinct by content, in a fixed order."""
    seen, photos = set(), []
    for name, data in _sources():
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        with Image.open(io.BytesIO(data)) as opened:
            image = opened.convert("RGB")
        scale = MAX_SIDE / max(image.size)
        if scale < 1:
            image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
        photos.append((name, image))
    return photos


def tiles(name: str, image: Image.Image) -> list[Photo]:
    """Non-overlapping tiles of a large photo (at most 3 × 2); small photos stay whole."""
    long_cap, short_cap = 3, 2
    columns = max(1, min(long_cap if image.width >= image.height else short_cap, image.width // TILE_MIN))
    rows = max(1, min(long_cap if image.height > image.width else short_cap, image.height // TILE_MIN))
    width, height = image.width // columns, image.height // rows
    return [Photo(f"{name}#{r}.{c}" if columns * rows > 1 else name, name,
                  image.crop((c * width, r * height, (c + 1) * width, (r + 1) * height)))
            for r in range(rows) for c in range(columns)]


def has_detail(image: Image.Image) -> bool:
    """Whether enough of the picture lies on edges for it to be told from other pictures of its kind."""
    small = image.convert("L")
    small.thumbnail((256, 256), Image.Resampling.BILINEAR)
    return float((cv2.Canny(np.asarray(small), 50, 150) > 0).mean()) >= DETAIL_EDGES
