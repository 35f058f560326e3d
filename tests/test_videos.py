"""Videos: found when one library video covers them, new otherwise, never matched with photos.

Every clip is a real H.264 or HEVC file made at test time (tests/clips.py).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

import hashsearch
from clips import (
    deinterlaced_copy,
    ffmpeg,
    fixed_camera_clip,
    hevc_copy,
    interlaced_copy,
    pan_clip,
    remuxed_copy,
    trimmed_copy,
    turned_copy,
    upright_copy,
    with_sound,
)
from conftest import PHOTOS, file_states, load_photo, write_image
from hashsearch import HashParams, MatchRules, VideoMatcher, signature_of_video
from hashsearch.decode.stream import stream_digest
from hashsearch.hash.cache import HashCache, stamp_of


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A library of three phone clips and a backup of copies, new clips and look-alikes."""
    root = tmp_path_factory.mktemp("videos")
    lib, needles = root / "library", root / "backup"
    rocket = pan_clip(lib / "2024" / "rocket.mp4", "rocket.jpg", 12)
    coffee = pan_clip(lib / "2024" / "coffee.mp4", "coffee.png", 10)
    chelsea = pan_clip(lib / "2024" / "chelsea.mov", "chelsea.png", 8)
    done = needles / "copies"
    hevc_copy(rocket, done / "rocket-hevc-small.mp4")
    trimmed_copy(coffee, done / "coffee-trimmed.mp4", start=1.0)
    trimmed_copy(rocket, done / "rocket-trimmed-between-frames.mp4", start=1.37)
    remuxed_copy(chelsea, done / "chelsea.mp4")
    upright_copy(chelsea, lib / "2024" / "chelsea-upright.mp4")
    turned_copy(chelsea, done / "chelsea-turned-by-flag.mp4")
    pan_clip(needles / "new-scene" / "astronaut.mp4", "astronaut.png", 8)
    # the same place on the same day: another pan over the rocket photo
    pan_clip(needles / "same-place" / "rocket-again.mp4", "rocket.jpg", 12, start=(300, 200))
    return lib, needles


def test_copies_are_found_and_other_clips_are_new(cli, videos, tmp_path) -> None:
    lib, needles = videos
    run = cli("--haystack", lib, "--needles", needles, "--json", "--cache", tmp_path / "c.db")
    assert run.code == 1
    states = file_states(run.out)
    assert states == {
        "copies/chelsea-turned-by-flag.mp4": ("found", None),
        "copies/chelsea.mp4": ("found", None),
        "copies/coffee-trimmed.mp4": ("found", None),
        "copies/rocket-hevc-small.mp4": ("found", None),
        "copies/rocket-trimmed-between-frames.mp4": ("found", None),
        "new-scene/astronaut.mp4": ("new", None),
        "same-place/rocket-again.mp4": ("new", None),
    }
    listed = cli("--haystack", lib, "--needles", needles, "--cache", tmp_path / "c.db")
    assert listed.lines == ["new-scene", "same-place"]
    assert "0 images and 4 videos hashed" in listed.err
    assert "7 files (7 videos)" in listed.err


def test_a_folder_of_videos_all_in_the_library_is_done(cli, videos) -> None:
    lib, needles = videos
    run = cli("--haystack", lib, "--needles", needles / "copies", "--no-cache")
    assert (run.code, run.out) == (0, "")


def test_json_says_kind_length_and_where_the_copy_starts(cli, videos) -> None:
    lib, needles = videos
    run = cli("--haystack", lib, "--needles", needles / "copies", "--json", "--no-cache")
    doc = json.loads(run.out)
    files = {f["path"]: f for d in doc["folders"] for f in d["files"]}
    trimmed = files["coffee-trimmed.mp4"]
    assert trimmed["kind"] == "video"
    assert trimmed["duration"] == pytest.approx(9.0, abs=0.1)
    match = trimmed["match"]
    assert match["path"] == "2024/coffee.mp4"
    assert match["offset"] == pytest.approx(1.0, abs=0.6)  # the copy starts 1 s in
    assert match["duration"] == pytest.approx(10.0, abs=0.1)
    assert match["covered"] >= 0.9
    assert files["rocket-hevc-small.mp4"]["size"] == [320, 180]
    assert doc["haystack"]["videos"] == 4 and doc["summary"]["haystack_videos"] == 4


