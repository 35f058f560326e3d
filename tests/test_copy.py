"""--copy-new-to: every file not found is copied, verified, never over another file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import hashsearch
from clips import pan_clip
from conftest import REPO, load_photo, resized, write_image
from hashsearch import SearchOptions, copy_not_found, search


@pytest.fixture
def mixed(tmp_path: Path) -> tuple[Path, Path]:
    """A library and a backup holding every kind of file: found, new, smaller, a video,
    damaged, a sidecar, junk."""
    lib, backup = tmp_path / "library", tmp_path / "backup"
    for name in ("coffee.png", "chelsea.png", "astronaut.png"):
        write_image(lib / f"{Path(name).stem}.jpg", load_photo(name))
    write_image(lib / "thumbs" / "rocket.jpg", resized(load_photo("rocket.jpg"), 0.2))
    write_image(backup / "card" / "IMG_0001.jpg", resized(load_photo("coffee.png"), 0.8))
    write_image(backup / "card" / "IMG_0002.jpg", load_photo("horse.png"))
    write_image(backup / "card" / "IMG_0003.jpg", load_photo("rocket.jpg"))  # library: thumb
    pan_clip(backup / "card" / "MVI_0004.mp4", "coins.png", 3, size=(320, 180))
    good = (backup / "card" / "IMG_0002.jpg").read_bytes()
    (backup / "card" / "IMG_0005.jpg").write_bytes(good[: len(good) // 2])  # cut short
    (backup / "card" / "IMG_0002.xmp").write_text("<x:xmpmeta/>\n")
    (backup / "card" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    write_image(backup / "done" / "IMG_0006.jpg", resized(load_photo("chelsea.png"), 0.9))
    write_image(backup / "deep" / "er" / "IMG_0007.png", load_photo("camera.png"))
    return lib, backup


NOT_FOUND = {
    "card/IMG_0002.jpg",  # new
    "card/IMG_0003.jpg",  # only a smaller copy in the library
    "card/MVI_0004.mp4",  # a new video
    "card/IMG_0005.jpg",  # unreadable
    "card/IMG_0002.xmp",  # not compared
    "deep/er/IMG_0007.png",
}


def _tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root``: its bytes and mtime (ns)."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def test_the_files_not_found_are_copied_verified_and_nothing_else_changes(cli, mixed, tmp_path):
    lib, backup = mixed
    out = tmp_path / "to-import"
    before = _tree(backup), _tree(lib)
    run = cli("--haystack", lib, "--needles", backup, "--copy-new-to", out, "--no-cache", "-v")
    assert run.code == 1, run.err
    copied = _tree(out)
    assert set(copied) == NOT_FOUND
    for name, (data, mtime) in copied.items():
        assert (data, mtime) == before[0][name], name  # bytes identical, mtime kept
    assert (_tree(backup), _tree(lib)) == before  # needles and library untouched
    assert "copied 6, already there 0, failed 0 into" in run.err
    assert f"copied: card/IMG_0002.jpg -> {out}/card/IMG_0002.jpg" in run.err
    assert not list(out.rglob(".hashsearch-*"))


def test_a_second_run_changes_nothing(cli, mixed, tmp_path) -> None:
    lib, backup = mixed
    out = tmp_path / "to-import"
    cli("--haystack", lib, "--needles", backup, "--copy-new-to", out, "--no-cache")
    first = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")}
    again = cli("--haystack", lib, "--needles", backup, "--copy-new-to", out, "--no-cache")
    assert again.code == 1
    assert "copied 0, already there 6, failed 0" in again.err
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")} == first


def test_a_different_file_at_the_target_is_kept_and_the_copy_renamed(cli, mixed, tmp_path):
    lib, backup = mixed
    out = tmp_path / "to-import"
    (out / "card").mkdir(parents=True)
    (out / "card" / "IMG_0002.jpg").write_bytes(b"someone else's file")
    run = cli("--haystack", lib, "--needles", backup, "--copy-new-to", out, "--json",
              "--no-cache")  # fmt: skip
    assert (out / "card" / "IMG_0002.jpg").read_bytes() == b"someone else's file"
    original = (backup / "card" / "IMG_0002.jpg").read_bytes()
    assert (out / "card" / "IMG_0002 (2).jpg").read_bytes() == original
    doc = json.loads(run.out)
    entry = next(f for d in doc["folders"] for f in d["files"] if f["path"] == "card/IMG_0002.jpg")
    assert entry["copy"] == {"outcome": "renamed", "to": "card/IMG_0002 (2).jpg", "reason": None}
    assert doc["copy"]["renamed"] == 1 and doc["copy"]["copied"] == 5
    found = next(f for d in doc["folders"] for f in d["files"] if f["path"] == "done/IMG_0006.jpg")
    assert "copy" not in found


def test_dry_run_writes_nothing(cli, mixed, tmp_path) -> None:
    lib, backup = mixed
    out = tmp_path / "to-import"
    run = cli("--haystack", lib, "--needles", backup, "--copy-new-to", out, "--dry-run",
              "--no-cache", "-v")  # fmt: skip
    assert not out.exists()
    assert "dry run, nothing written: would copy 6" in run.err
    assert "would copy: card/MVI_0004.mp4 ->" in run.err


def _failing_on_call(
    number: int, real: Callable[..., Any], fault: BaseException
) -> tuple[Callable[..., Any], list[tuple[Any, ...]]]:
    """``real``, except that call ``number`` raises ``fault`` (a fault mid-run); and the
    arguments of every call so far."""
    calls: list[tuple[Any, ...]] = []

    def wrapped(*args: Any) -> Any:
        calls.append(args)
        if len(calls) == number:
            raise fault
        return real(*args)

    return wrapped, calls


def test_an_interrupted_copy_leaves_no_half_file_and_the_next_run_finishes(
    cli, mixed, tmp_path, monkeypatch
) -> None:
    import hashsearch.copy_file as copy_file

    lib, backup = mixed
    out = tmp_path / "to-import"
    real_fsync = os.fsync
    # the third sync: the second file's bytes are written, not yet placed (each file
    # syncs its data, then its folder)
    interrupted, _ = _failing_on_call(3, real_fsync, KeyboardInterrupt())
    monkeypatch.setattr(copy_file.os, "fsync", interrupted)
    run = cli("--haystack", lib, "--needles", backup, "--copy-new-to", out, "--no-cache")
    assert run.code == 130
    partial = _tree(out)
    assert len(partial) == 1  # one whole file, nothing of the second
    assert all(data == (backup / name).read_bytes() for name, (data, _) in partial.items())
    monkeypatch.setattr(copy_file.os, "fsync", real_fsync)
    # a temporary file left by a run that was killed outright is cleared away too
    (out / "card" / ".hashsearch-x1y2.part").write_bytes(b"half")
    run = cli("--haystack", lib, "--needles", backup, "--copy-new-to", out, "--no-cache")
    assert "copied 5, already there 1, failed 0" in run.err
    assert set(_tree(out)) == NOT_FOUND


@pytest.mark.parametrize("where", ["inside-needles", "inside-haystack", "around", "a-file"])
def test_a_copy_folder_in_the_wrong_place_is_refused(cli, mixed, tmp_path, where) -> None:
    lib, backup = mixed
    out = {
        "inside-needles": backup / "import",
        "inside-haystack": lib / "import",
        "around": tmp_path,
        "a-file": backup / "card" / "IMG_0001.jpg",
    }[where]
    before = _tree(tmp_path)
    run = cli("--haystack", lib, "--needles", backup, "--copy-new-to", out, "--no-cache")
    assert run.code == 2
    assert run.err.count("\n") == 1 and "--copy-new-to" in run.err
    assert _tree(tmp_path) == before


def _on_small_disk(script: str, folder: Path, size: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with a ``size`` tmpfs mounted at ``folder`` (a mount namespace of its
    own: no root needed where user namespaces are allowed, as on Debian)."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    command = [
        "unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
        f'mount -t tmpfs -o size={size} tmpfs "$0" && exec "$1" -c "$2"',
        str(folder), sys.executable, script,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_too_little_space_is_said_before_anything_is_written(mixed, tmp_path) -> None:
    lib, backup = mixed
    out = tmp_path / "small"
    script = textwrap.dedent(f"""
        import os, sys
        from hashsearch.cli import main
        code = main(["--haystack", {str(lib)!r}, "--needles", {str(backup)!r},
                     "--copy-new-to", {str(out)!r}, "--no-cache"])
        print("files:", sorted(os.listdir({str(out)!r})), "exit:", code)
    """)
    done = _on_small_disk(script, out, "256k")
    assert done.returncode == 0, done.stderr
    assert "files: [] exit: 2" in done.stdout
    assert "are free there; nothing was copied" in done.stderr


def test_a_disk_that_fills_while_copying_stops_cleanly(mixed, tmp_path) -> None:
    lib, backup = mixed
    out = tmp_path / "small"
    # another program fills the disk after the first file is copied
    script = textwrap.dedent(f"""
        import json, os
        from hashsearch import SearchOptions, copy_not_found, search
        result = search({str(lib)!r}, {str(backup)!r}, SearchOptions(cache_path=None))
        def fill(done, total):
            if done == 1:
                with open(os.path.join({str(out)!r}, "filler"), "wb") as f:
                    try:
                        while True:
                            f.write(bytes(65536)); f.flush(); os.fsync(f.fileno())
                    except OSError:
                        pass
        copied = copy_not_found(result, {str(out)!r}, on_progress=fill)
        files = sorted(str(p) for p in __import__("pathlib").Path({str(out)!r}).rglob("*"))
        from hashsearch.report.copying import copy_problems  # the line the command says
        print(json.dumps({{"outcomes": [c.outcome for c in copied.files],
                          "reasons": [c.reason for c in copied.files], "files": files,
                          "said": copy_problems(copied)}}))
    """)
    done = _on_small_disk(script, out, "8m")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    outcomes = report["outcomes"]
    assert outcomes[0] == "copied" and "not copied" in outcomes
    first_stop = outcomes.index("not copied")
    assert all(o == "not copied" for o in outcomes[first_stop:])
    assert "the disk is full" in report["reasons"][first_stop]
    not_copied = len(outcomes) - first_stop
    assert report["said"].startswith(f"error: {not_copied} of {len(outcomes)} files not copied")
    assert "the disk is full" in report["said"] and "run again to finish" in report["said"]
    names = [Path(f).name for f in report["files"]]
    assert not any(n.startswith(".hashsearch-") for n in names)  # no half file
    copied_names = {Path(f).name for f in report["files"]} - {"filler", "card", "deep", "er"}
    assert len(copied_names) == outcomes.count("copied")


def test_the_library_api_copies_the_same_files(mixed, tmp_path) -> None:
    lib, backup = mixed
    result = search(str(lib), str(backup), SearchOptions(cache_path=None))
    copied = copy_not_found(result, str(tmp_path / "out"))
    assert isinstance(copied, hashsearch.CopyResult) and copied.complete
    assert {os.path.relpath(c.path, backup) for c in copied.files} == NOT_FOUND
    with pytest.raises(hashsearch.UsageError):
        copy_not_found(result, str(backup / "x"))


def test_the_command_ends_with_exit_2_and_one_line_when_the_disk_fills(
    cli, mixed, tmp_path, monkeypatch
) -> None:
    import errno

    import hashsearch.copy_file as copy_file

    lib, backup = mixed
    out = tmp_path / "to-import"
    full = OSError(errno.ENOSPC, "No space left on device")
    filling, calls = _failing_on_call(3, copy_file._write_verified, full)
    monkeypatch.setattr(copy_file, "_write_verified", filling)
    run = cli("--haystack", lib, "--needles", backup, "--copy-new-to", out, "--no-cache")
    assert run.code == 2
    said = [line for line in run.err.splitlines() if line.startswith("hashsearch: error:")]
    assert said == [
        f"hashsearch: error: 4 of 6 files not copied into {out} (first: "
        f"{calls[2][0]}: the disk is full (no space left on device)); -v lists each file; "
        "run again to finish"
    ]
    assert len(_tree(out)) == 2 and not list(out.rglob(".hashsearch-*"))
