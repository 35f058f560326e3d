"""Videos are sampled at a keyframe every few seconds; a library's at every one when a
backup clip could be its copy.

Every clip is a real H.264 or HEVC file made at test time (tests/clips.py).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from clips import FPS, ffmpeg, hevc_copy, pan_clip, trimmed_copy, turned_copy, upright_copy
from conftest import file_states
from hashsearch import HashParams, SearchOptions, VideoSignature, search, signature_of_video
from hashsearch.decode.keyframes import sample_keyframes
from hashsearch.decode.stream import stream_digest
from hashsearch.decode.video import sample_frames
from hashsearch.hash import clip, many
from hashsearch.hash.cache import HashCache, stamp_of
from hashsearch.hash.many import hash_paths

SECONDS = 40  # a minute's cost question, at a test's size


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 40 s phone clip in the library (and turned upright); in the backup its copies,
    and another pan over the same photo."""
    root = tmp_path_factory.mktemp("keyframes")
    library = pan_clip(root / "library" / "rocket.mp4", "rocket.jpg", SECONDS, speed=(12, 5))
    upright_copy(library, root / "library" / "rocket-upright.mp4")  # as "turned" is shown
    backup = root / "backup"
    return {
        "library": library,
        "hevc": _hevc_copy(library, backup / "copies" / "rocket-hevc.mp4", "open-gop=0"),
        "open-gop": _hevc_copy(library, backup / "copies" / "rocket-open-gop.mp4", "open-gop=1"),
        "trimmed": trimmed_copy(library, backup / "copies" / "rocket-trimmed.mp4", start=1.37),
        "turned": turned_copy(library, backup / "copies" / "rocket-turned.mp4"),
        "mpeg4": _mpeg4_copy(library, backup / "copies" / "rocket-mpeg4.avi"),
        "recovery-point": _open_gop_h264(library, backup / "copies" / "rocket-open-gop.mov"),
        "other": pan_clip(
            backup / "same-place" / "rocket-again.mp4", "rocket.jpg", SECONDS, start=(300, 200)
        ),
    }


def _any_size(width: int, height: int) -> None:
    """No frame is too large here."""


def _hevc_copy(source: Path, path: Path, gop: str) -> Path:
    """``source`` as a phone's HEVC, a keyframe a second: IDR pictures (``open-gop=0``)
    or x265's default CRA pictures (``open-gop=1``)."""
    ffmpeg(
        "-i", source, "-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1",
        "-x265-params", f"log-level=error:keyint={FPS}:{gop}", path,
    )  # fmt: skip
    return path


def _open_gop_h264(source: Path, path: Path) -> Path:
    """``source`` re-encoded by x264 with open GOPs: keyframes are recovery points."""
    ffmpeg(
        "-i", source, "-c:v", "libx264", "-preset", "veryfast", "-g", FPS,
        "-x264-params", "open-gop=1", path,
    )  # fmt: skip
    return path


def _mpeg4_copy(source: Path, path: Path) -> Path:
    """``source`` re-encoded as MPEG-4 Part 2 (a codec not sampled at chosen keyframes)."""
    ffmpeg("-i", source, "-c:v", "mpeg4", "-q:v", "3", "-g", FPS, path)
    return path


@pytest.mark.parametrize("name", ["library", "hevc", "open-gop", "turned"])
def test_chosen_keyframes_are_the_frames_the_keyframe_pass_decodes(clips, name) -> None:
    path = str(clips[name])
    full, _ = sample_frames(path, lambda seconds, gray: gray.copy())
    chosen = sample_keyframes(path, lambda seconds, gray: gray.copy(), lambda _: 5.0, _any_size)
    assert chosen is not None
    sampled, stated, shown, stream = chosen.sampled, chosen.stated, chosen.shown, chosen.stream
    assert stream is not None and stream == stream_digest(path)  # every packet was read
    by_time = {round(seconds, 3): gray for seconds, gray in full}
    assert [round(s, 3) for s, _ in sampled] == [0, 5, 10, 15, 20, 25, 30, 35, 39]
    for seconds, gray in sampled:  # pixel for pixel, turned as a player shows it
        assert np.array_equal(gray, by_time[round(seconds, 3)])
    assert stated == pytest.approx(SECONDS, abs=0.1)
    assert shown == ((360, 640) if name == "turned" else (640, 360))


