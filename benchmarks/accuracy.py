"""Does hashsearch find real copies and keep different photos apart?

    python benchmarks/accuracy.py [--sweep]

From the shared photos (plus, as extra distinct photos, their quarters where the
photo is 256 px or more, and a 60 %-wide view of each) it builds a haystack, and
one-image needle folders for each edit in benchmarks/_edits.py, plus negatives:
photos that are not in the haystack (also resized) and "another shot of the same
scene" (the 60 % view shifted by 40 %). To those it adds real look-alikes from the corpus
of benchmarks/lookalikes.py: 60 images per genre (astrophotos, sky art, textures,
pictures in the alpha channel, documents, wallpapers) in the haystack and 30 others of
each genre as negatives; and burst shots from real footage (OpenCV's sample videos,
benchmarks/_corpus.py): a frame every 8 s in the haystack, the frames 1, 2 and 4 s after
each as negatives: the same scene a moment later, once without EXIF (the pixels alone
judge) and once with the moment a camera writes (the haystack frames carry theirs, and
their re-saved copies keep it: those must be found). Every file is hashed once; then the
verdicts are computed at the default settings (and with --sweep across thresholds and
similarities).
Every benign edit is also made of up to 20 real pictures of each look-alike genre (without
transparency, at least 256 px), to show recall beyond the shared photos. Harsher edits
than the issue asks (quality 10 and 20, WebP, sharpening, stronger contrast and noise,
a median filter, a 5 % crop halved, a quarter-size copy at quality 50) are shown in rows
of their own and not counted in benign recall.
Prints recall per edit and the share of negatives kept apart.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import cv2

from _common import SHARED_PHOTOS, machine, source_photos
from _corpus import corpus as build_corpus
from _corpus import footage, footage_frames
from _edits import BENIGN, HARD, HARSHER, QUALITY, ROTATIONS, quadrants, scene_pair
from _moments import write as _write
from hashsearch import (
    ALGORITHMS,
    DEFAULT_MIN_SIMILARITY,
    DEFAULT_THRESHOLD,
    HashParams,
    HashResult,
    Matcher,
    MatchRules,
    hash_paths,
)

#: Photos kept out of the haystack: the negatives. rocket is 13 bits from retina.
HELD_OUT = ("rocket.jpg", "grass.png", "horse.png", "coins.png")
#: Per look-alike genre: images put in the haystack, and others of the genre as negatives.
LOOKALIKE_LIBRARY, LOOKALIKE_NEW, LOOKALIKE_SOURCE = 60, 30, 700
#: Per look-alike genre without transparency: haystack images at least this many pixels
#: on the short side (photo-like sizes) that also get every benign edit, at most so many.
CORPUS_COPIES, CORPUS_MIN_SIDE = 20, 256
#: Burst shots from real footage: seconds between the frames in the haystack, and how much
#: later the negatives were taken.
BURST_EVERY, BURST_LATER = 8.0, (1.0, 2.0, 4.0)


def build(root: Path) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    """Write the corpus; return haystack paths, needles per edit, negatives per kind."""
    library: dict[str, object] = {}
    others: dict[str, object] = {}
    for path in source_photos():
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        target = others if path.name in HELD_OUT else library
        target[path.stem] = image
        if min(image.shape[:2]) >= 256:  # quarters of a tiny image are not photos
            for i, quarter in enumerate(quadrants(image)):
                target[f"{path.stem}-q{i}"] = quarter
        if path.name not in HELD_OUT:
            view, shifted = scene_pair(image)
            library[f"{path.stem}-view"] = view
            others[f"{path.stem}-view-shifted"] = shifted
    haystack = [_write(root / "haystack" / f"{name}.jpg", im) for name, im in library.items()]
    needles: dict[str, list[str]] = defaultdict(list)
    for edit, change in {**BENIGN, **ROTATIONS, **HARD, **HARSHER}.items():
        for name, image in library.items():
            suffix = ".png" if edit == "png re-encode" else ".jpg"
            quality = QUALITY.get(edit, 90)
            folder = root / "needles" / edit.replace(" ", "_").replace("%", "pc") / name
            needles[edit].append(_write(folder / f"img{suffix}", change(image), quality))
    negatives: dict[str, list[str]] = defaultdict(list)
    for name, image in others.items():
        kind = "same scene, shifted 40%" if name.endswith("shifted") else "not in haystack"
        negatives[kind].append(_write(root / "negatives" / name / "img.jpg", image))
        if kind == "not in haystack":
            half = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
            negatives[kind].append(_write(root / "negatives" / f"{name}-half" / "img.jpg", half))
    # look-alikes: real images of one genre in the haystack, others of that genre as
    # negatives (files copied as they are: the alpha genre keeps its transparency)
    for genre, paths in _lookalikes().items():
        for number, source in enumerate(paths[: LOOKALIKE_LIBRARY + LOOKALIKE_NEW]):
            side = "haystack" if number < LOOKALIKE_LIBRARY else "negatives"
            target = root / side / f"{genre}-{number}" / f"img{source.suffix}"
            target.parent.mkdir(parents=True)
            shutil.copyfile(source, target)
            (haystack if side == "haystack" else negatives[f"look-alike: {genre}"]).append(
                str(target)
            )
    # bursts: the first frame in the haystack with the moment a camera writes (EXIF);
    # later frames without EXIF (the pixels alone judge) and with their own moment, and
    # the first frame re-saved with its EXIF kept (a copy, which must be found)
    for name, shots in _bursts().items():
        for number, (first, *later) in enumerate(shots):
            moment = number * BURST_EVERY + 0.25
            haystack.append(_write(root / "haystack" / f"{name}-{number}.jpg", first, taken=moment))
            copy = root / "needles" / "footage_re-saved" / f"{name}-{number}" / "img.jpg"
            needles["footage frame re-saved q85, EXIF kept"].append(
                _write(copy, first, 85, taken=moment)
            )
            for seconds, image in zip(BURST_LATER, later, strict=True):
                folder = root / "negatives" / f"{name}-{number}-{seconds:g}s"
                later_shot = _write(folder / "img.jpg", image)
                negatives["a moment later (real footage), no EXIF"].append(later_shot)
                dated = _write(folder / "dated.jpg", image, taken=moment + seconds)
                negatives["a moment later, with its EXIF moment"].append(dated)
    return haystack, needles, negatives


def _bursts() -> dict[str, list[list[object]]]:
    """Per footage: for each first frame (one every BURST_EVERY s), it and the frames taken
    BURST_LATER seconds after it."""
    bursts: dict[str, list[list[object]]] = {}
    for name, path in footage().items():
        frames, fps = footage_frames(path)
        offsets = [0, *(round(fps * s) for s in BURST_LATER)]
        starts = range(0, len(frames) - offsets[-1], max(1, round(fps * BURST_EVERY)))
        bursts[name.split()[0]] = [[frames[i + o] for o in offsets] for i in starts]
    return bursts


def corpus_copies(root: Path) -> dict[str, list[str]]:
    """Every benign edit of up to CORPUS_COPIES haystack images per look-alike genre (real
    pictures of many kinds, not only the shared photos): one-image needle folders per edit.
    Pictures in the alpha channel are left out (an edited copy would have to choose a
    background)."""
    needles: dict[str, list[str]] = defaultdict(list)
    for genre, paths in _lookalikes().items():
        chosen = 0
        for number, source in enumerate(paths[:LOOKALIKE_LIBRARY]):
            image = cv2.imread(str(source), cv2.IMREAD_UNCHANGED)
            if image is None or image.ndim != 3 or image.shape[2] != 3 or image.dtype != "uint8":
                continue  # transparent, gray or 16-bit: not one of these copies
            if min(image.shape[:2]) < CORPUS_MIN_SIDE or chosen == CORPUS_COPIES:
                continue
            chosen += 1
            for edit, change in BENIGN.items():
                suffix = ".png" if edit == "png re-encode" else ".jpg"
                quality = 40 if edit == "jpeg q40" else 90
                name = edit.replace(" ", "_").replace("%", "pc")
                folder = root / "corpus-needles" / name / f"{genre}-{number}"
                needles[edit].append(_write(folder / f"img{suffix}", change(image), quality))
    return needles


def _lookalikes() -> dict[str, list[Path]]:
    """The look-alike corpus of benchmarks/lookalikes.py (built and cached on first use)."""
    corpus = build_corpus(LOOKALIKE_SOURCE)
    return {
        folder.name: sorted(p for p in folder.iterdir() if p.suffix in (".png", ".jpg"))
        for folder in sorted(corpus.iterdir())
        if folder.is_dir()
    }


def evaluate(
    haystack: list[str],
    needles: dict[str, list[str]],
    negatives: dict[str, list[str]],
    hashed: dict[str, HashResult],
    rules: MatchRules,
    algorithm: str = "dhash",
    alone: bool = False,
) -> tuple[dict[str, float], dict[str, float]]:
    """Recall per edit and share of negatives kept apart, under ``rules``."""
    matcher = Matcher(64, rules, algorithm)
    for path in haystack:
        signature = hashed[path].signature
        if signature is not None:  # a look-alike over --max-pixels stays out, as in a run
            matcher.add(path, signature)

    def found(path: str) -> bool:
        if hashed[path].signature is None:
            return False
        if alone:  # the hash stage on its own: any candidate within the radius is "found"
            values = [h.value for h in hashed[path].signature.hashes]  # type: ignore[union-attr]
            return len(matcher.index.search(values, rules.threshold)[0]) > 0
        return matcher.judge(hashed[path]).status == "found"

    recall = {edit: sum(map(found, paths)) / len(paths) for edit, paths in needles.items()}
    apart = {kind: 1 - sum(map(found, paths)) / len(paths) for kind, paths in negatives.items()}
    return recall, apart


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="also try other settings")
    args = parser.parse_args()
    by_algorithm = {}
    with tempfile.TemporaryDirectory(prefix="hashsearch-accuracy-") as tmp:
        haystack, needles, negatives = build(Path(tmp))
        corpus_needles = corpus_copies(Path(tmp))
        groups = (*needles.values(), *negatives.values(), *corpus_needles.values())
        everything = haystack + [p for ps in groups for p in ps]
        for algorithm in ALGORITHMS:
            params = HashParams(algorithm=algorithm)
            by_algorithm[algorithm] = hash_paths(everything, params, jobs=2)
    hashed = by_algorithm["dhash"]
    benign = list(BENIGN)
    print(f"machine: {machine()}")
    print(
        f"photos: {SHARED_PHOTOS}; haystack {len(haystack)} images; "
        f"{sum(map(len, needles.values()))} edited copies; "
        f"{sum(map(len, negatives.values()))} negatives"
    )
    print()
    default = MatchRules()
    plain, _ = evaluate(haystack, needles, negatives, hashed, default)
    turned, _ = evaluate(haystack, needles, negatives, hashed, MatchRules(rotations=True))
    in_corpus, _ = evaluate(haystack, corpus_needles, {}, hashed, default)
    _, apart = evaluate(haystack, needles, negatives, hashed, default)
    _, apart_turned = evaluate(haystack, needles, negatives, hashed, MatchRules(rotations=True))
    print(f"defaults: --threshold {DEFAULT_THRESHOLD} --min-similarity {DEFAULT_MIN_SIMILARITY}")
    print()
    print("| edit | copies | recall | recall with --rotations | corpus images: copies | recall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for edit in needles:
        corpus_cells = "|"  # rotations and the hard crop: shared photos only
        if edit in corpus_needles:
            corpus_cells = f"{len(corpus_needles[edit])} | {in_corpus[edit]:.3f}"
        print(
            f"| {edit} | {len(needles[edit])} | {plain[edit]:.3f} | {turned[edit]:.3f} "
            f"| {corpus_cells} |"
        )
    n_benign = sum(len(needles[e]) for e in benign)
    overall = sum(plain[e] * len(needles[e]) for e in benign) / n_benign
    overall_turned = sum(turned[e] * len(needles[e]) for e in benign) / n_benign
    found, found_turned = round(overall * n_benign), round(overall_turned * n_benign)
    n_corpus = sum(map(len, corpus_needles.values()))
    in_corpus_found = round(sum(in_corpus[e] * len(corpus_needles[e]) for e in corpus_needles))
    print(
        f"| **all benign edits** | {n_benign} | **{overall:.4f}** ({found}) "
        f"| {overall_turned:.4f} ({found_turned}) "
        f"| {n_corpus} | **{in_corpus_found / max(1, n_corpus):.4f}** ({in_corpus_found}) |"
    )
    print()
    print("| negatives | images | kept apart | kept apart with --rotations |")
    print("| --- | ---: | ---: | ---: |")
    for kind in negatives:
        count = len(negatives[kind])
        print(f"| {kind} | {count} | {apart[kind]:.3f} | {apart_turned[kind]:.3f} |")
    print()
    print("Hash families, at the defaults (verification is the same for all), and on their")
    print("own (every candidate within the radius accepted, no thumbnail check):")
    print()
    print(
        "| --algorithm | benign recall | crop 10% | rotations, with --rotations "
        "| negatives apart | alone: benign recall | alone: negatives apart |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    n_neg = sum(map(len, negatives.values()))

    def pooled(recall: dict[str, float], kept: dict[str, float]) -> tuple[float, float]:
        benign_recall = sum(recall[e] * len(needles[e]) for e in benign) / n_benign
        return benign_recall, sum(kept[k] * len(negatives[k]) for k in negatives) / n_neg

    for algorithm, results in by_algorithm.items():

        def run(
            rules: MatchRules,
            alone: bool = False,
            results: dict[str, HashResult] = results,
            algorithm: str = algorithm,
        ) -> tuple[dict[str, float], dict[str, float]]:
            return evaluate(haystack, needles, negatives, results, rules, algorithm, alone)

        recall, kept = run(default)
        turned, _ = run(MatchRules(rotations=True))
        rotation = sum(turned[e] for e in ROTATIONS) / len(ROTATIONS)
        benign_recall, apart_all = pooled(recall, kept)
        alone_recall, alone_apart = pooled(*run(default, alone=True))
        print(
            f"| {algorithm} | {benign_recall:.3f} | {recall['crop 10%']:.3f} | {rotation:.3f} "
            f"| {apart_all:.3f} | {alone_recall:.3f} | {alone_apart:.3f} |"
        )
    if args.sweep:
        print()
        print("| --threshold | --min-similarity | benign recall | crop 10% | negatives apart |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for threshold in (0, 4, 6, 8, 10, 12, 16):
            for similarity in (0.75, 0.8, 0.85, 0.9, 0.95):
                rules = MatchRules(threshold, similarity)
                recall, kept = evaluate(haystack, needles, negatives, hashed, rules)
                benign_recall = sum(recall[e] * len(needles[e]) for e in benign) / n_benign
                n_neg = sum(map(len, negatives.values()))
                kept_all = sum(kept[k] * len(negatives[k]) for k in negatives) / n_neg
                print(
                    f"| {threshold} | {similarity} | {benign_recall:.3f} | "
                    f"{recall['crop 10%']:.3f} | {kept_all:.3f} |"
                )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
