"""Does hashsearch find copies of library videos, keep other clips apart, and at what cost?

    python benchmarks/videos.py [--scenes 88] [--workdir DIR] [--long] [--pan-speed 30]

Clips are made at benchmark time with the ffmpeg of the imageio-ffmpeg wheel: slow
camera pans over real pictures of many kinds (the shared photos, and wallpapers,
astrophotos, textures, sky art and screenshots from Debian packages, see _corpus.py).
Half the scenes go into the library as phone-like clips (H.264, a keyframe a second);
the backup holds, for each, the copies people make (re-encoded to HEVC and smaller,
trimmed by a second at the start or at the end, re-muxed into another container, stored
turned with a rotation flag), and clips that must stay new: the other scenes, and a
second pan over each library scene (the same place on the same day).

Real footage too: OpenCV's sample videos (the opencv-doc package, fetched at benchmark
time: a fixed street camera, a tree in the wind from a fixed camera, a scene of an
animated film, a box and a cup moved by hand). The first part of each goes into the
library as a phone-like clip, its copies into the backup, and the later parts of the
same footage, as long, must stay new: the same place, a little later; so must parts as
long that start a quarter and half way into the library's (not all of them is there).

Prints recall per kind of copy, the clips kept apart, how many library clips were
sampled whole (match/lookup.py: only those a backup clip sampled sparsely could be a copy
of; none for a backup holding the library's own files, found by their stream), the same
for a backup of re-encodes alone (the re-encoded copies, and the clips that must stay new
re-encoded as HEVC at 320 px: each decoded frame by frame, so the library's clips are
judged as first sampled) and for a messenger's backup (each library clip and every clip
that must stay new as H.264 at 320 px, a keyframe a second: sampled whole instead of
the library's clips, being smaller); how many second recordings along each library
pan's path (a tripod pan repeated: the original re-timed to 0.95 and 1.05 of its speed,
phone-like and as HEVC) are kept apart; and the time to hash a minute of 1080p video (phone
H.264, phone HEVC, and H.264 with x264's default keyframe every 250 frames; and a
messenger's 480p copy) as every video is first sampled (a keyframe every 5 s,
decode/keyframes.py) and sampled whole (as a library clip a backup clip could be a copy
of is, once: the first pass's keyframes taken from its record, and from scratch, as
before, for a baseline), against the time to hash 30 camera photos in the same process.
``--timing-only`` measures that cost alone.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

from _common import machine, make_camera_jpegs, source_photos
from _corpus import corpus as build_corpus
from _corpus import footage
from hashsearch import HashParams, SearchOptions, search, signature_of_file, signature_of_video

FPS = 30
SIZE = (640, 360)
GENRES = {"wallpaper": 20, "astrophoto": 20, "texture": 12, "sky-art": 12, "document": 8}
COPIES = ("hevc smaller", "trim ~1 s start", "trim 1 s end", "re-muxed .mov", "rotation flag")
#: In a messenger's backup of its own (phone_smaller): H.264 at 320 px, a keyframe a second.
PHONE_SMALLER = "phone smaller"
#: The copies re-encoded with x264's and x265's default keyframes (every 250 frames).
RE_ENCODED = COPIES[:3]
#: Second recordings along each library pan's path (a tripod pan repeated), by share of
#: the speed: the original re-timed (same_path).
SAME_PATH = {0.95: "same path, 0.95 of the speed", 1.05: "same path, 1.05 of the speed"}
PAN_SPEED = 30.0  # frame pixels a second at most (--pan-speed)
CANVAS = 2  # the picture is scaled to this many times the frame (more for faster pans)


FOOTAGE = "real footage (OpenCV's sample videos)"


def ffmpeg_command(*args: object) -> list[str]:
    """The wheel's ffmpeg, quiet, with ``args``; the output's (last argument's) folder made."""
    Path(str(args[-1])).parent.mkdir(parents=True, exist_ok=True)
    return [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *map(str, args)]


def ffmpeg(*args: object) -> None:
    """Run the wheel's ffmpeg quietly (the output's folder made first)."""
    subprocess.run(ffmpeg_command(*args), check=True)


def scenes(count: int) -> list[Path]:
    """Real pictures at least 360 px on their short side: shared photos, then the corpus."""
    corpus = build_corpus(700)
    found = [p for p in source_photos() if min(cv2.imread(str(p)).shape[:2]) >= 256]
    for genre, wanted in GENRES.items():
        taken = 0
        for path in sorted((corpus / genre).iterdir()):
            image = cv2.imread(str(path))
            if taken < wanted and image is not None and min(image.shape[:2]) >= 360:
                found.append(path)
                taken += 1
    return found[:count]


def set_pan_speed(speed: float) -> None:
    """Pans of up to ``speed`` frame pixels a second, over a canvas large enough for 14 s."""
    global PAN_SPEED, CANVAS
    PAN_SPEED = speed
    CANVAS = max(2, math.ceil(1 + 14 * speed / SIZE[0] + 0.3))


def pan(path: Path, picture: Path, seconds: float, rng: random.Random, gop: int = FPS) -> Path:
    """A clip panning over ``picture`` (scaled to CANVAS times the frame) at up to
    PAN_SPEED frame pixels a second, in a random direction.

    Each frame is the canvas moved by its own fraction of a pixel (Lanczos), as a camera's
    view moves: ffmpeg's crop moves it in whole pixels (even ones in 4:2:0), so a slow pan
    stood still for a few frames and then jumped, and a copy trimmed a frame off the
    library's offset seemed to jump against it where no real clip does."""
    width, height = SIZE
    vx, vy = rng.uniform(-PAN_SPEED, PAN_SPEED), rng.uniform(-PAN_SPEED / 2, PAN_SPEED / 2)
    x0 = (CANVAS - 1) * width / 2 - vx * seconds / 2 + rng.uniform(-50, 50)
    y0 = (CANVAS - 1) * height / 2 - vy * seconds / 2 + rng.uniform(-25, 25)
    image = cv2.imread(str(picture), cv2.IMREAD_COLOR)
    size = (CANVAS * width, CANVAS * height)
    canvas = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    command = ffmpeg_command(
        "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{width}x{height}", "-r", FPS,
        "-i", "-", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast", "-g", gop,
        path,
    )  # fmt: skip
    with subprocess.Popen(command, stdin=subprocess.PIPE) as encoder:
        assert encoder.stdin is not None
        for number in range(round(seconds * FPS)):
            t = number / FPS
            view = np.float32([[1, 0, x0 + t * vx], [0, 1, y0 + t * vy]])
            flags = cv2.INTER_LANCZOS4 | cv2.WARP_INVERSE_MAP
            frame = cv2.warpAffine(canvas, view, SIZE, flags=flags, borderMode=cv2.BORDER_REFLECT)
            encoder.stdin.write(frame.tobytes())
        encoder.stdin.close()
    if encoder.returncode:
        raise subprocess.CalledProcessError(encoder.returncode, command)
    return path


def make_copy(kind: str, source: Path, target: Path, seconds: float, trim: float) -> None:
    """One copy of ``source`` as people make them."""
    target.parent.mkdir(parents=True, exist_ok=True)
    x264 = ("-c:v", "libx264", "-preset", "veryfast")
    if kind == "hevc smaller":
        ffmpeg("-i", source, "-vf", "scale=320:-2", "-c:v", "libx265", "-preset", "ultrafast",
               "-x265-params", "log-level=error", "-tag:v", "hvc1", target)  # fmt: skip
    elif kind == "trim ~1 s start":  # 0.5 to 1.5 s, at any frame: samples fall between
        ffmpeg("-ss", f"{trim:.3f}", "-i", source, *x264, target)
    elif kind == "trim 1 s end":
        ffmpeg("-i", source, "-t", f"{seconds - 1:.2f}", *x264, target)
    elif kind == "re-muxed .mov":
        ffmpeg("-i", source, "-c", "copy", target)
    elif kind == "rotation flag":
        ffmpeg("-display_rotation", 90, "-i", source, "-c", "copy", target)


def build_trees(
    work: Path, count: int, lengths: tuple[float, float] = (6, 14)
) -> tuple[Path, Path, dict[str, str]]:
    """The library and backup trees; each backup clip's kind (a copy kind, or "apart")."""
    lib, backup = work / "library", work / "backup"
    kinds: dict[str, str] = {}
    if (work / "DONE").exists():
        for line in (work / "DONE").read_text().splitlines():
            path, kind = line.split("\t")
            kinds[path] = kind
        return lib, backup, kinds
    rng = random.Random(0)
    pictures = scenes(count)
    in_library, elsewhere = pictures[0::2], pictures[1::2]
    jobs = []
    for number, picture in enumerate(in_library):
        seconds = rng.uniform(*lengths)
        original = pan(work / "originals" / f"{number:03d}.mp4", picture, seconds, rng)
        turned = number % 4 == 0  # these live in the library upright, in their pixels
        if turned:
            ffmpeg("-i", original, "-vf", "transpose=2", "-c:v", "libx264", "-preset",
                   "veryfast", "-g", FPS, lib / f"{number:03d}-upright.mp4")  # fmt: skip
        else:
            ffmpeg("-i", original, "-c", "copy", lib / f"{number:03d}.mp4")
        for kind in ("rotation flag",) if turned else COPIES[:-1]:
            suffix = ".mov" if kind == "re-muxed .mov" else ".mp4"
            target = backup / kind.replace(" ", "-") / f"{number:03d}{suffix}"
            jobs.append((kind, original, target, seconds, rng.uniform(0.5, 1.5)))
            kinds[str(target.relative_to(backup))] = kind
        again = pan(backup / "same-place" / f"{number:03d}.mp4", picture, seconds, rng)
        kinds[str(again.relative_to(backup))] = "apart"
    for number, picture in enumerate(elsewhere):
        seconds = rng.uniform(*lengths)
        clip = pan(backup / "other-scene" / f"{number:03d}.mp4", picture, seconds, rng)
        kinds[str(clip.relative_to(backup))] = "apart"
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda job: make_copy(*job), jobs))
    (work / "DONE").write_text("".join(f"{p}\t{k}\n" for p, k in sorted(kinds.items())))
    return lib, backup, kinds