@pytest.mark.parametrize("name", ["library", "hevc", "turned"])
def test_sampled_whole_the_first_pass_keyframes_are_not_decoded_again(clips, name) -> None:
    # a library clip sampled as a backup's first, then whole (a backup clip could copy it)
    path, decoded = str(clips[name]), []

    def counted(seconds: float, gray: np.ndarray) -> np.ndarray:
        decoded.append(seconds)
        return gray.copy()

    first, _ = sample_frames(path, counted, sparse=True)
    plain, plain_info = sample_frames(path, counted)
    decoded.clear()
    whole, info = sample_frames(path, counted, known=first)
    assert len(first) == 9 and len(whole) == len(plain) == SECONDS
    assert [s for s, _ in whole] == pytest.approx([s for s, _ in plain], abs=1e-3)
    for (_, gray), (_, again) in zip(whole, plain, strict=True):  # pixel for pixel
        assert np.array_equal(gray, again)
    assert len(decoded) == SECONDS - len(first)  # every first-pass keyframe taken
    assert info.stream == stream_digest(path) and info.skipped == plain_info.skipped
    assert (info.width, info.height) == (plain_info.width, plain_info.height)
    # a record's times are 32-bit floats: still known
    rounded = [(float(np.float32(s)), gray) for s, gray in first]
    decoded.clear()
    sample_frames(path, counted, known=rounded)
    assert len(decoded) == SECONDS - len(first)


def test_a_library_clip_cached_sparsely_is_sampled_whole_from_its_record(
    clips, tmp_path, monkeypatch
) -> None:
    path = str(clips["library"])
    cache_path = tmp_path / "c.db"
    with HashCache.open(cache_path, HashParams().cache_key, lambda _: None) as cache:
        assert cache is not None
        hash_paths([path], HashParams(looked_up=(path,)), jobs=1, cache=cache)
    [sparse] = _cached(cache_path, [clips["library"]]).values()
    handed: list[HashParams] = []  # what the workers are given, now the clip is a library's
    monkeypatch.setattr(many, "hash_in_workers", lambda todo, params, **_: handed.append(params))
    with HashCache.open(cache_path, HashParams().cache_key, lambda _: None) as cache:
        hash_paths([path], HashParams(), jobs=1, cache=cache)
    assert not sparse.complete and list(handed[0].known) == [path]
    made = []  # frames hashed: the record's are taken instead
    real = clip.signature
    monkeypatch.setattr(clip, "signature", lambda *a, **k: made.append(1) or real(*a, **k))
    whole = signature_of_video(path, handed[0])
    assert whole.complete and len(made) == SECONDS - len(sparse.frames)
    plain = signature_of_video(path)
    assert whole.times == pytest.approx(plain.times, abs=1e-3)
    for frame, again in zip(whole.frames, plain.frames, strict=True):
        assert np.array_equal(frame.thumb, again.thumb)


def test_a_backup_clip_keeps_a_keyframe_every_few_seconds(clips) -> None:
    path = str(clips["hevc"])
    looked_up = signature_of_video(path, HashParams(looked_up=(str(clips["hevc"].parent),)))
    library = signature_of_video(path)
    assert not looked_up.complete and len(looked_up.frames) == 9  # 0, 5 ... 35, 39 s
    assert library.complete and len(library.frames) == SECONDS
    assert looked_up.duration == pytest.approx(library.duration, abs=0.1)
    again = VideoSignature.from_bytes(looked_up.to_bytes(), 64)
    assert not again.complete and again.times == looked_up.times


