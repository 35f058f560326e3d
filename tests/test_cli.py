"""The command as users run it: output contract, summary, exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hashsearch.cli
from conftest import (
    REPO,
    hashsearch_command,
    load_photo,
    long_library,
    resized,
    run_obeying_file_modes,
    start_in_own_session,
    wait_for_first_entries,
    write_image,
)

SAMPLE = REPO / "sample_data"
SAMPLE_EXPECTED = ["camera-card", "mixed", "phone-backup-2021"]


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    """A haystack of three photos and needles: one folder present, one absent, one mixed."""
    hay, needles = tmp_path / "library", tmp_path / "backup"
    for name in ("astronaut.png", "coffee.png", "rocket.jpg"):
        write_image(hay / "2020" / f"{Path(name).stem}.jpg", load_photo(name))
    write_image(needles / "present" / "a.jpg", resized(load_photo("astronaut.png"), 0.5), 60)
    write_image(needles / "present" / "b.png", load_photo("coffee.png"))
    write_image(needles / "absent" / "c.jpg", load_photo("chelsea.png"))
    write_image(needles / "mixed" / "d.jpg", resized(load_photo("rocket.jpg"), 0.7))
    write_image(needles / "mixed" / "e.jpg", load_photo("camera.png"))
    return hay, needles


def test_lists_folders_with_something_to_import(cli, trees) -> None:
    hay, needles = trees
    run = cli("--haystack", hay, "--needles", needles, "--jobs", "1")
    assert run.code == 1
    assert run.lines == ["absent", "mixed"]
    assert run.err.strip().splitlines()[-1] == (
        "hashsearch: haystack: 3 images hashed; needles: 5 files in 3 folders: "
        "3 found, 2 new; 2 folders to import"
    )


def test_exit_0_when_everything_is_imported(cli, trees) -> None:
    hay, needles = trees
    run = cli("--haystack", hay, "--needles", needles / "present")
    assert (run.code, run.out) == (0, "")
    assert "0 folders to import" in run.err


def test_images_directly_in_needles_are_folder_dot(cli, trees) -> None:
    hay, needles = trees
    write_image(needles / "new.jpg", load_photo("horse.png"))
    assert cli("--haystack", hay, "--needles", needles).lines == [".", "absent", "mixed"]


def test_threshold_zero_is_exact_matching(cli, trees, tmp_path) -> None:
    hay, _ = trees
    thumb = write_image(
        tmp_path / "thumbs" / "a.jpg", resized(load_photo("astronaut.png"), 0.1), 60
    )
    assert cli("--haystack", hay, "--needles", thumb.parent).code == 0
    run = cli("--haystack", hay, "--needles", thumb.parent, "--threshold", "0")
    assert run.code == 1  # a 51-pixel thumbnail is 2 bits off: not the same hash
    assert run.lines == ["."]


def test_unreadable_needle_file_lists_its_folder(cli, trees) -> None:
    hay, needles = trees
    (needles / "present" / "broken.jpg").write_bytes(b"not really a jpeg")
    run = cli("--haystack", hay, "--needles", needles, "-v")
    assert run.code == 1
    assert run.lines == ["absent", "mixed", "present"]
    assert "unreadable: " in run.err and "broken.jpg: not an image OpenCV can decode" in run.err
    assert "1 could not be read (1 not an image OpenCV can decode); -v lists them" in run.err


def test_quiet_prints_no_summary(cli, trees) -> None:
    hay, needles = trees
    run = cli("--haystack", hay, "--needles", needles, "-q")
    assert (run.code, run.lines, run.err) == (1, ["absent", "mixed"], "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--needles", "x"], "--haystack DIR is required"),
        (["--dupes", "x", "--haystack", "y"], "--dupes takes no --haystack"),
        (["--haystack", "/nonexistent", "--needles", "."], "--haystack /nonexistent: no such file"),
        (["--haystack", ".", "--needles", "."], "are the same folder"),
        (["--haystack", "pyproject.toml", "--needles", "."], "not a folder"),
        (["--haystack", ".", "--needles", "x", "--threshold", "-1"], "must be at least 0"),
        (["--haystack", ".", "--needles", "x", "--jobs", "two"], "expected a whole number"),
    ],
)
def test_usage_errors_exit_2_with_one_line(cli, monkeypatch, args, message) -> None:
    monkeypatch.chdir(REPO)
    run = cli(*args)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err and run.out == ""


def test_interrupt_exits_130(cli, trees, monkeypatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(hashsearch.cli, "search", interrupted)
    hay, needles = trees
    run = cli("--haystack", hay, "--needles", needles)
    assert (run.code, run.out, run.err) == (130, "", "hashsearch: interrupted\n")


@pytest.mark.parametrize("code", [0, 1, 2, 130, 143, 129])
def test_the_command_leaves_at_once_after_an_interrupted_run(monkeypatch, code) -> None:
    # everything is done when main returns; Python's exit hooks (which join the worker
    # pool's threads without a time limit) are skipped after Ctrl-C, SIGTERM and SIGHUP
    left: list[int] = []
    monkeypatch.setattr(hashsearch.cli, "main", lambda: code)
    monkeypatch.setattr(hashsearch.cli.os, "_exit", left.append)
    with pytest.raises(SystemExit) as ended:  # os._exit, replaced, returns: sys.exit follows
        hashsearch.cli.entry()
    assert (left, ended.value.code) == ([code] if code >= 128 else [], code)


def test_unexpected_error_is_one_line_unless_debug(cli, trees, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(hashsearch.cli, "search", broken)
    hay, needles = trees
    run = cli("--haystack", hay, "--needles", needles)
    assert run.code == 2
    assert run.err == "hashsearch: internal error: RuntimeError: boom (--debug shows where)\n"
    assert "Traceback" in cli("--haystack", hay, "--needles", needles, "--debug").err


def test_help_shows_an_example(cli) -> None:
    run = cli("--help")
    assert run.code == 0
    assert "hashsearch --haystack ~/Pictures/Library/Masters --needles" in run.out
    assert "exit status: 0 nothing left to import" in run.out


def test_names_are_escaped_in_human_output(cli, trees) -> None:
    hay, needles = trees
    odd = os.path.join(os.fsencode(needles), b"new\nline \xff")
    os.makedirs(odd)
    write_image(Path(os.fsdecode(odd)) / "x.png", load_photo("horse.png"))
    assert cli("--haystack", hay, "--needles", needles).lines == [
        "absent",
        "mixed",
        "new\\nline \\xff",
    ]


def test_sample_data(cli) -> None:
    run = cli("--haystack", SAMPLE / "haystack", "--needles", SAMPLE / "needles")
    assert run.code == 1
    assert run.lines == SAMPLE_EXPECTED
    assert "1 could not be read (1 damaged JPEG: the file is cut short" in run.err


def test_installed_command_on_sample_data(tmp_path) -> None:
    command = shutil.which("hashsearch", path=os.path.dirname(sys.executable))
    assert command, "the hashsearch command is not installed next to this Python"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    done = subprocess.run(
        [command, "--haystack", "sample_data/haystack", "--needles", "sample_data/needles"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == SAMPLE_EXPECTED
    assert done.stderr.startswith("hashsearch: haystack: 6 images hashed")
    assert (tmp_path / "hashsearch" / "hashes.sqlite3").is_file()


def test_unreadable_file_and_folder_as_a_user_would_hit_them(trees, tmp_path) -> None:
    hay, needles = trees
    secret = write_image(needles / "present" / "secret.jpg", load_photo("astronaut.png"))
    locked = needles / "locked"
    write_image(locked / "inside.jpg", load_photo("coffee.png"))
    secret.chmod(0)
    locked.chmod(0)
    try:
        done = run_obeying_file_modes("-v", "--haystack", hay, "--needles", needles, "--no-cache")
    finally:
        secret.chmod(0o644)
        locked.chmod(0o755)
    assert done.returncode == 1, done.stderr
    # the secret photo IS in the haystack, but unread it cannot count as imported
    assert done.stdout.splitlines() == ["absent", "locked", "mixed", "present"]
    assert "secret.jpg: permission denied" in done.stderr
    assert "locked: permission denied" in done.stderr


def test_needles_inside_the_haystack_do_not_match_themselves(cli, trees) -> None:
    hay, _ = trees
    inside = hay / "import-me"
    write_image(inside / "new.jpg", load_photo("chelsea.png"))
    write_image(inside / "copy.jpg", resized(load_photo("coffee.png"), 0.5))
    run = cli("--haystack", hay, "--needles", inside)
    assert (run.code, run.lines) == (1, ["."])
    assert "lies inside" in run.err and "3 images hashed" in run.err


def test_ctrl_c_exits_130_and_keeps_partial_work_in_the_cache(tmp_path) -> None:
    import signal
    import sqlite3
    import time

    hay, needles = long_library(tmp_path, 400)
    cache = tmp_path / "c.sqlite3"
    process = start_in_own_session(
        "--jobs", "1", "--haystack", hay, "--needles", needles, "--cache", cache
    )
    wait_for_first_entries(cache)
    time.sleep(1.5)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert (out, err) == ("", "hashsearch: interrupted\n")
    db = sqlite3.connect(cache)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    kept = db.execute("SELECT count(*) FROM hashes").fetchone()[0]
    assert 0 < kept < 401


def test_progress_bar_only_on_a_terminal(trees) -> None:
    import fcntl
    import pty
    import struct
    import termios

    hay, needles = trees
    command = hashsearch_command("--no-cache", "--haystack", hay, "--needles", needles)
    piped = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert "hashing" not in piped.stderr and "verifying" not in piped.stderr
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower) as process:
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the command ended
                break
            if not chunk:
                break
            seen += chunk
        process.wait(timeout=120)
    os.close(leader)
    assert process.returncode == 1
    assert b"hashing: 100%" in seen
    assert b"verifying: 100%" in seen  # then the photos compared with their look-alikes


def test_the_api_hears_verification_and_can_stop_it(trees) -> None:
    from hashsearch import Cancelled, SearchOptions, search

    hay, needles = trees
    options = SearchOptions(cache_path=None, jobs=1)
    heard: list[tuple[int, int]] = []
    result = search(str(hay), str(needles), options, on_verify=lambda *n: heard.append(n))
    assert heard[-1] == (5, 5)  # every needle photo verified
    assert [folder.name for folder in result.folders if folder.to_import] == ["absent", "mixed"]
    verifying: list[bool] = []
    with pytest.raises(Cancelled, match="verifying"):  # asked to stop once it verifies
        search(
            str(hay),
            str(needles),
            options,
            on_verify=lambda *n: verifying.append(True),
            should_stop=lambda: bool(verifying),
        )