def re_encoded(
    work: Path, backup: Path, kinds: dict[str, str], name: str
) -> tuple[Path, dict[str, str]]:
    """The backup's re-encoded copies (linked), and every clip that must stay new
    re-encoded as they were (HEVC at 320 px, x265's keyframe every 250 frames): all of
    them decoded frame by frame, so library clips are judged as first sampled."""
    target = work / name
    chosen = {p: k for p, k in kinds.items() if k in RE_ENCODED or k == "apart"}
    if (target / "DONE").exists():
        return target, chosen
    for path, kind in chosen.items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        if kind == "apart":
            make_copy("hevc smaller", backup / path, target / path, 0.0, 0.0)
        elif not (target / path).exists():
            os.link(backup / path, target / path)
    (target / "DONE").write_text("")
    return target, chosen


def phone_smaller(
    work: Path, originals: Path, backup: Path, kinds: dict[str, str], name: str
) -> tuple[Path, dict[str, str]]:
    """A messenger's copies: each library clip (from ``originals``) and every clip that
    must stay new, re-encoded with H.264 at 320 px and a keyframe a second, so sampled at
    their keyframes first; being smaller, they are sampled whole instead of the library's."""
    target, chosen = work / name, {}
    for path, kind in kinds.items():
        if kind == "hevc smaller":
            chosen[f"phone-smaller/{Path(path).name}"] = PHONE_SMALLER
        elif kind == "apart":
            chosen[path] = "apart"
    if (target / "DONE").exists():
        return target, chosen
    for path, kind in chosen.items():
        source = originals / Path(path).name if kind == PHONE_SMALLER else backup / path
        ffmpeg("-v", "fatal", "-i", source, "-vf", "scale=320:-2", "-an", "-c:v", "libx264",
               "-preset", "veryfast", "-force_key_frames", "expr:gte(t,n_forced)",
               target / path)  # fmt: skip
    (target / "DONE").write_text("")
    return target, chosen


