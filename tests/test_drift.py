"""A second pan along the same path is another recording: its frames drift off the first's.

The clips are real H.264 and HEVC files made at test time (tests/clips.py); the unit
tests use windows of a shared photo as a camera panning over it would see them.
"""

from __future__ import annotations

import os

import cv2
import numpy as np
import pytest

from clips import FPS, PHOTOS, ffmpeg, hevc_copy, pan_clip, trimmed_copy
from conftest import file_states
from hashsearch.match.drift import (
    MAX_DISPLACEMENT,
    MAX_RATE,
    _Measured,
    _rate,
    clock_rate,
    displacement,
    in_place,
    offsets,
)
from hashsearch.match.timing import Frames
from hashsearch.match.verify import Prepared, prepare

VIEW = 400  # pixels of the picture a frame shows


@pytest.fixture(scope="module")
def picture() -> np.ndarray:
    """The rocket, gray, at 640 x 640: windows of it are the frames of a pan."""
    gray = cv2.imread(str(PHOTOS / "rocket.jpg"), cv2.IMREAD_GRAYSCALE)
    return cv2.resize(gray, (640, 640), interpolation=cv2.INTER_AREA)


def _view(picture: np.ndarray, y: float, x: float) -> Prepared:
    """The frame showing the window at (``y``, ``x``), as the signature keeps it."""
    window = picture[round(y) : round(y) + VIEW, round(x) : round(x) + VIEW]
    return prepare(cv2.resize(window, (64, 64), interpolation=cv2.INTER_AREA))


def _pan(picture, times, start, speed, shift=0.0) -> Frames:
    """A pan's frames at ``times``: the window at ``start`` + ``speed`` x t (px, px/s)."""
    views = [_view(picture, start[0] + speed[0] * t, start[1] + speed[1] * t) for t in times]
    return Frames(list(times), views.__getitem__, shift)


def _nearest(judged: Frames, other: Frames) -> list[tuple[int, int]]:
    """Each judged frame with the other clip's frame nearest its moment."""
    return [(k, other.near(t + judged.shift, 0.6)[0]) for k, t in enumerate(judged.times)]


def test_displacement_is_measured_to_a_fraction_of_a_thumbnail_pixel(picture) -> None:
    here = _view(picture, 100, 100).fine()
    assert displacement(here, here) == pytest.approx((0.0, 0.0), abs=1e-6)
    # the view moved 25 px down and 12 left of 400: its content 4 and 1.92 thumbnail
    # pixels up and right; that is how far the second's content must move onto the first's
    moved = _view(picture, 125, 88).fine()
    assert displacement(here, moved) == pytest.approx((4.0, -1.92), abs=0.05)


@pytest.mark.parametrize("photo", ["rocket.jpg", "coffee.png", "gravel.png", "brick.png"])
def test_displacement_does_not_lock_to_whole_pixels(photo: str) -> None:
    # windows of a photo moved by 0 to 12 px of 400: 0 to 1.92 thumbnail pixels, in steps
    # of 0.16; phase correlation alone was off by 0.08 to 0.10 on average, 0.2 at most
    gray = cv2.imread(str(PHOTOS / photo), cv2.IMREAD_GRAYSCALE)
    picture = cv2.resize(gray, (1000, 1000), interpolation=cv2.INTER_AREA)
    here = _view(picture, 200, 200).fine()
    errors = [
        abs(displacement(here, _view(picture, 200, 200 + k).fine())[1] - k * 64 / VIEW)
        for k in range(13)
    ]
    assert max(errors) < 0.06
    assert float(np.mean(errors)) < 0.025


def test_a_copys_frames_lie_in_place(picture) -> None:
    library = _pan(picture, range(9), (100, 60), (12.0, 20.0))  # a keyframe a second
    copy = _pan(picture, np.arange(0.1, 9, 0.25), (100, 60), (12.0, 20.0))  # dense
    # the copy's frames lie up to 0.125 s off the library's: the camera's motion over
    # that time is not counted against it
    assert max(offsets(library, copy, _nearest(library, copy))) < 0.3
    assert in_place(library, copy, _nearest(library, copy))


def test_a_copy_matched_a_fraction_of_a_step_off_its_moment_lies_in_place(picture) -> None:
    # the offset voted for is 0.2 s off: every frame lies 0.2 s of motion off, alike
    library = _pan(picture, range(9), (100, 60), (12.0, 20.0))
    copy = _pan(picture, np.arange(0, 9, 0.25), (100, 60), (12.0, 20.0))
    late = Frames(library.times, library.frame, 0.2)
    pairs = _nearest(late, copy)
    assert max(offsets(late, copy, pairs)) < 0.3
    assert in_place(late, copy, pairs)


