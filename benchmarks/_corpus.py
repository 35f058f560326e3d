"""A corpus of real look-alike images, fetched from Debian packages at benchmark time.

Nothing of it is committed: ``apt-get download`` fetches the packages into
``$XDG_CACHE_HOME/hashsearch-bench`` (``~/.cache`` without it), ``dpkg -x`` unpacks
them, and the chosen images are written to a corpus folder, one folder per genre:

  astrophoto   galaxies, nebulae, clusters (Stellarium's deep-sky images)
  sky-art      constellation artwork of many sky cultures, planet and moon maps
  texture      game textures: stone, metal, wood, grass, tiles (OpenArena, Colobot)
  alpha        clip art whose picture is carried by the alpha channel (Open Clip Art)
  document     screenshots and diagrams from manuals (GIMP, KStars)
  wallpaper    desktop wallpapers, gradients and vignettes (Debian, GNOME, KDE, MATE, sway,
               LXQt, Xfce, Lomiri, UKUI)

True duplicates inside the sources are removed by a rule that does not look at the
pictures' likeness (which would throw away exactly the hard cases): files with the same
bytes, files that decode to the same pixels, and files of one package whose folder and
name differ only by size or variant tokens (``1920x1080``, ``16x9``, ``64x64/``, a
trailing icon size or ``-256``, ``@2x``, ``small``, ``thumb``, ``dark``, ``symbolic``
...) are one artwork; so are a KDE wallpaper's pictures (``NAME/contents/images/*`` and
its ``contents/screenshot``). The largest is kept. Of the images drawn, one that is
another drawn image at a smaller size, whatever their names, is left out too: shrunk to
its size, the larger differs from it by no more than resampling does (PSNR at least
RESIZED_PSNR dB: a quality-85 JPEG copy keeps about 40; the same manual photo at 150 and
300 px, a blank texture at 64 and 512 px). Pictures of one size are never merged this
way: Open Clip Art's star polygons differ by 40 to 52 dB and are distinct artworks, the
hard case. The images keep the numbers of the draw (a number left out is such a copy).
GIMP's filter gallery
(``images/filters``: a handful of photos, each shown through a hundred filters, blurred,
noised, greyscaled ...) is left out: its pictures are edits of one photo, which a copy
check must find, not keep apart. The wallpaper genre takes only what its packages ship
as wallpapers or backgrounds (not their icons and boot-splash frames). Recolourings and
derivatives under other names (a texture in grey and in yellow, warm and cold versions
of one wallpaper) are not found by these rules and stay in as distinct images.

CORPUS_VERSION names these rules; a corpus built under other rules is built again.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hashsearch-bench"

PACKAGES = (
    "stellarium-data",
    "kstars-data",
    "openarena-081-textures",
    "colobot-common-textures",
    "openclipart-png",
    "gimp-help-en",
    "desktop-base",
    "gnome-backgrounds",
    "plasma-workspace-wallpapers",
    "mate-backgrounds",
    "sway-backgrounds",
    "lomiri-wallpapers",
    "lomiri-wallpapers-16.04",
    "lomiri-wallpapers-20.04",
    "ukui-wallpapers",
    "lxqt-themes",
    "debian-edu-artwork-emerald",
    "debian-edu-artwork-softwaves",
    "xfdesktop4-data",
)
#: The wallpaper packages (their wallpapers and backgrounds: see _WALLPAPER).
WALLPAPERS = PACKAGES[PACKAGES.index("desktop-base") :]
#: Bumped whenever the corpus rules change (the corpus folder is named after it).
CORPUS_VERSION = 3
#: The PSNR (dB) at or above which a drawn image shrunk to another's size is that image.
RESIZED_PSNR = 40.0
#: Candidates for that test: aspect ratios within this share, and 16 x 16 gray prints
#: whose RMS difference is under PRINT_RMS gray levels (resampling moves them far less).
SAME_ASPECT, PRINT_RMS = 0.01, 4.0
#: Pictures over this many pixels are not compared so (hashsearch refuses them by default).
MAX_COMPARED_PIXELS = 150_000_000

_IMAGE = re.compile(r"\.(png|jpe?g|tga|webp)$", re.IGNORECASE)
_SIZE_TOKEN = re.compile(
    r"(\d+x\d+|@\dx|[-_.]?\d{2,4}px|[-_](16|22|24|32|48|64|96|\d{3,4})$"
    r"|[-_.]?(small|large|big|thumb|thumbnail|preview|nologo|hd|hidpi|dark|light|symbolic)\b)",
    re.IGNORECASE,
)
_FOLDER_SIZE = re.compile(r"/(\d+x\d+|scalable)(?=/)")  # icon themes: hicolor/48x48/emblems
_WALLPAPER = re.compile(r"/(backgrounds?|wallpapers?|grub)/", re.IGNORECASE)
_FILTER_GALLERY = "/images/filters/"
MIN_SIDE = 48  # smaller files are icons, not pictures anyone keeps in a library


def fetch(packages: tuple[str, ...] = PACKAGES) -> Path:
    """Download and unpack ``packages`` (once); return the folder they are unpacked in."""
    debs, unpacked = CACHE / "debs", CACHE / "unpacked"
    debs.mkdir(parents=True, exist_ok=True)
    missing = [p for p in packages if not list(debs.glob(f"{p}_*.deb"))]
    if missing:
        subprocess.run(["apt-get", "download", *missing], cwd=debs, check=True)
    for package in packages:
        target = unpacked / package
        if not target.exists():
            [deb] = debs.glob(f"{package}_*.deb")
            target.mkdir(parents=True)
            subprocess.run(["dpkg", "-x", str(deb), str(target)], check=True)
    return unpacked


#: OpenCV's sample videos (the opencv-doc package): real footage, by what it shows.
FOOTAGE = {
    "street (fixed camera)": "examples/data/vtest.avi",
    "tree in the wind (fixed camera)": "examples/data/tree.avi",
    "animated film scene": "examples/data/Megamind.avi",
    "box moved by hand": "opencv4/html/box.mp4.gz",
    "cup moved by hand": "opencv4/html/cup.mp4.gz",
}


def footage() -> dict[str, Path]:
    """Real video files (fetched and unpacked once): what each shows -> its path."""
    docs = fetch(("opencv-doc",)) / "opencv-doc/usr/share/doc/opencv-doc"
    found = {}
    for name, inside in FOOTAGE.items():
        source = docs / inside
        if source.suffix == ".gz":  # the HTML pages' videos are stored compressed
            plain = CACHE / "footage" / source.stem
            if not plain.exists():
                plain.parent.mkdir(parents=True, exist_ok=True)
                with plain.with_suffix(".part").open("wb") as out:
                    subprocess.run(["gunzip", "-c", str(source)], stdout=out, check=True)
                plain.with_suffix(".part").rename(plain)
            source = plain
        found[name] = source
    return found


def footage_frames(path: Path) -> tuple[list[np.ndarray], float]:
    """Every frame of a video, decoded, and its frames per second."""
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames, fps


def _sources(unpacked: Path) -> dict[str, list[tuple[str, str, bytes]]]:
    """(package folder, file name, bytes) of the candidate images of each genre."""
    genres: dict[str, list[tuple[str, str, bytes]]] = defaultdict(list)

    def add(genre: str, root: Path, pattern: str = "**/*") -> None:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and _IMAGE.search(path.name):
                genres[genre].append((str(path.parent), path.name, path.read_bytes()))

    stellarium = unpacked / "stellarium-data/usr/share/stellarium"
    add("astrophoto", stellarium / "nebulae")
    add("sky-art", stellarium / "skycultures")
    add("sky-art", stellarium / "textures")
    add("sky-art", unpacked / "kstars-data/usr/share/kstars/textures")
    for pk3 in sorted((unpacked / "openarena-081-textures").glob("**/*.pk3")):
        with zipfile.ZipFile(pk3) as archive:
            for name in sorted(archive.namelist()):
                if _IMAGE.search(name):
                    folder = f"{pk3}/{os.path.dirname(name)}"
                    genres["texture"].append((folder, os.path.basename(name), archive.read(name)))
    add("texture", unpacked / "colobot-common-textures")
    add("alpha", unpacked / "openclipart-png")
    add("document", unpacked / "gimp-help-en/usr/share/gimp/2.0/help/en")
    add("document", unpacked / "kstars-data/usr/share/doc/HTML/en")
    for package in WALLPAPERS:
        add("wallpaper", unpacked / package)
    genres["document"] = [c for c in genres["document"] if _FILTER_GALLERY not in c[0] + "/"]
    genres["wallpaper"] = [c for c in genres["wallpaper"] if _WALLPAPER.search(c[0] + "/")]
    return genres


def _decode(data: bytes) -> np.ndarray | None:
    """BGR or BGRA pixels (TGA through Pillow: OpenCV does not read it)."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as pil:
                pil = pil.convert("RGBA" if "A" in pil.getbands() else "RGB")
                array = np.asarray(pil)
        except Exception:
            return None
        code = cv2.COLOR_RGBA2BGRA if array.shape[2] == 4 else cv2.COLOR_RGB2BGR
        image = cv2.cvtColor(array, code)
    if image.dtype != np.uint8:
        image = (image / 257).astype(np.uint8)
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return image


