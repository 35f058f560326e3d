"""Does hashsearch keep different look-alike pictures apart, at library scale?

    python benchmarks/lookalikes.py [--per-genre 700] [--pairs-out FILE]

Builds a corpus of real images from Debian packages at benchmark time (see
benchmarks/_corpus.py: astrophotos, sky art, textures, pictures in the alpha channel,
documents and screenshots, wallpapers and vignettes; true duplicates removed by a
stated rule), hashes it with hashsearch's defaults, and matches every image against
all the others: every pair of distinct images is a pair that must be kept apart.

Prints the false matches (pairs where either image is "found" as the other), the
pairs tested and the per-pair rate, what that rate means for a library of 10,000 and
of 100,000 photos, and for each genre the share of new images kept apart against a
library of look-alikes of that genre (the mean, and the fewest, over 20 random
splits). --pairs-out lists every false pair for a person to look at.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

from _common import machine
from _corpus import corpus as build_corpus
from hashsearch import HashParams, Matcher, MatchRules, hash_paths

GENRE_NEW = 200  # new images per genre at most; the rest (at least 250 if it can): library
MIN_GENRE_LIBRARY = 250
#: Library/new splits drawn per genre: one split's share moves by several points with
#: which few images land on either side of a false pair, so the mean is shown
DRAWS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-genre", type=int, default=700, help="images per genre at most")
    parser.add_argument("--pairs-out", type=Path, help="write every false pair here")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    corpus = build_corpus(args.per_genre)
    paths = sorted(str(p) for p in corpus.glob("*/*") if p.suffix in (".png", ".jpg", ".jpeg"))
    genre = {p: Path(p).parent.name for p in paths}

    start = time.perf_counter()
    hashed = hash_paths(paths, HashParams(), jobs=args.jobs)
    hashing = time.perf_counter() - start
    readable = [p for p in paths if hashed[p].signature is not None]
    matcher = Matcher(64, MatchRules())
    for path in readable:
        signature = hashed[path].signature
        assert signature is not None
        matcher.add(path, signature)
    start = time.perf_counter()
    found = matcher.matches_of([hashed[p] for p in readable])
    matching = time.perf_counter() - start

    directed = {(needle, m.path) for needle, ms in found.items() for m in ms if m.path != needle}
    false_pairs = {tuple(sorted(pair)) for pair in directed}
    n = len(readable)
    tested = n * (n - 1) // 2
    rate = len(false_pairs) / tested

    print(f"machine: {machine()}")
    kinds = Counter(genre[p] for p in readable)
    print(f"corpus: {corpus} ({', '.join(f'{g} {c}' for g, c in sorted(kinds.items()))})")
    unreadable = len(paths) - n
    print(
        f"hashed {len(paths)} images in {hashing:.1f} s ({unreadable} unreadable); "
        f"all pairs matched in {matching:.1f} s"
    )
    print()
    print("| images | pairs tested | false matches | per-pair rate |")
    print("| ---: | ---: | ---: | ---: |")
    print(f"| {n} | {tested:,} | {len(false_pairs)} | {rate:.2e} |")
    print()
    for library in (10_000, 100_000):
        expected = rate * (library - 1)
        print(
            f"a new photo against a library of {library:,}: {expected:.3g} false matches "
            f"expected (P(at least one) = {1 - (1 - rate) ** (library - 1):.3f})"
        )
    print()
    by_genres = Counter(tuple(sorted((genre[a], genre[b]))) for a, b in false_pairs)
    print(
        "false matches by genre pair: "
        + (", ".join(f"{a}~{b} {c}" for (a, b), c in by_genres.most_common()) or "none")
    )
    print()
    print(f"| genre | library | new | kept apart (mean of {DRAWS} draws) | fewest |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in sorted(kinds):
        members = sorted(p for p in readable if genre[p] == name)
        # at least MIN_GENRE_LIBRARY in the library where the genre allows; the rest new
        count = min(GENRE_NEW, max(len(members) - MIN_GENRE_LIBRARY, len(members) // 5))
        shares = []
        for draw in range(
            DRAWS
        ):  # each genre's own seeds: one genre's images never redraw another's
            random.Random(f"{name} {draw}").shuffle(members)
            new, library = members[:count], set(members[count:])
            apart = sum(1 for p in new if not any((p, q) in directed for q in library))
            shares.append(apart / max(1, len(new)))
        note = "" if len(members) - count >= MIN_GENRE_LIBRARY else " (library under 250)"
        mean = sum(shares) / len(shares)
        print(
            f"| {name} | {len(members) - count}{note} | {count} | {mean:.3f} | {min(shares):.3f} |"
        )
    if args.pairs_out:
        lines = [f"{a}\t{b}\n" for a, b in sorted(false_pairs)]
        args.pairs_out.write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
