"""Is a burst shot whose EXIF was stripped kept apart from the exposures a library holds?

    python benchmarks/bursts.py [--every 4]

Real footage (OpenCV's sample videos, benchmarks/_corpus.py: a fixed street camera, a
tree in the wind, an animated film, a box and a cup moved by hand) stands in for burst
shots. Every --every seconds, for each gap between two exposures (1 s, and 0.4 s as a
phone's burst mode takes them), the library holds the frame at that moment with the
moment its camera wrote (EXIF), and the backup holds, stripped of EXIF as a messenger
strips it:

- the frame taken half a gap later: another exposure, which must be new;
- the library frame re-saved at quality 85: a copy, which must be found.

Each backup is matched against two libraries: one holding the first exposure alone (the
pixels decide: the baseline), and one holding it and the exposure a gap later (two
moments: a needle without its own that passes as both is taken for neither,
hashsearch.match.consistency). Prints the share kept apart and found in each.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import machine
from _corpus import footage, footage_frames
from _moments import write
from hashsearch import HashParams, Matcher, MatchRules, hash_paths

GAPS = (1.0, 0.4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=4.0, help="seconds between bursts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hashsearch-bursts-") as work:
        root = Path(work)
        # (gap, first exposure, second exposure, between, copy of the first)
        bursts: list[tuple[float, str, str, str, str]] = []
        for name, path in footage().items():
            frames, fps = footage_frames(path)
            short = name.split()[0]
            for gap in GAPS:
                step = round(fps * gap)
                starts = range(0, len(frames) - step, max(1, round(fps * args.every)))
                for number, start in enumerate(starts):
                    moment = start / fps
                    folder = root / f"{short}-{gap:g}s-{number}"
                    first, second = frames[start], frames[start + step]
                    between = frames[start + step // 2]
                    bursts.append(
                        (
                            gap,
                            write(folder / "library" / "first.jpg", first, taken=moment),
                            write(folder / "library" / "second.jpg", second, taken=moment + gap),
                            write(folder / "backup" / "between.jpg", between),
                            write(folder / "backup" / "copy.jpg", first, 85),
                        )
                    )
        paths = [p for burst in bursts for p in burst[1:]]
        hashed = hash_paths(paths, HashParams(), jobs=2)

        def found(library: list[str], needle: str) -> bool:
            matcher = Matcher(64, MatchRules())
            for path in library:
                signature = hashed[path].signature
                assert signature is not None, path
                matcher.add(path, signature)
            return matcher.judge(hashed[needle]).status == "found"

        print(f"machine: {machine()}")
        print()
        print("| gap | bursts | library | between kept apart | copies found |")
        print("| ---: | ---: | --- | ---: | ---: |")
        for gap in GAPS:
            ours = [b for b in bursts if b[0] == gap]
            for label, library_of in (
                ("first exposure alone", lambda b: [b[1]]),
                ("both exposures", lambda b: [b[1], b[2]]),
            ):
                apart = sum(not found(library_of(b), b[3]) for b in ours)
                copies = sum(found(library_of(b), b[4]) for b in ours)
                print(
                    f"| {gap:g} s | {len(ours)} | {label} | {apart / len(ours):.3f} ({apart}) "
                    f"| {copies / len(ours):.3f} ({copies}) |"
                )


if __name__ == "__main__":
    main()