def test_a_short_cut_in_the_library_is_not_the_video(cli, videos, tmp_path) -> None:
    lib, _ = videos
    cut_lib, backup = tmp_path / "lib", tmp_path / "backup"
    cut_lib.mkdir()
    trimmed_copy(lib / "2024" / "rocket.mp4", cut_lib / "rocket-first-4s.mp4", 0.0, 4.0)
    (backup / "a").mkdir(parents=True)
    shutil.copy(lib / "2024" / "rocket.mp4", backup / "a" / "rocket.mp4")
    run = cli("--haystack", cut_lib, "--needles", backup, "--json", "--no-cache")
    assert run.code == 1
    state, reason = file_states(run.out)["a/rocket.mp4"]
    assert state == "smaller"
    assert reason == "only a shorter cut in the library (4 s of 12 s)"
    # the other way round: a cut of a library video holds nothing the library lacks
    run = cli("--haystack", backup, "--needles", cut_lib, "--no-cache")
    assert (run.code, run.out) == (0, "")


def test_videos_are_never_matched_with_photos(cli, tmp_path) -> None:
    lib, backup = tmp_path / "lib", tmp_path / "backup"
    still = load_photo("coffee.png")
    write_image(lib / "coffee.png", still)
    # a clip that shows nothing but that photo
    (backup / "a").mkdir(parents=True)
    ffmpeg(
        "-loop", "1", "-t", 3, "-i", lib / "coffee.png", "-vf", "format=yuv420p",
        "-c:v", "libx264", "-preset", "veryfast", backup / "a" / "still.mp4",
    )  # fmt: skip
    run = cli("--haystack", lib, "--needles", backup, "--json", "--no-cache")
    assert file_states(run.out) == {"a/still.mp4": ("new", None)}
    shutil.move(backup / "a" / "still.mp4", lib / "still.mp4")
    write_image(backup / "b" / "coffee.png", still)
    (lib / "coffee.png").unlink()
    run = cli("--haystack", lib, "--needles", backup, "--json", "--no-cache")
    assert file_states(run.out) == {"b/coffee.png": ("new", None)}


def test_a_live_photo_is_done_only_when_still_and_movie_are_both_found(cli, videos, tmp_path):
    lib, _ = videos
    hay, backup = tmp_path / "library", tmp_path / "backup"
    shutil.copytree(lib, hay)
    write_image(hay / "stills" / "IMG_0001.jpg", load_photo("rocket.jpg"))
    write_image(backup / "live" / "IMG_0001.jpg", load_photo("rocket.jpg"))
    pan_clip(backup / "live" / "IMG_0001.MOV", "rocket.jpg", 3, start=(500, 300))
    run = cli("--haystack", hay, "--needles", backup, "--json", "--no-cache")
    assert file_states(run.out) == {
        "live/IMG_0001.MOV": ("new", None),
        "live/IMG_0001.jpg": ("found", None),
    }
    shutil.copy(backup / "live" / "IMG_0001.MOV", hay / "IMG_0001.MOV")
    run = cli("--haystack", hay, "--needles", backup, "--no-cache")
    assert (run.code, run.out) == (0, "")


