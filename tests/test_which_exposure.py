"""Which exposure? A needle without a camera moment that passes as two library photos
taken at different moments is taken for neither; copies of one photo never make it
ambiguous."""

from __future__ import annotations

import json
from pathlib import Path

import cv2

from conftest import (
    BURST_START,
    burst_jpeg,
    burst_photo,
    exif_payload,
    file_states,
    load_photo,
    with_exif,
    write_image,
)
from hashsearch import HashParams, Matcher, MatchRules, signature_of_file
from hashsearch.hash.one import hash_one
from hashsearch.match.consistency import disagreeing
from test_lookalikes import _walker_at

AMBIGUOUS = (
    "no camera moment of its own, and it looks like 2 library photos taken at different "
    "moments (EXIF): which exposure it is, if any, cannot be told"
)


def test_the_first_two_that_disagree_are_named() -> None:
    groups = {"a": 1, "a-small": 1, "b": 2}
    same = lambda x, y: groups[x] == groups[y]  # noqa: E731
    assert disagreeing(["a", "a-small"], same) is None
    assert disagreeing(["a", "a-small", "b"], same) == ("a", "b")
    assert disagreeing(["b"], same) is None and disagreeing([], same) is None


def _two_exposures(library: Path) -> None:
    """Two burst shots of a static scene: the same pixels, taken 0.3 s apart (EXIF)."""
    burst_photo(library / "IMG_0001.jpg", BURST_START, "120")
    burst_photo(library / "IMG_0002.jpg", BURST_START, "420")


def test_a_stripped_copy_of_one_of_two_exposures_is_taken_for_neither(cli, tmp_path) -> None:
    library, backup = tmp_path / "library", tmp_path / "backup"
    _two_exposures(library)
    (backup / "stripped").mkdir(parents=True)
    (backup / "stripped" / "IMG_0001.jpg").write_bytes(burst_jpeg(75))  # a messenger's copy
    burst_photo(backup / "kept" / "IMG_0001.jpg", BURST_START, "120", quality=80)
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    assert run.code == 1
    states = file_states(run.out)
    # without its moment nothing says which of the two it is, or whether it is a third
    assert states["stripped/IMG_0001.jpg"] == ("new", AMBIGUOUS)
    assert states["kept/IMG_0001.jpg"] == ("found", None)  # its moment names the one
    doc = json.loads(run.out)
    stripped = next(f for d in doc["folders"] for f in d["files"] if f["path"].startswith("s"))
    # both are shown as near misses, for a person to look at
    assert [m["path"] for m in stripped["similar"]] == ["IMG_0001.jpg", "IMG_0002.jpg"]
    # the same verdicts when each file stops at its first acceptable copy (no --json)
    quick = cli("--haystack", library, "--needles", backup, "--no-cache")
    assert (quick.code, quick.lines) == (1, ["stripped"])


def test_the_library_api_gives_the_same_verdict(tmp_path) -> None:
    _two_exposures(tmp_path)
    (tmp_path / "stripped.jpg").write_bytes(burst_jpeg(75))
    matcher = Matcher(64, MatchRules())
    for name in ("IMG_0001.jpg", "IMG_0002.jpg"):
        matcher.add(str(tmp_path / name), signature_of_file(str(tmp_path / name)))
    verdict = matcher.judge(hash_one(str(tmp_path / "stripped.jpg"), HashParams()))
    assert (verdict.status, verdict.reason) == ("new", AMBIGUOUS)
    assert sorted(Path(m.path).name for m in verdict.similar) == ["IMG_0001.jpg", "IMG_0002.jpg"]
    assert matcher.matches(signature_of_file(str(tmp_path / "stripped.jpg"))) == []