def _artwork(folder: str, name: str) -> tuple[str, str]:
    if "/contents/" in folder + "/":  # a KDE wallpaper: NAME/contents/{images/*,screenshot}
        return folder[: (folder + "/").index("/contents/")], ""
    folder = _FOLDER_SIZE.sub("/", folder)
    stem = os.path.splitext(name)[0]
    for _ in range(3):  # "logo-text-version-64" -> "logo-text-version"; "wall_1920x1080_dark"
        stem = _SIZE_TOKEN.sub("", stem).strip("-_. ")
    return folder, stem.lower()


def build(target: Path, per_genre: int, seed: int = 0) -> dict[str, list[Path]]:
    """Write up to ``per_genre`` distinct images per genre under ``target``; paths by genre."""
    unpacked = fetch()
    rng = random.Random(seed)
    chosen: dict[str, list[Path]] = {}
    seen_bytes: set[bytes] = set()
    seen_pixels: set[bytes] = set()
    for genre, candidates in sorted(_sources(unpacked).items()):
        # the file's bytes, not its pixels: a few hundred decoded 4K wallpapers held at
        # once took the whole 24 GB of the machine
        best: dict[tuple[str, str], tuple[int, bytes, str]] = {}
        for folder, name, data in candidates:
            digest = hashlib.sha256(data).digest()
            if digest in seen_bytes:
                continue
            seen_bytes.add(digest)
            image = _decode(data)
            if image is None or min(image.shape[:2]) < MIN_SIDE:
                continue
            if genre == "alpha" and (image.shape[2] != 4 or image[:, :, 3].min() == 255):
                continue  # this genre is for pictures carried by the alpha channel
            pixels = hashlib.sha256(image.tobytes() + str(image.shape).encode()).digest()
            if pixels in seen_pixels:
                continue
            seen_pixels.add(pixels)
            key = _artwork(folder, name)
            size = image.shape[0] * image.shape[1]
            if key not in best or size > best[key][0]:
                best[key] = (size, data, name)
        keys = sorted(best)
        rng.shuffle(keys)
        drawn = keys[:per_genre]
        copies = _smaller_copies([best[key][1] for key in drawn])
        folder = target / genre
        folder.mkdir(parents=True, exist_ok=True)
        chosen[genre] = []
        manifest = []
        for number, key in enumerate(drawn):
            if number in copies:
                continue
            _, data, name = best[key]
            if name.lower().endswith((".png", ".jpg", ".jpeg")):
                path = folder / f"{number:04d}{os.path.splitext(name)[1].lower()}"
                path.write_bytes(data)
            else:  # TGA, WebP: written as PNG, pixels unchanged
                path = folder / f"{number:04d}.png"
                image = _decode(data)
                assert image is not None
                cv2.imwrite(str(path), image)
            chosen[genre].append(path)
            manifest.append(f"{path.name}\t{key[0]}/{name}\n")
        (folder / "SOURCES.tsv").write_text("".join(manifest), encoding="utf-8")
    return chosen