@pytest.mark.parametrize("name", ["mpeg4", "recovery-point"])
def test_other_codecs_and_keyframes_are_sampled_as_a_library_clip_is(clips, name) -> None:
    # MPEG-4 Part 2 is no Annex B stream; an H.264 keyframe that is no IDR picture (x264
    # with open GOPs) cannot be made to start a stream of its own
    path = str(clips[name])
    assert sample_keyframes(path, lambda seconds, gray: None, lambda _: 5.0, _any_size) is None
    looked_up = signature_of_video(path, HashParams(looked_up=(path,)))
    assert looked_up.complete and len(looked_up.frames) >= SECONDS  # every keyframe, or more


def test_copies_sampled_sparsely_are_found_and_another_pan_is_new(cli, clips, tmp_path) -> None:
    library, backup = clips["library"].parent, clips["hevc"].parent.parent
    run = cli("--haystack", library, "--needles", backup, "--json", "--cache", tmp_path / "c.db")
    assert run.code == 1
    states = {os.path.basename(p): state for p, (state, _) in file_states(run.out).items()}
    assert states == {
        "rocket-hevc.mp4": "found",
        "rocket-open-gop.mp4": "found",
        "rocket-trimmed.mp4": "found",
        "rocket-turned.mp4": "found",
        "rocket-mpeg4.avi": "found",
        "rocket-open-gop.mov": "found",
        "rocket-again.mp4": "new",
    }
    records = _cached(tmp_path / "c.db", [clips["library"], clips["hevc"]])
    assert records[str(clips["library"])].complete
    assert not records[str(clips["hevc"])].complete


def test_without_a_cache_the_run_hands_its_first_pass_to_the_whole_sampling(
    cli, clips, monkeypatch
) -> None:
    import hashsearch.hash_stage as stage

    handed: list[HashParams] = []
    real = stage.hash_with_cache

    def spy(paths, options, *rest, **named):
        handed.append(options.params)
        return real(paths, options, *rest, **named)

    monkeypatch.setattr(stage, "hash_with_cache", spy)
    library, copies = clips["library"].parent, clips["hevc"].parent
    run = cli("--haystack", library, "--needles", copies, "--no-cache")
    assert run.code == 0, run.out + run.err
    first, whole = handed[0], handed[1]  # every file; then the library clips named
    assert not first.known
    assert str(clips["library"]) in whole.known
    assert not whole.known[str(clips["library"])].complete


def test_a_backup_clip_sampled_sparsely_is_sampled_again_as_a_library(cli, clips, tmp_path):
    copies = clips["hevc"].parent
    cache = tmp_path / "c.db"
    cli("--haystack", clips["library"].parent, "--needles", copies, "--cache", cache)
    assert not _cached(cache, [clips["hevc"]])[str(clips["hevc"])].complete
    # the copies now are the library: the phone original, sampled sparsely as a backup's
    # clip (a file the cache does not know), is looked up in them
    original = tmp_path / "phone" / "rocket.mp4"
    original.parent.mkdir()
    shutil.copy(clips["library"], original)
    run = cli("--haystack", copies, "--needles", original.parent, "--cache", cache)
    assert run.code == 0, run.out + run.err
    assert not _cached(cache, [original])[str(original)].complete
    assert _cached(cache, [clips["hevc"]])[str(clips["hevc"])].complete


def test_a_library_clip_is_judged_as_first_sampled_against_a_dense_copy(cli, clips, tmp_path):
    # x265's default re-encode has a keyframe every 250 frames: the copy is decoded frame
    # by frame, so the library clip's keyframes every 5 s are judged against it as they are
    library, backup, cache = tmp_path / "library", tmp_path / "backup", tmp_path / "c.db"
    library.mkdir()
    shutil.copy(clips["library"], library / "rocket.mp4")
    hevc_copy(clips["library"], backup / "rocket-hevc.mp4")
    hevc_copy(clips["other"], backup / "rocket-again-hevc.mp4")  # the same place, again
    run = cli("--haystack", library, "--needles", backup, "--json", "--cache", cache)
    states = {os.path.basename(p): state for p, (state, _) in file_states(run.out).items()}
    assert states == {"rocket-hevc.mp4": "found", "rocket-again-hevc.mp4": "new"}
    records = _cached(cache, [library / "rocket.mp4", backup / "rocket-hevc.mp4"])
    assert records[str(backup / "rocket-hevc.mp4")].complete  # decoded frame by frame
    assert not records[str(library / "rocket.mp4")].complete  # never sampled whole


