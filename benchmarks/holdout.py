"""How does hashsearch do on real pictures that none of its constants was measured on?

    python benchmarks/holdout.py [--jobs 2]

Every constant of verification was measured on benchmarks/lookalikes.py's corpus,
benchmarks/accuracy.py's edits and the shared photos, so those benchmarks flatter it.
This one takes pictures that none of them chose, from a package none of them fetches
(endless-sky-data, fetched at benchmark time and never committed): the game's
landscape and city photographs (real photos by many photographers, 720 x 360 JPEG)
and its planet renders (spheres lit from one side on transparency: every one shares
the disc and the terminator, the vignette problem in its purest form). Files with the
same pixels count once.

It prints, for each set, how many of all pairs of distinct pictures are "found" at the
defaults, against the hash stage alone (a dHash within 8 bits, what a plain dHash tool
reports: the baseline, measured in the same run); then each benign edit of
benchmarks/_edits.py made of every photograph, with a library of that edit's copies:
the share of photos found (their own copy, none other), against the hash stage alone.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import cv2

from _common import machine
from _corpus import fetch
from _edits import BENIGN, QUALITY
from hashsearch import HashParams, HashResult, Matcher, MatchRules, hash_paths

PACKAGE = "endless-sky-data"
IMAGES = "usr/share/games/endless-sky/images"
SETS = {"photographs": "land", "planet renders": "planet"}
BASELINE_BITS = 8  # the hash stage's radius at the defaults


def distinct(folder: Path) -> list[Path]:
    """The pictures of ``folder``, one of each set of files with the same pixels."""
    kept, seen = [], set()
    for path in sorted(folder.iterdir()):
        image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if image is None:
            continue
        digest = hashlib.sha256(image.tobytes() + str(image.shape).encode()).digest()
        if digest not in seen:
            seen.add(digest)
            kept.append(path)
    return kept


def matcher_of(results: list[HashResult]) -> Matcher:
    """A matcher at the defaults holding these readable results."""
    matcher = Matcher(64, MatchRules())
    for result in results:
        assert result.signature is not None
        matcher.add(result.path, result.signature)
    return matcher


def close_hashes(a: HashResult, b: HashResult) -> bool:
    """Would the hash stage alone call these two the same picture?"""
    assert a.signature is not None and b.signature is not None
    return a.signature.hash - b.signature.hash <= BASELINE_BITS


def all_pairs(sets: dict[str, list[Path]], jobs: int) -> None:
    """False matches among all pairs of distinct pictures, each set and across them."""
    paths = [str(p) for members in sets.values() for p in members]
    hashed = hash_paths(paths, HashParams(), jobs=jobs)
    readable = [hashed[p] for p in paths if hashed[p].signature is not None]
    found = matcher_of(readable).matches_of(readable)
    pairs = {tuple(sorted((n, m.path))) for n, ms in found.items() for m in ms if m.path != n}
    set_of = {str(p): name for name, members in sets.items() for p in members}
    print("| pictures | pairs | found by hashsearch | found by the hash stage alone | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in [*sets, "across the sets"]:
        within = [r for r in readable if set_of[r.path] == name] if name in sets else readable
        tested, baseline, ours = 0, 0, 0
        for a, b in combinations(within, 2):
            if name not in sets and set_of[a.path] == set_of[b.path]:
                continue
            tested += 1
            baseline += close_hashes(a, b)
            ours += tuple(sorted((a.path, b.path))) in pairs
        ratio = f"{ours / baseline:.3f}" if baseline else "-"
        label = f"{name} ({len(within)})" if name in sets else name
        print(
            f"| {label} | {tested:,} | {ours} ({ours / max(tested, 1):.1e}) "
            f"| {baseline} ({baseline / max(tested, 1):.1e}) | {ratio} |"
        )


def benign_copies(photos: list[Path], jobs: int) -> None:
    """Each benign edit of every photograph, looked up in a library of that edit's copies."""
    with tempfile.TemporaryDirectory() as work:
        copies: dict[str, dict[str, str]] = {edit: {} for edit in BENIGN}  # photo -> its copy
        for number in range(len(BENIGN)):
            (Path(work) / f"{number:02d}").mkdir()
        for photo in photos:  # each photograph decoded once, for all its edits
            original = cv2.imread(str(photo), cv2.IMREAD_COLOR)
            for number, (edit, make) in enumerate(BENIGN.items()):
                target = Path(work) / f"{number:02d}" / f"{photo.stem}.jpg"
                quality = [cv2.IMWRITE_JPEG_QUALITY, QUALITY.get(edit, 90)]
                cv2.imwrite(str(target), make(original), quality)
                copies[edit][str(photo)] = str(target)
        everything = [str(p) for p in photos] + [c for by in copies.values() for c in by.values()]
        hashed = hash_paths(everything, HashParams(), jobs=jobs)
        print("| edit | found by hashsearch | by the hash stage alone | another's copy found |")
        print("| --- | ---: | ---: | ---: |")
        totals = Counter[str]()
        for edit, by_photo in copies.items():
            library = [hashed[c] for c in by_photo.values() if hashed[c].signature is not None]
            needles = [hashed[str(p)] for p in photos]
            found = matcher_of(library).matches_of(needles)
            own = sum(by_photo[n] in {m.path for m in ms} for n, ms in found.items())
            wrong = sum(any(m.path != by_photo[n] for m in ms) for n, ms in found.items())
            baseline = sum(close_hashes(hashed[p], hashed[c]) for p, c in by_photo.items())
            totals.update(own=own, baseline=baseline, wrong=wrong, tried=len(photos))
            print(f"| {edit} | {own / len(photos):.3f} | {baseline / len(photos):.3f} | {wrong} |")
        tried = totals["tried"]
        print(
            f"| all ({tried} copies) | {totals['own'] / tried:.4f} | "
            f"{totals['baseline'] / tried:.4f} | {totals['wrong']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    images = fetch((PACKAGE,)) / PACKAGE / IMAGES
    sets = {name: distinct(images / folder) for name, folder in SETS.items()}
    print(f"machine: {machine()}")
    print(f"pictures: {', '.join(f'{n} {len(m)}' for n, m in sets.items())} ({images})")
    print()
    start = time.perf_counter()
    all_pairs(sets, args.jobs)
    print()
    benign_copies(sets["photographs"], args.jobs)
    print()
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