def build_footage(work: Path) -> tuple[Path, Path, dict[str, str]]:
    """Library and backup trees from real footage; each backup clip's kind (or "apart")."""
    lib, backup = work / "footage-library", work / "footage-backup"
    done = work / "FOOTAGE-DONE"
    if done.exists():
        kinds = dict(line.split("\t") for line in done.read_text().splitlines())
        return lib, backup, kinds
    rng = random.Random(1)
    kinds = {}
    for number, (name, source) in enumerate(footage().items()):
        capture = cv2.VideoCapture(str(source))
        fps = capture.get(cv2.CAP_PROP_FPS)
        length = capture.get(cv2.CAP_PROP_FRAME_COUNT) / fps
        capture.release()
        parts = 3 if length >= 60 else 2
        part = length / parts
        stem = f"{number}-{name.split()[0]}"
        phone = ("-an", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast",
                 "-g", round(fps))  # fmt: skip
        original = lib / f"{stem}.mp4"
        # the sources' own decoding complaints (a damaged audio frame) are not ours to print
        ffmpeg("-v", "fatal", "-i", source, "-t", f"{part:.2f}", *phone, original)
        for kind in COPIES[:-1]:
            suffix = ".mov" if kind == "re-muxed .mov" else ".mp4"
            target = backup / kind.replace(" ", "-") / f"{stem}{suffix}"
            make_copy(kind, original, target, part, rng.uniform(0.5, 1.5))
            kinds[str(target.relative_to(backup))] = kind
        for later in range(1, parts):
            target = backup / "later" / f"{stem}-{later}.mp4"
            start = f"{later * part:.2f}"
            ffmpeg("-v", "fatal", "-ss", start, "-i", source, "-t", f"{part:.2f}", *phone, target)
            kinds[str(target.relative_to(backup))] = "apart"
        for share in (0.25, 0.5):  # as long, overlapping the library's part: not all there
            target = backup / "overlapping" / f"{stem}-{round(share * 100)}.mp4"
            start = f"{share * part:.2f}"
            ffmpeg("-v", "fatal", "-ss", start, "-i", source, "-t", f"{part:.2f}", *phone, target)
            kinds[str(target.relative_to(backup))] = "apart"
    done.write_text("".join(f"{p}\t{k}\n" for p, k in sorted(kinds.items())))
    return lib, backup, kinds