def test_bad_videos_are_unreadable_with_a_reason_and_never_stop_the_run(cli, videos, tmp_path):
    lib, _ = videos
    source = (lib / "2024" / "rocket.mp4").read_bytes()
    bad = tmp_path / "backup" / "bad"
    bad.mkdir(parents=True)
    (bad / "cut-short.mp4").write_bytes(source[: len(source) // 2])
    (bad / "text.mp4").write_text("not a video\n")
    (bad / "empty.mov").write_bytes(b"")
    damaged = bytearray(source)
    for offset in range(len(source) // 3, len(source) // 3 + 4000, 7):
        damaged[offset] ^= 0x5A
    (bad / "damaged.mp4").write_bytes(bytes(damaged))
    run = cli("--haystack", lib, "--needles", bad.parent, "--json", "--no-cache")
    assert run.code == 1
    assert "Traceback" not in run.err
    states = file_states(run.out)
    assert states["bad/text.mp4"][0] == "unreadable"
    assert states["bad/empty.mov"][0] == "unreadable"
    assert states["bad/cut-short.mp4"][0] == "unreadable"
    # bytes changed inside the stream: FFmpeg's own message, captured, is the reason
    state, reason = states["bad/damaged.mp4"]
    assert state == "unreadable" and (reason or "").startswith("damaged video: [h264] error")
    for name, (state, reason) in states.items():
        assert state != "unreadable" or reason, name
    listed = cli("--haystack", lib, "--needles", bad.parent, "--list-files", "--no-cache")
    assert sorted(listed.lines) == sorted(states)


def test_a_video_over_the_time_limit_is_that_videos_reason(cli, videos, tmp_path) -> None:
    lib, _ = videos
    backup = tmp_path / "backup"
    # the clip decoded frame by frame takes about 0.65 s here, the small photo about 0.01 s:
    # the limit lies well between the two, on a machine three times faster or under load
    pan_clip(backup / "a" / "long.mp4", "rocket.jpg", 20, size=(1280, 720), keyframe_every=600)
    write_image(backup / "a" / "photo.jpg", cv2.resize(load_photo("coffee.png"), (256, 192)))
    run = cli(
        "--haystack", lib, "--needles", backup, "--json", "--no-cache", "--time-limit", "0.2"
    )  # fmt: skip
    states = file_states(run.out)
    files = {f["path"]: f for d in json.loads(run.out)["folders"] for f in d["files"]}
    assert files["a/long.mp4"]["kind"] == "video"
    assert states["a/long.mp4"][0] == "unreadable"
    assert "time limit" in (states["a/long.mp4"][1] or "")
    assert states["a/photo.jpg"][0] == "new"


def test_frames_larger_than_max_pixels_are_refused(cli, videos) -> None:
    lib, needles = videos
    run = cli("--haystack", lib, "--needles", needles / "new-scene", "--json", "--no-cache",
              "--max-pixels", "100000")  # fmt: skip
    state, reason = file_states(run.out)["astronaut.mp4"]
    assert state == "unreadable" and "too large" in (reason or "")


def test_frames_beyond_8k_are_refused_whatever_max_pixels_says(cli, videos, tmp_path) -> None:
    lib, _ = videos
    huge = tmp_path / "backup" / "a" / "huge.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=8192x5200:d=0.1", "-r", 10, "-c:v", "libx264",
           "-preset", "ultrafast", huge)  # fmt: skip
    run = cli("--haystack", lib, "--needles", huge.parent.parent, "--json", "--no-cache")
    assert file_states(run.out)["a/huge.mp4"] == (
        "unreadable",
        "video frames too large: 8192x5200 pixels (limit 40,000,000: --max-pixels, "
        "and at most 40,000,000 for a video)",
    )


def test_the_cache_keeps_videos(cli, videos, tmp_path) -> None:
    lib, needles = videos
    first = cli("--haystack", lib, "--needles", needles, "--json", "--cache", tmp_path / "c.db")
    again = cli("--haystack", lib, "--needles", needles, "--json", "--cache", tmp_path / "c.db")
    assert file_states(again.out) == file_states(first.out)
    info = hashsearch.cache_info(hashsearch.SearchOptions(cache_path=tmp_path / "c.db"))
    assert info.files == 11


def test_the_library_api_gives_the_commands_verdict(videos) -> None:
    lib, needles = videos
    library = signature_of_video(str(lib / "2024" / "coffee.mp4"))
    copy = signature_of_video(str(needles / "copies" / "coffee-trimmed.mp4"))
    assert library.duration == pytest.approx(10.0, abs=0.1) and len(library.frames) == 10
    assert hashsearch.VideoSignature.from_bytes(library.to_bytes(), 64).times == library.times
    matcher = VideoMatcher(64, MatchRules())
    matcher.add("coffee", library)
    assert [m.path for m in matcher.matches(copy)] == ["coffee"]
    with pytest.raises(hashsearch.ImageError):
        signature_of_video(str(needles / "copies"), HashParams())


def test_the_report_shows_a_poster_frame_beside_the_library_copys(cli, videos, tmp_path):
    lib, needles = videos
    report = tmp_path / "report.html"
    cli("--haystack", lib, "--needles", needles, "--no-cache", "--report", report)
    page = report.read_text()
    at = page.index("coffee-trimmed.mp4")
    row = page[page.rindex("<tr", 0, at) : page.index("</tr>", at)]
    assert row.count("data:image/jpeg;base64,") == 2
    assert "of the frames they share matched" in row


def _still_clip(path: Path, seconds: float, crf: int = 23) -> Path:
    ffmpeg(
        "-loop", "1", "-t", seconds, "-i", PHOTOS / "coffee.png", "-vf", "format=yuv420p",
        "-r", 30, "-c:v", "libx264", "-preset", "veryfast", "-crf", crf, path,
    )  # fmt: skip
    return path


def test_a_still_clip_is_never_found_by_its_frames(cli, tmp_path) -> None:
    # a tripod shot of a still scene: its frames match any other recording of the scene
    # at any moment; not even its copy can be told from another clip as long (only the
    # very same stream is found: test_streams.py)
    lib, backup = tmp_path / "lib", tmp_path / "backup"
    still = _still_clip(lib / "tripod.mp4", 4)
    hevc_copy(still, backup / "copy" / "tripod-hevc.mp4", width=640)
    _still_clip(backup / "another" / "tripod-again.mp4", 4, crf=24)  # never the same bits
    run = cli("--haystack", lib, "--needles", backup, "--json", "--no-cache")
    why = "nothing in it moves enough to tell it from another recording of the scene"
    assert file_states(run.out) == {
        "copy/tripod-hevc.mp4": ("new", why),
        "another/tripod-again.mp4": ("new", why),
    }


def test_a_fixed_camera_tells_its_moments_apart(cli, tmp_path) -> None:
    # a street camera on a tripod: every frame shows the same street, so each frame of
    # another recording passes the photo checks; only who walks where, when, differs
    lib, backup = tmp_path / "lib", tmp_path / "backup"
    walk = {"walker_from": (20, 60), "walker_speed": (40, 12)}
    original = fixed_camera_clip(lib / "street.mp4", 12, **walk)
    hevc_copy(original, backup / "copies" / "street-hevc.mp4", width=480)
    trimmed_copy(original, backup / "copies" / "street-trimmed.mp4", start=1.37)
    # as long as the library clip, filmed a minute later: someone else walks through
    fixed_camera_clip(
        backup / "later" / "street.mp4", 12, walker_from=(560, 240), walker_speed=(-35, -10)
    )
    # seconds 6 to 18 of the same walk: half of it is not in the library
    fixed_camera_clip(
        backup / "half" / "street.mp4", 12, walker_from=(260, 132), walker_speed=(40, 12)
    )
    run = cli("--haystack", lib, "--needles", backup, "--json", "--no-cache")
    states = file_states(run.out)
    assert states["copies/street-hevc.mp4"] == ("found", None)
    assert states["copies/street-trimmed.mp4"] == ("found", None)
    assert states["later/street.mp4"][0] == "new"
    assert states["half/street.mp4"] == (
        "smaller",
        "only a shorter cut in the library (6 s of 12 s)",
    )


def test_a_blank_still_clip_is_never_found(cli, tmp_path) -> None:
    # a camera left running against a plain wall: nothing tells one such clip from another
    lib, backup = tmp_path / "lib", tmp_path / "backup"
    lib.mkdir()
    ffmpeg("-f", "lavfi", "-i", "color=c=0x808890:s=640x360:d=4", "-c:v", "libx264",
           "-preset", "veryfast", lib / "wall.mp4")  # fmt: skip
    hevc_copy(lib / "wall.mp4", backup / "a" / "wall-copy.mp4", width=640)
    run = cli("--haystack", lib, "--needles", backup, "--json", "--no-cache")
    assert file_states(run.out)["a/wall-copy.mp4"] == (
        "new",
        "too little detail to tell this clip from another (a wall, a sky, darkness)",
    )


def test_a_pan_over_a_soft_gradient_is_never_found(cli, tmp_path) -> None:
    # frames with no detail match on their layout alone, so they are no evidence: the
    # same pan over a photo is a cut of the library clip, over a gradient it proves nothing
    ys, xs = np.mgrid[0:720, 0:1280].astype(np.float32)
    gradient = tmp_path / "gradient.png"
    write_image(gradient, np.dstack([90 + 60 * xs / 1280 + 20 * ys / 720] * 3).astype(np.uint8))
    lib, backup = tmp_path / "lib", tmp_path / "backup"
    for name, picture in (("sky", gradient), ("coins", "coins.png")):
        pan_clip(lib / f"{name}.mp4", picture, 10)
        # seconds 2 to 6 of the library's pan, filmed again
        pan_clip(backup / "a" / f"{name}-part.mp4", picture, 4, start=(40, 16))
    run = cli("--haystack", lib, "--needles", backup, "--json", "--no-cache")
    states = file_states(run.out)
    assert states["a/coins-part.mp4"] == ("found", None)
    assert states["a/sky-part.mp4"] == (
        "new",
        "too little detail to tell this clip from another (a wall, a sky, darkness)",
    )


def test_threads_hashing_videos_at_once_get_what_one_thread_gets(videos, tmp_path) -> None:
    # keyframes-only decoding is asked of FFmpeg through the environment while a file is
    # opened; a thread opening another file meanwhile (a Dask worker) must not inherit it.
    # (The window is narrow: this run did not catch it without the lock either; the lock
    # closes it by construction, this test keeps the outcome in sight.)
    from concurrent.futures import ThreadPoolExecutor

    lib, _ = videos
    sparse = pan_clip(tmp_path / "sparse.mp4", "coins.png", 6, keyframe_every=250)
    paths = [str(lib / "2024" / "rocket.mp4"), str(sparse)] * 4
    alone = {p: signature_of_video(p).times for p in set(paths)}
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda p: signature_of_video(p).times, paths))
    assert together == [alone[p] for p in paths]
    assert len(alone[str(sparse)]) == 24  # every frame decoded: one kept each 0.25 s
    assert len(alone[str(lib / "2024" / "rocket.mp4")]) == 12  # a keyframe a second