def _smaller_copies(images: list[bytes]) -> set[int]:
    """The indices of ``images`` that are another of them at a smaller size (RESIZED_PSNR)."""
    prints, shapes = [], []
    for data in images:  # one decoded at a time: a few hundred 4K wallpapers fill the memory
        image = _decode(data)
        assert image is not None  # decoded once already
        shapes.append(image.shape[:2])
        if image.shape[0] * image.shape[1] > MAX_COMPARED_PIXELS:
            prints.append(np.full(256, np.inf))  # close to nothing
            continue
        gray = cv2.cvtColor(_laid(image), cv2.COLOR_BGR2GRAY)
        prints.append(cv2.resize(gray, (16, 16), interpolation=cv2.INTER_AREA).ravel())
    stacked = np.array(prints, dtype=np.float64)
    squares = (stacked**2).sum(axis=1)
    finite = np.where(np.isfinite(stacked), stacked, 0.0)
    distances = squares[:, None] + squares[None, :] - 2 * finite @ finite.T
    close = np.argwhere(distances < PRINT_RMS**2 * stacked.shape[1])  # inf: never close
    copies: set[int] = set()
    for a, b in close.tolist():
        (ha, wa), (hb, wb) = shapes[a], shapes[b]
        if ha * wa <= hb * wb or abs((wa / ha) / (wb / hb) - 1) > SAME_ASPECT:
            continue  # b is not smaller than a (each pair is seen both ways), or another shape
        larger = cv2.resize(_laid(_decode(images[a])), (wb, hb), interpolation=cv2.INTER_AREA)
        error = float(((larger - _laid(_decode(images[b]))) ** 2).mean())
        if error == 0 or 10 * np.log10(255**2 / error) >= RESIZED_PSNR:
            copies.add(b)
    return copies


def _laid(image: np.ndarray | None) -> np.ndarray:
    """The decoded picture as float BGR, transparency laid over mid-gray."""
    assert image is not None  # decoded once already
    colour = image[:, :, :3].astype(np.float32)
    if image.shape[2] == 4:
        alpha = image[:, :, 3:].astype(np.float32) / 255
        colour = colour * alpha + 128 * (1 - alpha)
    return colour


def corpus(per_genre: int = 700) -> Path:
    """The corpus folder of up to ``per_genre`` images per genre, built on first use."""
    folder = CACHE / f"corpus-v{CORPUS_VERSION}-{per_genre}"
    if not (folder / "DONE").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as building:
            build(Path(building), per_genre)
            shutil.rmtree(folder, ignore_errors=True)  # a build that was interrupted
            Path(building).rename(folder)
            Path(building).mkdir()  # for TemporaryDirectory's clean-up
        (folder / "DONE").touch()
    return folder