def same_path(work: Path, dense: bool) -> tuple[Path, dict[str, str]]:
    """Second recordings along each library pan's path, as a pan repeated from a tripod
    shows it: the original re-timed to SAME_PATH shares of its speed, from 1 s in,
    phone-like (a keyframe a second); with ``dense``, as HEVC at 320 px (x265's keyframe
    every 250 frames: decoded frame by frame). Each must stay new."""
    target = work / ("same-path-hevc" if dense else "same-path")
    kinds: dict[str, str] = {}
    done = (target / "DONE").exists()
    for original in sorted((work / "originals").glob("*.mp4")):
        if int(original.stem) % 4 == 0:
            continue  # in the library turned upright: apart anyway
        for share, kind in SAME_PATH.items():
            clip = target / f"{share}" / original.name
            kinds[str(clip.relative_to(target))] = kind
            if done:
                continue
            retimed = f"setpts=(PTS-STARTPTS)/{share}"
            if dense:
                ffmpeg("-ss", 1, "-i", original, "-vf", f"{retimed},scale=320:-2", "-r", FPS,
                       "-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
                       "log-level=error", "-tag:v", "hvc1", clip)  # fmt: skip
            else:
                ffmpeg("-ss", 1, "-i", original, "-vf", retimed, "-r", FPS,
                       "-c:v", "libx264", "-preset", "veryfast", "-g", FPS, clip)  # fmt: skip
    (target / "DONE").write_text("")
    return target, kinds