def test_a_frame_is_on_time_when_its_moment_matches_best() -> None:
    from hashsearch.hash.signature import signature
    from hashsearch.match.timing import Timing, timing
    from hashsearch.match.verify import Prepared, prepare

    photo = cv2.cvtColor(load_photo("rocket.jpg"), cv2.COLOR_BGR2GRAY)

    def frame(x: int) -> Prepared:  # a pan: the view from x on
        return prepare(signature(photo[:, x : x + 300], 8).thumb)

    here, a_step_on, far_on = frame(0), frame(4), frame(60)
    assert timing(here, a_step_on, [far_on]) is Timing.ON_TIME
    assert timing(here, far_on, [a_step_on]) is Timing.OFF_TIME  # another moment fits better
    assert timing(here, here, [here]) is Timing.ANY_TIME  # nothing moved
    blank = prepare(np.full((64, 64), 128, np.uint8))
    assert timing(blank, blank, [blank]) is Timing.UNTIMED
    assert timing(here, a_step_on, []) is Timing.UNTIMED  # no frame far enough away


def test_a_slow_pans_copy_is_on_time_a_still_scenes_other_recording_is_not() -> None:
    from hashsearch.match.timing import Timing, judged

    # measured on benchmarks/videos.py (2026-11-30): a slow pan's trimmed copy, its frame
    # at its moment and the best of those 1.5 s away, lost when 0.03 was asked
    for best in (0.958, 0.965, 0.972):
        assert judged(0.998, best) is Timing.ON_TIME
    # a later recording of a tree in the wind from the same tripod: the pair that gains most
    # without walking people (those fail the share of the mismatch: 0.797 against 0.698)
    assert judged(0.981, 0.958) is Timing.ANY_TIME
    assert judged(0.797, 0.698) is Timing.ANY_TIME
    assert judged(0.90, 0.96) is Timing.OFF_TIME


