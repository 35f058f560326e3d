"""A backup's video holding a library video's very stream is found without comparing frames.

Every clip is a real H.264 file made at test time (tests/clips.py).
"""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest

from clips import ffmpeg, hevc_copy, pan_clip, remuxed_copy, turned_copy, with_sound
from conftest import PHOTOS, file_states
from hashsearch import (
    HashParams,
    MatchRules,
    SearchOptions,
    VideoMatcher,
    VideoSignature,
    search,
    signature_of_video,
)
from hashsearch.decode.stream import stream_digest
from hashsearch.hash.one import HashResult

SECONDS = 20  # long enough to be sampled at a keyframe every few seconds


def _tripod_clip(path: Path, seconds: float) -> Path:
    """A tripod shot of a still scene: frames can never tell its copy from another clip."""
    ffmpeg(
        "-loop", "1", "-t", seconds, "-i", PHOTOS / "coffee.png", "-vf", "format=yuv420p",
        "-r", 30, "-c:v", "libx264", "-preset", "veryfast", path,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A phone clip with sound and a tripod shot."""
    root = tmp_path_factory.mktemp("streams") / "library"
    pan = pan_clip(root.parent / "pan.mp4", "rocket.jpg", SECONDS)
    with_sound(pan, root / "rocket.mp4")
    _tripod_clip(root / "tripod.mp4", 4)
    return root


def test_the_digest_is_the_stream_packet_for_packet(library, tmp_path) -> None:
    rocket = library / "rocket.mp4"
    digest = stream_digest(str(rocket))
    assert digest is not None and len(digest) == 16
    assert stream_digest(str(remuxed_copy(rocket, tmp_path / "rocket.mov"))) == digest
    assert stream_digest(str(hevc_copy(rocket, tmp_path / "rocket-hevc.mp4"))) != digest
    # the same packets shown turned a quarter: not the clip (as a turned photo is not)
    assert stream_digest(str(turned_copy(rocket, tmp_path / "rocket-turned.mp4"))) != digest
    pan = library.parent / "pan.mp4"  # the same pan without sound: its middle is video
    data = bytearray(pan.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit inside the stream
    (tmp_path / "flipped.mp4").write_bytes(bytes(data))
    assert stream_digest(str(tmp_path / "flipped.mp4")) != stream_digest(str(pan)) == digest
    (tmp_path / "text.mp4").write_text("not a video\n")
    assert stream_digest(str(tmp_path / "text.mp4")) is None
    # the keyframe pass reads every packet and keeps the same digest
    looked_up = signature_of_video(str(rocket), HashParams(looked_up=(str(rocket),)))
    assert not looked_up.complete and looked_up.stream == digest
    assert signature_of_video(str(rocket)).stream == digest


def test_the_same_stream_is_found_without_sampling_the_library_clip_whole(
    cli, library, tmp_path
) -> None:
    backup = tmp_path / "backup"
    shutil.copytree(library, backup / "card")  # the same files
    remuxed_copy(library / "rocket.mp4", backup / "export" / "rocket.mov")
    remuxed_copy(library / "tripod.mp4", backup / "export" / "tripod.mkv")
    result = search(str(library), str(backup), SearchOptions(cache_path=None))
    assert {(v.path, v.status) for v in result.needle_images} == {
        (str(backup / name), "found")
        for name in ("card/rocket.mp4", "card/tripod.mp4", "export/rocket.mov", "export/tripod.mkv")
    }
    # the tripod clip is short enough to be sampled whole from the start; the phone clip
    # stays at its keyframes every few seconds
    assert result.haystack_videos_whole == 1
    run = cli("--haystack", library, "--needles", backup, "--no-cache")
    assert (run.code, run.out) == (0, "")
    doc = json.loads(cli("--haystack", library, "--needles", backup, "--json").out)
    matches = [f["match"] for folder in doc["folders"] for f in folder["files"]]
    assert len(matches) == 4 and all(m["same_stream"] for m in matches)


def test_another_clip_of_a_still_scene_is_still_new(cli, library, tmp_path) -> None:
    # its frames match the tripod clip at every moment; only the same stream is found
    backup = tmp_path / "backup"
    hevc_copy(library / "tripod.mp4", backup / "a" / "tripod-hevc.mp4", width=640)
    shutil.copy(library / "tripod.mp4", backup / "a")
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    why = "nothing in it moves enough to tell it from another recording of the scene"
    assert file_states(run.out) == {
        "a/tripod.mp4": ("found", None),
        "a/tripod-hevc.mp4": ("new", why),
    }


def test_a_library_copy_of_the_stream_without_its_sound_is_only_smaller(cli, library, tmp_path):
    lib, backup = tmp_path / "library", tmp_path / "backup"
    ffmpeg("-i", library / "rocket.mp4", "-c", "copy", "-an", lib / "rocket-muted.mp4")
    (backup / "a").mkdir(parents=True)
    shutil.copy(library / "rocket.mp4", backup / "a")
    run = cli("--haystack", lib, "--needles", backup, "--json", "--no-cache")
    assert run.code == 1
    assert file_states(run.out) == {
        "a/rocket.mp4": ("smaller", "only a copy without its sound in the library")
    }
    # the other way round nothing is lost: the muted clip is found in the one with sound
    run = cli("--haystack", backup, "--needles", lib, "--json", "--no-cache")
    assert (run.code, file_states(run.out)) == (0, {"rocket-muted.mp4": ("found", None)})


def test_dupes_and_query_know_the_same_stream(cli, library, tmp_path) -> None:
    folder = tmp_path / "folder"
    shutil.copytree(library, folder)
    remuxed_copy(library / "tripod.mp4", folder / "tripod.mov")
    remuxed_copy(library / "tripod.mp4", folder / "tripod.mkv")
    run = cli("--dupes", folder, "--no-cache")
    assert run.code == 1
    groups = [sorted(group.split()) for group in run.out.split("\n\n")]
    # three of one stream are one group: each matches each (frames could link none)
    assert groups == [["tripod.mkv", "tripod.mov", "tripod.mp4"]]
    run = cli("--haystack", library, "--query", folder / "tripod.mov", "--no-cache")
    assert [line.split("\t")[:2] for line in run.lines] == [
        [str(folder / "tripod.mov"), "tripod.mp4"]
    ]


def test_the_cache_record_keeps_the_digest(library) -> None:
    video = signature_of_video(str(library / "tripod.mp4"))
    assert video.stream is not None
    record = video.to_bytes()
    again = VideoSignature.from_bytes(record, 64)
    assert again.stream == video.stream and again.frames[0].hashes == video.frames[0].hashes
    # a record of version 3 (cached before the digest was kept) is not read: that file is
    # hashed again, so its verdict is the one a fresh run gives
    head = len(b"HSVIDEO4") + struct.calcsize("<dIIIBB")
    v3 = b"HSVIDEO3" + record[8:head] + record[head + 16 :]
    with pytest.raises(ValueError, match="version"):
        VideoSignature.from_bytes(v3, 64)


def test_the_video_matcher_api_knows_the_same_stream(library, tmp_path) -> None:
    tripod = signature_of_video(str(library / "tripod.mp4"))
    copy = signature_of_video(str(remuxed_copy(library / "tripod.mp4", tmp_path / "t.mkv")))
    matcher = VideoMatcher(64, MatchRules())
    matcher.add("tripod", tripod)
    verdict = matcher.judge(HashResult(str(tmp_path / "t.mkv"), None, None, video=copy))
    assert (verdict.status, verdict.match and verdict.match.path) == ("found", "tripod")
    assert [m.path for m in matcher.matches(copy)] == ["tripod"]