def report(lib: Path, backup: Path, kinds: dict[str, str], jobs: int, what: str) -> None:
    """Search ``backup`` against ``lib``; print found per kind of copy, and kept apart."""
    start = time.perf_counter()
    result = search(str(lib), str(backup), SearchOptions(jobs=jobs, cache_path=None))
    elapsed = time.perf_counter() - start
    states = {str(Path(v.path).relative_to(backup)): v.status for v in result.needle_images}
    blank = {
        str(Path(v.path).relative_to(backup))
        for v in result.needle_images
        if (v.reason or "").startswith("too little detail to tell this clip")
    }
    print(
        f"{what}: library {result.haystack_videos} clips "
        f"({result.haystack_videos_whole} sampled whole); backup {len(states)} clips; "
        f"hashed and matched in {elapsed:.1f} s"
    )
    print()
    print("| backup clips | clips | found | share |")
    print("| --- | ---: | ---: | ---: |")
    new = ("apart", *SAME_PATH.values())  # the kinds that must stay new
    for kind in (*COPIES, PHONE_SMALLER, *SAME_PATH.values(), "apart"):
        members = [p for p, k in kinds.items() if k == kind]
        if not members:
            continue
        found = sum(1 for p in members if states.get(p) == "found")
        label = {"apart": "other clips"}.get(kind, kind) + (" (must stay new)" * (kind in new))
        print(f"| {label} | {len(members)} | {found} | {found / len(members):.3f} |")
    copies = [p for p, k in kinds.items() if k not in new]
    recall = sum(1 for p in copies if states.get(p) == "found") / max(1, len(copies))
    apart = [p for p, k in kinds.items() if k in new]
    kept = sum(1 for p in apart if states.get(p) != "found")
    print()
    found = f"copies found: {recall:.3f}; " if copies else ""
    print(f"{found}other clips kept apart: {kept} of {len(apart)}")
    if blank & set(copies):
        judged = [p for p in copies if p not in blank]
        rest = sum(1 for p in judged if states.get(p) == "found") / max(1, len(judged))
        print(
            f"of the copies, {len(blank & set(copies))} are of clips with next to no detail, "
            f"never found on purpose (README, Videos); the others: {rest:.3f}"
        )
    missed = sorted(p for p in copies if states.get(p) != "found")
    wrong = sorted(p for p in apart if states.get(p) == "found")
    if missed or wrong:
        print(f"missed: {missed[:10]}; wrongly found: {wrong[:10]}")
    print()


def sampled_whole(lib: Path, backup: Path, jobs: int, what: str) -> None:
    """How many library clips the backup at ``backup`` makes hashsearch sample whole (only
    those a backup clip could be a copy of, match/lookup.py; none for a clip holding a
    library clip's very stream, match/streams.py)."""
    start = time.perf_counter()
    result = search(str(lib), str(backup), SearchOptions(jobs=jobs, cache_path=None))
    elapsed = time.perf_counter() - start
    found = sum(v.status == "found" for v in result.needle_images)
    print(
        f"a backup of {what} ({len(result.needle_images)} clips): "
        f"{result.haystack_videos_whole} of {result.haystack_videos} library clips sampled "
        f"whole; {found} found; hashed and matched in {elapsed:.1f} s"
    )
    print()