def test_a_clip_too_short_to_time_is_new_with_that_reason(cli, tmp_path) -> None:
    # its frames match, but none lies 1.5 s from another: nothing tells its moment
    lib, backup = tmp_path / "lib", tmp_path / "backup"
    short = pan_clip(lib / "blink.mp4", "rocket.jpg", 1.2, keyframe_every=6)
    ffmpeg("-i", short, "-c:v", "libx264", "-crf", 18, "-g", 6, backup / "a" / "blink.mp4")
    remuxed_copy(short, backup / "a" / "blink.mov")  # the very same stream: found as such
    run = cli("--haystack", lib, "--needles", backup, "--json", "--no-cache")
    assert file_states(run.out) == {
        "a/blink.mp4": ("new", "too short to tell it from another recording of the scene"),
        "a/blink.mov": ("found", None),
    }


def test_sound_is_read_from_the_track_list(tmp_path) -> None:
    from hashsearch.decode.sound import has_sound

    silent = pan_clip(tmp_path / "silent.mp4", "coins.png", 2)
    loud = with_sound(silent, tmp_path / "loud.mp4")
    remuxed_copy(loud, tmp_path / "loud.mov")
    remuxed_copy(loud, tmp_path / "loud.mkv")
    (tmp_path / "cut.mp4").write_bytes(loud.read_bytes()[:200])
    (tmp_path / "text.mp4").write_text("not a video")
    assert (has_sound(str(loud)), has_sound(str(tmp_path / "loud.mov"))) == (True, True)
    assert has_sound(str(silent)) is False
    for unknown in ("loud.mkv", "cut.mp4", "text.mp4", "missing.mp4"):
        assert has_sound(str(tmp_path / unknown)) is None  # not told: no rule applies