def test_only_the_library_clips_a_backup_clip_could_copy_are_sampled_whole(cli, clips, tmp_path):
    library, backup, cache = tmp_path / "library", tmp_path / "backup", tmp_path / "c.db"
    rocket = library / "rocket.mp4"
    shutil.copytree(clips["library"].parent, library)
    coffee = pan_clip(library / "coffee.mp4", "coffee.png", SECONDS)
    shutil.copytree(clips["hevc"].parent, backup)
    result = search(str(library), str(backup), SearchOptions(cache_path=cache))
    assert {v.status for v in result.needle_images} == {"found"}  # every copy of the rocket
    records = _cached(cache, [rocket, coffee])
    assert records[str(rocket)].complete and len(records[str(rocket)].frames) == SECONDS
    assert not records[str(coffee)].complete and len(records[str(coffee)].frames) == 9
    # copies of the coffee clip turn up in a backup: now that one is sampled whole for its
    # phone-like re-encode, sampled sparsely (the same file beside them is found by its
    # stream: test_streams.py)
    _hevc_copy(coffee, backup / "coffee-hevc.mp4", "open-gop=0")
    shutil.copy(coffee, backup / "coffee-same-file.mp4")
    run = cli("--haystack", library, "--needles", backup, "--cache", cache)
    assert run.code == 0, run.out + run.err  # the coffee clip's copies are found too
    assert _cached(cache, [coffee])[str(coffee)].complete


def test_a_smaller_phone_like_copy_is_sampled_whole_instead_of_its_library_clip(
    cli, clips, tmp_path
):
    # a messenger's copy: a quarter of the pixels, a keyframe a second, so sampled at its
    # keyframes first; decoding every keyframe of it costs less than the library clip's
    library, backup, cache = tmp_path / "library", tmp_path / "backup", tmp_path / "c.db"
    library.mkdir()
    shutil.copy(clips["library"], library / "rocket.mp4")
    small = backup / "rocket-small.mp4"
    small.parent.mkdir()
    ffmpeg("-i", clips["library"], "-vf", "scale=320:-2", "-c:v", "libx264", "-preset",
           "veryfast", "-g", FPS, small)  # fmt: skip
    other = backup / "rocket-again-small.mp4"  # the same place, again
    ffmpeg("-i", clips["other"], "-vf", "scale=320:-2", "-c:v", "libx264", "-preset",
           "veryfast", "-g", FPS, other)  # fmt: skip
    run = cli("--haystack", library, "--needles", backup, "--json", "--cache", cache)
    states = {os.path.basename(p): state for p, (state, _) in file_states(run.out).items()}
    assert states == {"rocket-small.mp4": "found", "rocket-again-small.mp4": "new"}
    records = _cached(cache, [library / "rocket.mp4", small, other])
    assert not records[str(library / "rocket.mp4")].complete  # never sampled whole
    assert records[str(small)].complete and records[str(other)].complete


def test_a_query_video_is_found_in_a_library_sampled_sparsely(cli, clips, tmp_path) -> None:
    library = tmp_path / "library"
    shutil.copytree(clips["library"].parent, library)
    pan_clip(library / "coffee.mp4", "coffee.png", SECONDS)
    run = cli("--haystack", library, "--query", clips["trimmed"], clips["other"], "--no-cache")
    assert run.code == 1, run.out + run.err  # the other pan is not in the library
    assert [line.split("\t")[:2] for line in run.lines] == [[str(clips["trimmed"]), "rocket.mp4"]]


def _cached(cache: Path, paths: list[Path]) -> dict[str, VideoSignature]:
    """The video records the cache at ``cache`` holds for ``paths``."""
    with HashCache.open(cache, HashParams().cache_key, lambda _: None) as opened:
        assert opened is not None
        found = opened.get_many({str(p): stamp_of(os.lstat(p)) for p in paths})
    records = {path: record for path, record in found.items() if isinstance(record, VideoSignature)}
    assert len(records) == len(paths)
    return records