def _walker_shot(at: tuple[int, int], quality: int = 92) -> bytes:
    """A fixed camera's shot with someone small at ``at`` (test_lookalikes), no EXIF."""
    ok, data = cv2.imencode(".jpg", _walker_at(at), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def test_a_stripped_shot_like_one_exposure_and_a_moment_from_the_next_is_neither(
    cli, tmp_path
) -> None:
    # the library's two exposures: the walker here, then a second on, over there; the
    # stripped shot was taken just after the first (the walker a step on): it passes as
    # the first, and as the second but for what moved, so it may be the first, or a
    # third exposure the library lacks
    library, backup = tmp_path / "library", tmp_path / "backup"
    library.mkdir()
    first = with_exif(_walker_shot((150, 300)), exif_payload(BURST_START, "120"))
    (library / "IMG_0001.jpg").write_bytes(first)
    later = with_exif(_walker_shot((430, 330)), exif_payload("2024:05:01 12:00:08", "120"))
    (backup / "stripped").mkdir(parents=True)
    (backup / "stripped" / "IMG_0001.jpg").write_bytes(_walker_shot((153, 300), 80))
    alone = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    assert file_states(alone.out)["stripped/IMG_0001.jpg"] == ("found", None)  # pixels alone
    (library / "IMG_0002.jpg").write_bytes(later)
    report = tmp_path / "report.html"
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    assert run.code == 1
    assert file_states(run.out)["stripped/IMG_0001.jpg"] == ("new", AMBIGUOUS)
    # both shown as near misses; the later one says it failed only for what moved
    [stripped] = [f for d in json.loads(run.out)["folders"] for f in d["files"]]
    moved = {m["path"]: m.get("moved", False) for m in stripped["similar"]}
    assert moved == {"IMG_0001.jpg": False, "IMG_0002.jpg": True}
    (library / "IMG_0001.jpg").unlink()  # the later exposure alone: new, and why it looks so
    cli("--haystack", library, "--needles", backup, "--no-cache", "--report", report)
    assert "the same scene, something moved" in report.read_text(encoding="utf-8")


def test_a_photo_the_library_holds_in_several_copies_is_found(cli, tmp_path) -> None:
    chelsea = load_photo("chelsea.png")
    library = tmp_path / "library"
    write_image(library / "chelsea.jpg", chelsea)
    write_image(library / "exports" / "chelsea-small.jpg", cv2.resize(chelsea, (225, 150)))
    write_image(library / "exports" / "chelsea-q50.jpg", chelsea, quality=50)
    write_image(tmp_path / "backup" / "IMG_0001.jpg", chelsea, quality=80)
    run = cli("--haystack", library, "--needles", tmp_path / "backup", "--json", "--no-cache")
    assert run.code == 0
    assert file_states(run.out)["IMG_0001.jpg"] == ("found", None)


def test_dupes_never_groups_a_photo_that_passes_as_two_exposures(cli, tmp_path) -> None:
    _two_exposures(tmp_path / "inbox")
    (tmp_path / "inbox" / "stripped.jpg").write_bytes(burst_jpeg(75))
    write_image(tmp_path / "inbox" / "other.jpg", load_photo("coffee.png"))
    write_image(
        tmp_path / "inbox" / "other-small.jpg",
        cv2.resize(load_photo("coffee.png"), None, fx=0.5, fy=0.5),
    )
    doc = json.loads(cli("--dupes", tmp_path / "inbox", "--json", "--no-cache").out)
    groups = [sorted(entry["path"] for entry in group) for group in doc["groups"]]
    # IMG_0001 and IMG_0002 are two exposures; stripped.jpg may be either, or a third:
    # grouped with one of them, it could be deleted as a duplicate it is not
    assert groups == [["other-small.jpg", "other.jpg"]]


def test_dupes_groups_byte_identical_copies_with_the_others(cli, tmp_path) -> None:
    chelsea = load_photo("chelsea.png")
    inbox = tmp_path / "inbox"
    write_image(inbox / "a.jpg", chelsea)
    (inbox / "a-copy.jpg").write_bytes((inbox / "a.jpg").read_bytes())
    write_image(inbox / "a-small.jpg", cv2.resize(chelsea, (225, 150)))
    doc = json.loads(cli("--dupes", inbox, "--json", "--no-cache").out)
    groups = [sorted(entry["path"] for entry in group) for group in doc["groups"]]
    assert groups == [["a-copy.jpg", "a-small.jpg", "a.jpg"]]


def test_a_stripped_file_the_library_imported_as_it_is_is_found(cli, tmp_path) -> None:
    library, backup = tmp_path / "library", tmp_path / "backup"
    _two_exposures(library)
    (library / "from-chat.jpg").write_bytes(burst_jpeg(75))  # imported without its EXIF
    (backup / "same").mkdir(parents=True)
    (backup / "same" / "from-chat.jpg").write_bytes(burst_jpeg(75))
    (backup / "other").mkdir()
    (backup / "other" / "from-chat.jpg").write_bytes(burst_jpeg(70))
    for extra in ((), ("--json",)):
        run = cli("--haystack", library, "--needles", backup, "--no-cache", *extra)
        # its very signature is in the library; a re-saved stripped copy could be any
        assert (run.code, run.lines if not extra else ["other"]) == (1, ["other"])
    states = file_states(run.out)
    assert states["same/from-chat.jpg"] == ("found", None)
    assert states["other/from-chat.jpg"] == ("new", AMBIGUOUS.replace("2 library", "3 library"))