def test_a_library_copy_without_the_sound_is_not_the_video(cli, tmp_path) -> None:
    # deleting the original for it would lose the sound: listed, as for a thumbnail
    lib, backup = tmp_path / "lib", tmp_path / "backup"
    silent = pan_clip(tmp_path / "silent.mp4", "coins.png", 6)
    with_sound(silent, lib / "with-sound.mp4")
    remuxed_copy(silent, lib / "muted.mp4")
    with_sound(pan_clip(tmp_path / "other.mp4", "chelsea.png", 6), backup / "a" / "talk.mp4")
    remuxed_copy(tmp_path / "other.mp4", lib / "talk-muted.mp4")
    remuxed_copy(silent, backup / "b" / "muted.mov")
    run = cli("--haystack", lib, "--needles", backup, "--json", "--no-cache")
    assert file_states(run.out) == {
        "a/talk.mp4": ("smaller", "only a copy without its sound in the library"),
        "b/muted.mov": ("found", None),  # without sound itself, it loses nothing
    }


def test_a_short_clip_half_outside_the_library_copy_is_not_found(cli, tmp_path) -> None:
    # the library copy may lack a trim at either end, but not a third of a 4 s clip
    source = pan_clip(tmp_path / "source.mp4", "rocket.jpg", 8)
    trimmed_copy(source, tmp_path / "library" / "first.mp4", start=0.0, seconds=4)
    trimmed_copy(source, tmp_path / "backup" / "later.mp4", start=1.5, seconds=4)
    trimmed_copy(source, tmp_path / "backup2" / "trimmed.mp4", start=0.4, seconds=3.6)
    run = cli("--haystack", tmp_path / "library", "--needles", tmp_path / "backup", "--json")
    [(state, reason)] = file_states(run.out).values()
    assert state == "smaller" and reason.startswith("only a shorter cut in the library"), reason
    run = cli("--haystack", tmp_path / "library", "--needles", tmp_path / "backup2", "--json")
    assert [state for state, _ in file_states(run.out).values()] == ["found"]


def test_an_interlaced_video_is_unreadable_with_that_reason_never_black_frames(cli, tmp_path):
    # OpenCV's FFmpeg refuses to convert frames flagged interlaced and hands over black ones
    # or stale buffers (two such clips must never be one video): DV, DVD, AVCHD clips
    lib, backup = tmp_path / "library", tmp_path / "backup"
    camcorder = interlaced_copy(pan_clip(tmp_path / "a.mp4", "rocket.jpg", 4), lib / "00001.MTS")
    other = pan_clip(tmp_path / "b.mp4", "coffee.png", 4)
    interlaced_copy(other, backup / "card" / "00002.MTS")
    shutil.copy(camcorder, backup / "card" / "00001.MTS")
    deinterlaced_copy(camcorder, backup / "imported" / "00001.mp4")
    run = cli("--haystack", lib, "--needles", backup, "--json", "--no-cache")
    assert run.code == 1 and "Traceback" not in run.err
    states = file_states(run.out)
    state, reason = states["card/00002.MTS"]
    assert state == "unreadable" and (reason or "").startswith("interlaced video")
    assert states["imported/00001.mp4"] == ("new", None)  # its library copy could not be read
    assert states["card/00001.MTS"] == ("found", None)  # its very stream: see below
    (unreadable,) = json.loads(run.out)["haystack"]["unreadable"]
    assert unreadable["path"] == "00001.MTS" and unreadable["reason"].startswith("interlaced")
    with pytest.raises(hashsearch.ImageError, match=r"^interlaced video"):
        signature_of_video(str(camcorder))