def test_a_second_pan_a_little_faster_drifts_and_is_not_in_place(picture) -> None:
    library = _pan(picture, range(9), (100, 60), (12.0, 20.0))
    # the same path at three quarters of the speed: the library's view at t is its view
    # at (t + 1) / 0.75; at one offset the two show the same view at 4 s, and drift apart
    again = _pan(picture, np.arange(0, 12, 0.25), (100 - 12, 60 - 20), (9.0, 15.0))
    judged = Frames(library.times, library.frame, (4 + 1) / 0.75 - 4)
    pairs = _nearest(judged, again)
    left = sorted(offsets(judged, again, pairs))
    assert left[len(left) // 2] > 2 * MAX_DISPLACEMENT
    assert not in_place(judged, again, pairs)


def test_a_second_pan_at_nearly_the_same_speed_runs_on_another_clock() -> None:
    # the library keeps a keyframe a second, the backup's clip one each 4.5 s; at 0.95 of
    # the speed its views drift by a pixel or so either side, not judged one by one at
    # this sampling, but its clock gains 0.05 s a second on the library's
    gray = cv2.imread(str(PHOTOS / "rocket.jpg"), cv2.IMREAD_GRAYSCALE)
    picture = cv2.resize(gray, (1200, 1200), interpolation=cv2.INTER_AREA)
    library = _pan(picture, range(37), (40, 40), (10.0, 20.0))
    copy = _pan(picture, np.arange(0, 33, 4.5), (43, 46), (10.0, 20.0), shift=0.3)
    assert clock_rate(copy, library, _nearest(copy, library)) == pytest.approx(0, abs=0.002)
    assert in_place(copy, library, _nearest(copy, library))
    # the same path at 0.95 of the speed, its views those of the library's 2 s later
    again = _pan(picture, np.arange(0, 34, 4.5), (60, 80), (9.5, 19.0), shift=2.0)
    pairs = _nearest(again, library)
    assert offsets(again, library, pairs) == []  # none measured one by one: a second apart
    assert clock_rate(again, library, pairs) == pytest.approx(1 / 0.95 - 1, abs=0.003)
    assert not in_place(again, library, pairs)
    assert clock_rate(again, library, pairs[:3]) is None  # too few frames to tell
    assert 0.0 < MAX_RATE < 1 / 0.97 - 1


def test_no_rate_where_one_frame_alone_moves() -> None:
    # measured on a --long benchmark pan re-timed and re-encoded, nearly still: one frame's
    # neighbours alone moved, the fit is degenerate (numpy's inverse raised "Singular
    # matrix" and stopped the run)
    rows = [  # moment, speed (pixels a second), displacement
        (0.3, (1.18444707e-10, 1.42163950e-10), (7.788774382788688e-05, -0.0018216370372101665)),
        (5.3, (1.18444707e-10, 1.42163950e-10), (0.001965528354048729, -0.0042236922308802605)),
        (10.3, (-1.18824468e-10, -3.84703987e-11), (-0.002081371610984206, -0.017516829073429108)),
        (15.3, (7.06476804e-11, 4.06170052e-11), (-0.031772430986166, -0.006901489105075598)),
        (25.3, (3.89884881e-04, 2.00253088e00), (0.004870569333434105, -0.014545588754117489)),
        (45.3, (-8.14270461e-11, 2.19965270e-10), (0.002716330112889409, -0.0015142752090469003)),
        (50.3, (-8.14270461e-11, 2.19965270e-10), (0.002716330112889409, -0.0015142752090469003)),
        (55.3, (-8.14270461e-11, 2.19965270e-10), (-0.17697104811668396, 0.002296912018209696)),
        (59.3, (3.09430639e-11, -1.24773187e-10), (0.014322469010949135, -0.006215224042534828)),
    ]
    lag, gap = -0.033333333333333326, 0.26666666666666666
    measured = [_Measured(shift, np.array(speed), lag, t, gap) for t, speed, shift in rows]
    assert _rate(measured) is None


def test_no_one_frame_decides_the_clock() -> None:
    # a slow pan's encoder lets the view stall between keyframes and catch up at the next
    # (benchmarks/videos.py: a copy's frame lay 0.19 s of motion off, the rest 0.03 s):
    # fitted with it, the clock seemed to gain 0.03 s a second, over MAX_RATE
    speed = np.array([-1.5, -0.5])  # thumbnail pixels a second
    errors = [-0.19, 0.03, 0.03, 0.03, 0.03, 0.03]  # seconds: the first frame's view stalled
    measured = [
        _Measured(tuple(speed * e), speed, 0.0, float(t), 0.25)
        for t, e in enumerate(errors, start=1)
    ]
    assert _rate(measured) == pytest.approx(0.0, abs=1e-6)
    assert _rate(measured[:3]) is None  # too few frames


def test_a_copys_clock_is_not_judged_on_two_stalled_frames_of_five() -> None:
    # measured on benchmarks/videos.py: a copy trimmed at the start of a slow pan, against
    # its library clip's keyframes; its first two frames' views stalled 0.16 and 0.25 s
    # behind (the encoder), and with a noise floor of 0.05 px its clock seemed to run 0.03
    # off, known to within 0.0122 (moment; the library's motion; displacement less it)
    rows = [
        (1.27, (-1.4086, -0.6217), (0.2195, 0.1206)),
        (2.27, (-1.2211, -0.4172), (0.3126, 0.0794)),
        (3.23, (-0.9417, -0.4025), (0.0360, -0.0040)),
        (4.23, (-0.7844, -0.2576), (0.0398, -0.0134)),
        (5.17, (-1.2814, -0.4407), (0.0589, 0.0558)),
    ]
    measured = [_Measured(left, np.array(speed), 0.0, t, 0.25) for t, speed, left in rows]
    assert _rate(measured) is None


def test_no_verdict_on_a_sparse_other_clip_or_too_few_frames(picture) -> None:
    library = _pan(picture, range(9), (100, 60), (12.0, 20.0))
    sparse = _pan(picture, range(0, 9), (130, 60), (12.0, 20.0))  # off, but a second apart
    assert offsets(library, sparse, [(2, 2)]) == []
    assert in_place(library, sparse, _nearest(library, sparse))
    dense = _pan(picture, np.arange(0, 9, 0.25), (130, 60), (12.0, 20.0))
    assert in_place(library, dense, _nearest(library, dense)[:2])  # two frames: no verdict
    assert not in_place(library, dense, _nearest(library, dense))


def test_a_second_pan_along_the_same_path_re_encoded_is_new_its_copy_found(cli, tmp_path):
    # the first pan in the library; the second runs through the same views a second and
    # a half later, at three quarters of the speed (a false "found" before drift.py)
    library, backup, phone = tmp_path / "library", tmp_path / "backup", tmp_path / "phone"
    first = pan_clip(library / "rocket.mp4", "rocket.jpg", 8.24, start=(237, 224), speed=(29, -12))
    again = pan_clip(phone / "again.mp4", "rocket.jpg", 8.24, start=(233, 233), speed=(22, -11))
    hevc_copy(again, backup / "again-hevc.mp4")  # decoded frame by frame
    hevc_copy(first, backup / "copy-hevc.mp4")
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    states = {os.path.basename(p): state for p, state in file_states(run.out).items()}
    assert states == {
        "again-hevc.mp4": (
            "new",
            "its frames lie off the library clip's: another recording along its path",
        ),
        "copy-hevc.mp4": ("found", None),
    }
    assert run.code == 1


def _shaken_pan(path, photo: str, seconds: float, shake: float):
    """A phone-like pan held by a shaking hand: ``shake`` pixels of 640, at 1 to 2 Hz."""
    x = f"300+t*15+{shake}*sin(7*t)+{0.7 * shake}*sin(13.3*t+1)"
    y = f"150+t*6+{0.8 * shake}*sin(5.3*t+2)+{0.5 * shake}*sin(11.1*t)"
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg(
        "-loop", "1", "-t", seconds, "-i", PHOTOS / photo,
        "-vf", f"scale=1280:720,crop=640:360:x='{x}':y='{y}',format=yuv420p",
        "-r", FPS, "-c:v", "libx264", "-preset", "veryfast", "-g", FPS, path,
    )  # fmt: skip
    return path


def test_copies_of_a_shaking_hands_pan_are_found(cli, tmp_path) -> None:
    # the view between two sampled frames cannot be told when the hand shakes: such
    # frames are not measured (3 of 12 such trims were lost before MAX_JERK)
    library, backup = tmp_path / "library", tmp_path / "backup"
    for photo in ("coffee.png", "chelsea.png"):
        stem = photo.split(".")[0]
        original = _shaken_pan(library / f"{stem}.mp4", photo, 12, shake=10)
        trimmed_copy(original, backup / f"{stem}-trimmed.mp4", start=0.83)
        hevc_copy(original, backup / f"{stem}-hevc.mp4")
    run = cli("--haystack", library, "--needles", backup, "--no-cache")
    assert run.code == 0, run.out + run.err


def test_second_pans_along_the_same_path_sampled_at_keyframes_are_new(cli, tmp_path) -> None:
    # phone-like clips, the backup's sampled at a keyframe every 4.5 s: each of its frames
    # is compared with the library frames within 0.6 s of its moment (the pan at 0.8 of
    # the speed was "found" when that window was 0.6 of the backup's step: 2.7 s), and
    # their clocks must run alike (the pan at 0.95 of the speed was "found" before)
    library, backup = tmp_path / "library", tmp_path / "backup"
    first = pan_clip(library / "coffee.mp4", "coffee.png", 40, start=(40, 40), speed=(12, 5))
    pan_clip(backup / "slower.mp4", "coffee.png", 36, start=(76, 55), speed=(9.6, 4))
    pan_clip(backup / "nearly.mp4", "coffee.png", 36, start=(64, 50), speed=(11.4, 4.75))
    trimmed_copy(first, backup / "cut.mp4", start=7.4, seconds=20)
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    states = {os.path.basename(p): state for p, state in file_states(run.out).items()}
    assert states["slower.mp4"][0] == "new"
    assert states["nearly.mp4"] == (
        "new",
        "its frames lie off the library clip's: another recording along its path",
    )
    assert states["cut.mp4"] == ("found", None)