def test_a_clip_that_barely_changes_keeps_every_keyframe(tmp_path) -> None:
    # its timing needs every keyframe: with one in five, too few show their moment
    still = pan_clip(tmp_path / "still.mp4", "coffee.png", 24, speed=(0, 0))
    looked_up = signature_of_video(str(still), HashParams(looked_up=(str(tmp_path),)))
    assert looked_up.complete and len(looked_up.frames) == 24
    assert looked_up.stream == stream_digest(str(still))  # kept from the first reading


def _damaged(data: bytes) -> dict[str, bytes]:
    """A clip's bytes flipped in its middle, zeroed there (a keyframe's among them), cut."""
    middle = len(data) // 2
    flipped = bytes(b ^ 0x5A for b in data[middle : middle + 4000])
    return {
        "flipped.mp4": data[:middle] + flipped + data[middle + 4000 :],
        "zeroed.mp4": data[:middle] + bytes(20000) + data[middle + 20000 :],
        "cut.mp4": data[: len(data) * 6 // 10],
    }


def test_damaged_backup_clips_get_a_verdict_through_the_keyframe_path(cli, tmp_path) -> None:
    # long enough (10 s) to be sampled at chosen keyframes; damaged in the middle, cut,
    # or with a keyframe's bytes zeroed: a verdict each, never a crash or a hang
    clip = pan_clip(tmp_path / "clip.mp4", "coffee.png", 10, size=(160, 90))
    data = clip.read_bytes()
    library, backup = tmp_path / "library", tmp_path / "backup"
    library.mkdir()
    (library / "clip.mp4").write_bytes(data)
    damaged = {**_damaged(data), "tail-garbage.mp4": data + bytes(range(256)) * 64}
    for name, content in damaged.items():
        (backup / name).parent.mkdir(exist_ok=True)
        (backup / name).write_bytes(content)
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    assert run.code in (0, 1), run.err
    states = {os.path.basename(p): verdict for p, verdict in file_states(run.out).items()}
    assert set(states) == set(damaged)
    assert states["tail-garbage.mp4"][0] == "found"  # the clip is whole before the garbage
    for name in ("flipped.mp4", "zeroed.mp4", "cut.mp4"):  # "video cut short: ..." and the like
        state, reason = states[name]
        assert state == "unreadable" and reason, (name, state, reason)


def test_bad_library_clips_sampled_at_keyframes_first_are_reported_never_believed(cli, tmp_path):
    # the library's videos now go through the keyframe path first: bad ones among them
    # are named with a reason, and the backup's copy is found in the intact clip only
    clip = pan_clip(tmp_path / "library" / "clip.mp4", "coffee.png", 10, size=(160, 90))
    data = clip.read_bytes()
    bad = {**_damaged(data), "text.mp4": b"not a video\n", "empty.mov": b""}
    for name, content in bad.items():
        (clip.parent / name).write_bytes(content)
    hevc_copy(clip, tmp_path / "backup" / "clip-hevc.mp4")
    run = cli("--haystack", clip.parent, "--needles", tmp_path / "backup", "--json", "--no-cache")
    assert run.code == 0, run.out + run.err  # the copy is found (in clip.mp4: see below)
    assert "Traceback" not in run.err
    unreadable = {u["path"]: u["reason"] for u in json.loads(run.out)["haystack"]["unreadable"]}
    assert set(unreadable) == set(bad) and all(unreadable.values())  # "video cut short: ..."
    result = search(str(clip.parent), str(tmp_path / "backup"), SearchOptions(cache_path=None))
    [verdict] = result.needle_images
    assert verdict.status == "found" and verdict.match.path == str(clip)


@pytest.mark.parametrize("name", ["hevc", "mpeg4"])
def test_the_time_limit_hears_the_length_once_whichever_way_a_clip_is_decoded(clips, name):
    heard: list[float] = []
    sample_frames(
        str(clips[name]), lambda seconds, gray: None, on_duration=heard.append, sparse=True
    )
    assert heard == [pytest.approx(SECONDS, abs=0.1)]
