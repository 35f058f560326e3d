"""Rebuild sample_data/ from the shared photos: python sample_data/make_sample_data.py [PHOTOS]."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import cv2
import numpy as np

HERE = Path(__file__).resolve().parent


def load(photos: Path, name: str, width: int) -> np.ndarray:
    image = cv2.imread(str(photos / name), cv2.IMREAD_COLOR)
    height = round(image.shape[0] * width / image.shape[1])
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def save(path: Path, image: np.ndarray, quality: int = 85) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if path.suffix == ".jpg" else []
    if not cv2.imwrite(str(path), image, params):
        raise SystemExit(f"could not write {path}")


def half(image: np.ndarray) -> np.ndarray:
    return cv2.resize(image, (image.shape[1] // 2, image.shape[0] // 2), cv2.INTER_AREA)


def main(photos: Path) -> None:
    for tree in ("haystack", "needles"):
        shutil.rmtree(HERE / tree, ignore_errors=True)
    library = {
        name: load(photos, f"{name}.png" if name != "rocket" else "rocket.jpg", 480)
        for name in ("astronaut", "chelsea", "coffee", "camera", "coins", "rocket")
    }
    for name, image in library.items():
        save(HERE / "haystack" / "2020" / f"{name}.jpg", image, 90)
    needles = HERE / "needles"
    # present: every photo already in the library (smaller, re-compressed, re-encoded)
    save(needles / "phone-backup-2020" / "IMG_0001.jpg", half(library["astronaut"]), 60)
    save(needles / "phone-backup-2020" / "IMG_0002.JPG", library["chelsea"], 40)
    save(needles / "phone-backup-2020" / "IMG_0003.png", library["coffee"])
    # absent: nothing from the library
    save(needles / "camera-card" / "DSC_0100.jpg", load(photos, "horse.png", 400))
    save(needles / "camera-card" / "DSC_0101.jpg", load(photos, "hubble_deep_field.jpg", 400))
    # mixed: one copy, one new photo
    save(needles / "mixed" / "copy-of-camera.jpg", half(library["camera"]), 70)
    save(needles / "mixed" / "new-retina.jpg", load(photos, "retina.jpg", 400))
    # nested folders are separate folders: this one holds only a copy
    save(needles / "mixed" / "already-imported" / "coins.jpg", library["coins"], 75)
    # an image straight in the needles folder (named ".") that is a copy
    save(needles / "rocket-copy.jpg", half(library["rocket"]), 80)
    # an unreadable image: a cut-off JPEG is never "already imported"
    broken = needles / "phone-backup-2021" / "IMG_0500.jpg"
    save(broken, library["astronaut"], 90)
    broken.write_bytes(broken.read_bytes()[: broken.stat().st_size // 2])
    save(needles / "phone-backup-2021" / "IMG_0501.jpg", library["coins"], 80)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "photos"))