def test_an_interlaced_clip_is_found_by_its_very_stream(cli, tmp_path) -> None:
    # a camcorder card copied whole: its files are the library's, packet for packet; their
    # frames cannot be compared, but nothing of them is lost (the cache keeps the digest)
    lib, backup, cache = tmp_path / "library", tmp_path / "backup", tmp_path / "c.db"
    camcorder = interlaced_copy(pan_clip(tmp_path / "a.mp4", "rocket.jpg", 4), lib / "00001.MTS")
    other = interlaced_copy(pan_clip(tmp_path / "b.mp4", "coffee.png", 4), tmp_path / "b.MTS")
    (backup / "card").mkdir(parents=True)
    shutil.copy(camcorder, backup / "card" / "00001.MTS")
    ffmpeg("-i", camcorder, "-c", "copy", "-f", "mpegts", backup / "card" / "00001-copy.m2ts")
    shutil.copy(other, backup / "card" / "00002.MTS")
    for _ in range(2):  # hashed, then from the cache
        run = cli("--haystack", lib, "--needles", backup, "--json", "--cache", cache)
        assert run.code == 1, run.err
        states = file_states(run.out)
        assert states["card/00001.MTS"] == ("found", None)
        assert states["card/00001-copy.m2ts"] == ("found", None)
        assert states["card/00002.MTS"][0] == "unreadable"
        assert states["card/00002.MTS"][1].startswith("interlaced video")
    (unreadable,) = json.loads(run.out)["haystack"]["unreadable"]  # still unreadable itself
    assert unreadable["path"] == "00001.MTS"
    with HashCache.open(cache, HashParams().cache_key, lambda _: None) as opened:
        assert opened is not None
        kept = opened.get(str(camcorder), stamp_of(os.lstat(camcorder)))
    assert isinstance(kept, hashsearch.VideoSignature) and kept.frames == ()
    assert kept.stream == stream_digest(str(camcorder)) and kept.duration > 3


def test_an_interlaced_clip_is_given_up_at_its_first_frame(tmp_path, monkeypatch) -> None:
    # not decoded to the end (and, for a backup's clip, again whole) to learn the same
    import hashsearch.hash.clip as clip

    camcorder = interlaced_copy(pan_clip(tmp_path / "a.mp4", "rocket.jpg", 4), tmp_path / "a.MTS")
    hashed: list[float] = []
    monkeypatch.setattr(clip, "signature", lambda *args: hashed.append(1))
    for params in (HashParams(), HashParams(looked_up=(str(tmp_path),))):
        with pytest.raises(hashsearch.ImageError, match=r"^interlaced video"):
            signature_of_video(str(camcorder), params)
    assert hashed == []


def test_decoder_messages_so_far_are_heard_only_inside_the_capture() -> None:
    from hashsearch.hash.isolate import decoder_messages, messages_so_far

    def say() -> bytes:
        os.write(2, b"[swscaler] Cannot convert interlaced to progressive frames\n")
        return messages_so_far()

    heard, said = decoder_messages(say)
    assert heard == said and b"Cannot convert interlaced" in heard
    assert messages_so_far() == b""


def test_a_damage_line_after_pages_of_chatter_is_still_heard() -> None:
    from hashsearch.hash.isolate import MAX_MESSAGE_BYTES, damage_in, decoder_messages

    def chatter() -> None:
        for number in range(400):  # 24 KB of harmless chatter first
            os.write(2, f"[mov,mp4 @ 0x55] stream {number}: unused sample table entry\n".encode())
        os.write(2, b"[h264 @ 0x55] error while decoding MB 12 7, bytestream -5\n")
        os.write(2, b"x" * (2 * MAX_MESSAGE_BYTES))  # and on, without end: bounded

    _, said = decoder_messages(chatter)
    assert len(said) == MAX_MESSAGE_BYTES
    assert damage_in(said) == "[h264 @ 0x55] error while decoding MB 12 7, bytestream -5"


def test_a_clip_no_frame_comes_out_of_is_unreadable_in_ffmpegs_words(cli, tmp_path) -> None:
    # the wheel's FFmpeg decodes AV1 only with a hardware decoder, and says so
    clip = tmp_path / "backup" / "a" / "screen.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:d=2", "-c:v", "libaom-av1",
           "-cpu-used", 8, "-b:v", "200k", clip)  # fmt: skip
    lib = tmp_path / "lib"
    lib.mkdir()
    run = cli("--haystack", lib, "--needles", tmp_path / "backup", "--json", "--no-cache")
    state, reason = file_states(run.out)["a/screen.mp4"]
    if state == "unreadable":  # as long as OpenCV's wheel has no AV1 decoder of its own
        assert (reason or "").startswith("no frame of the video could be decoded (FFmpeg: [av1]")
    else:
        assert state == "new"