def timing(work: Path) -> None:
    """Seconds to hash a minute of 1080p video, against 30 camera photos."""
    minute = work / "minute"
    minute.mkdir(exist_ok=True)
    picture = source_photos()[-1]
    source = minute / "source.mp4"
    if not source.exists():  # a real photo panned at 1080p: the master every clip is cut from
        ffmpeg("-loop", "1", "-t", 60, "-i", picture,
               "-vf", "scale=3840:2560,crop=1920:1080:x='t*25':y='t*15',format=yuv420p",
               "-r", FPS, "-c:v", "libx264", "-preset", "ultrafast", "-qp", 0, source)  # fmt: skip
    clips = {
        "phone-like H.264, a keyframe each second": ("libx264", "16M", FPS, 1920),
        "phone-like HEVC, a keyframe each second": ("libx265", "8M", FPS, 1920),
        "H.264 re-encode, a keyframe each 250 frames": ("libx264", "8M", 250, 1920),
        # sampled whole instead of its 1080p library clip (match/lookup.py: needle_instead)
        "a messenger's copy: H.264 at 480p, a keyframe each second": ("libx264", "2M", FPS, 854),
    }
    photos = make_camera_jpegs(minute / "photos", 30)
    start = time.perf_counter()
    for photo in photos:
        signature_of_file(str(photo))
    per_photo = (time.perf_counter() - start) / len(photos)
    each = f"{per_photo * 1000:.0f} ms each"
    print(f"30 camera photos (4032x3024 JPEG): {30 * per_photo:.2f} s ({each})")
    print()
    print(
        "| one minute (1080p but the last) | bitrate | at keyframes | camera photos | frames "
        "| sampled whole | camera photos | frames | whole, from scratch |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, (codec, rate, gop, width) in clips.items():
        clip = minute / f"{codec}-{gop}-{width}.mp4"
        if not clip.exists():
            extra = ["-x265-params", "log-level=error"] if codec == "libx265" else []
            constant = ["-minrate", rate, "-maxrate", rate, "-bufsize", rate]  # as phones do
            ffmpeg("-i", source, "-vf", f"scale={width}:-2", "-c:v", codec, "-preset",
                   "veryfast", "-b:v", rate, *constant, "-g", gop, *extra, clip)  # fmt: skip
        # first at keyframes, then whole as a library clip is once a backup clip could
        # copy it (the first pass's frames taken from its record); then whole from scratch
        cells, first = [], None
        for params in (HashParams(looked_up=(str(clip),)), None, HashParams()):
            if params is None:
                params = HashParams(known={str(clip): first} if first is not None else {})
            start = time.perf_counter()
            video = signature_of_video(str(clip), params)
            seconds = time.perf_counter() - start
            first = video if first is None else first
            cells.append(f"{seconds:.2f} s | {seconds / per_photo:.0f} | {len(video.frames)}")
        rate = clip.stat().st_size * 8 / 60 / 1e6
        scratch = cells[2].split(" | ")[0]
        print(f"| {name} | {rate:.1f} Mbit/s | {cells[0]} | {cells[1]} | {scratch} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=88, help="real pictures to film")
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the clips here")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--pan-speed", type=float, default=30.0, help="frame pixels a second at most"
    )
    parser.add_argument("--no-timing", action="store_true", help="recall only")
    parser.add_argument("--timing-only", action="store_true", help="the cost of a minute only")
    parser.add_argument(
        "--long",
        action="store_true",
        help="pans of 40 to 70 s (a backup's are sampled at a keyframe every 5 s)",
    )
    args = parser.parse_args()
    set_pan_speed(args.pan_speed)
    with tempfile.TemporaryDirectory() as scratch:
        work = args.workdir or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        if args.timing_only:
            print(f"machine: {machine()}")
            timing(work)
            return
        lengths = (40.0, 70.0) if args.long else (6.0, 14.0)
        lib, backup, kinds = build_trees(work, args.scenes, lengths)
        print(f"machine: {machine()}")
        print()
        report(lib, backup, kinds, args.jobs, "camera pans over real pictures")
        sampled_whole(lib, backup / "other-scene", args.jobs, "the other scenes alone")
        if not (work / "same-files").exists():  # a copy of the phone's folder
            shutil.copytree(lib, work / "same-files")
        sampled_whole(lib, work / "same-files", args.jobs, "the library's own files")
        dense, chosen = re_encoded(work, backup, kinds, "re-encoded")
        report(lib, dense, chosen, args.jobs, "the re-encoded copies, the other clips re-encoded")
        small, chosen = phone_smaller(work, work / "originals", backup, kinds, "phone-smaller")
        report(lib, small, chosen, args.jobs, "a messenger's copies, the other clips alike")
        for dense in (False, True):
            retimed, chosen = same_path(work, dense)
            what = "second pans along each library pan's path" + ", as HEVC" * dense
            report(lib, retimed, chosen, args.jobs, what)
        footage_lib, footage_backup, footage_kinds = build_footage(work)
        report(footage_lib, footage_backup, footage_kinds, args.jobs, FOOTAGE)
        dense, chosen = re_encoded(work, footage_backup, footage_kinds, "footage-re-encoded")
        report(footage_lib, dense, chosen, args.jobs, "the same footage, all re-encoded")
        small, chosen = phone_smaller(
            work, footage_lib, footage_backup, footage_kinds, "footage-phone-smaller"
        )
        report(footage_lib, small, chosen, args.jobs, "the same footage, a messenger's copies")
        if not args.no_timing:
            timing(work)


if __name__ == "__main__":
    main()
