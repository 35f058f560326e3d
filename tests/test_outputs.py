"""Outputs for scripts: --list-images, --json, --print0, --query; names of every kind."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import cv2
import pytest

from conftest import load_photo, resized, with_exif_orientation, write_image

ODD = b"caf\xe9 new\nline"  # a space, a newline and a byte that is not UTF-8


@pytest.fixture
def odd_trees(tmp_path: Path) -> tuple[Path, Path]:
    """Haystack: coffee, astronaut. Needles: an odd-named folder with a copy and a new photo."""
    hay, needles = tmp_path / "hay", tmp_path / "needles"
    write_image(hay / "coffee.jpg", load_photo("coffee.png"))
    write_image(hay / "astro naut.jpg", load_photo("astronaut.png"))
    folder = Path(os.fsdecode(os.path.join(os.fsencode(needles), ODD)))
    write_image(folder / os.fsdecode(b"copy \xff.jpg"), resized(load_photo("coffee.png"), 0.5))
    write_image(folder / "new photo.png", load_photo("chelsea.png"))
    write_image(needles / "done" / "a.jpg", resized(load_photo("astronaut.png"), 0.3))
    return hay, needles


def test_text_output_escapes_names(cli, odd_trees) -> None:
    hay, needles = odd_trees
    run = cli("--haystack", hay, "--needles", needles)
    assert run.code == 1
    assert run.out == "caf\\xe9 new\\nline\n"


def test_list_images(cli, odd_trees) -> None:
    hay, needles = odd_trees
    run = cli("--haystack", hay, "--needles", needles, "--list-images")
    assert run.lines == ["caf\\xe9 new\\nline/new photo.png"]


def test_print0_gives_exact_bytes(odd_trees, capsysbinary) -> None:
    hay, needles = odd_trees
    from hashsearch.cli import main

    assert main(["--haystack", str(hay), "--needles", str(needles), "--print0"]) == 1
    assert capsysbinary.readouterr().out == ODD + b"\0"
    main(["--haystack", str(hay), "--needles", str(needles), "--print0", "--list-images"])
    assert capsysbinary.readouterr().out == ODD + b"/new photo.png\0"


def test_json_document(cli, odd_trees) -> None:
    hay, needles = odd_trees
    run = cli("--haystack", hay, "--needles", needles, "--json")
    assert run.code == 1
    assert run.out.isascii()
    doc = json.loads(run.out)
    assert doc["schema"] == "hashsearch/2"
    assert doc["summary"] == {
        "haystack_images": 2,
        "haystack_videos": 0,
        "needle_files": 3,
        "found": 2,
        "smaller": 0,
        "new": 1,
        "unreadable": 0,
        "not compared": 0,
        "folders_to_import": 1,
    }
    odd, done = doc["folders"]  # byte order
    assert (done["folder"], done["to_import"], done["states"]["found"]) == ("done", False, 1)
    assert base64.b64decode(odd["folder_base64"]) == ODD
    assert os.fsencode(odd["folder"]) == ODD  # surrogateescape also round-trips
    copy, new = odd["files"]
    assert copy["state"] == "found" and copy["match"]["path"] == "coffee.jpg"
    assert copy["match"]["distance"] <= 10 and copy["match"]["similarity"] > 0.9
    assert base64.b64decode(copy["path_base64"]) == ODD + b"/copy \xff.jpg"
    assert (new["state"], new["reason"], new["match"]) == ("new", None, None)
    assert base64.b64decode(new["path_base64"]) == ODD + b"/new photo.png"


def test_json_reports_unreadable_images_with_reason(cli, odd_trees) -> None:
    hay, needles = odd_trees
    (needles / "done" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut")
    doc = json.loads(cli("--haystack", hay, "--needles", needles, "--json").out)
    broken = next(i for f in doc["folders"] for i in f["files"] if i["path"].endswith("broken.jpg"))
    assert broken["state"] == "unreadable" and "cut short" in broken["reason"]


def test_query_lists_copies_closest_first(cli, tmp_path) -> None:
    hay = tmp_path / "hay"
    image = load_photo("coffee.png")
    write_image(hay / "exact.png", image)
    write_image(hay / "smaller.jpg", resized(image, 0.3), 50)
    write_image(hay / "other.jpg", load_photo("chelsea.png"))
    query = write_image(tmp_path / "q.jpg", image, 95)
    missing = write_image(tmp_path / "m.jpg", load_photo("astronaut.png"))
    run = cli("--haystack", hay, "--query", query)
    assert run.code == 0
    rows = [line.split("\t") for line in run.lines]
    assert [row[1] for row in rows] == ["exact.png", "smaller.jpg"]
    assert all(row[0] == str(query) for row in rows)
    assert float(rows[0][3]) >= float(rows[1][3])
    run = cli("--haystack", hay, "--query", query, missing, "--json")
    assert run.code == 1  # one query image is not in the haystack
    doc = json.loads(run.out)
    assert [len(q["matches"]) for q in doc["queries"]] == [2, 0]
    assert "1 of 2 query images found" in run.err


def test_report_into_a_missing_folder_is_refused_before_any_work(cli, odd_trees) -> None:
    hay, needles = odd_trees
    run = cli("--haystack", hay, "--needles", needles, "--report", hay.parent / "no" / "r.html")
    assert run.code == 2 and "cannot write into" in run.err
    assert "images hashed" not in run.err  # refused before hashing


def test_query_does_not_take_print0(cli, tmp_path) -> None:
    (tmp_path / "hay").mkdir()
    run = cli("--haystack", tmp_path / "hay", "--query", "x.jpg", "--print0")
    assert run.code == 2 and "--print0 goes with --needles, not with --query" in run.err


def test_exif_orientation_is_applied_on_both_sides(cli, tmp_path) -> None:
    photo = cv2.resize(load_photo("chelsea.png"), (1800, 1200))
    ok, data = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    # the camera stored the pixels sideways with "rotate 90 degrees clockwise to display"
    tagged = tmp_path / "needles" / "IMG_1.jpg"
    tagged.parent.mkdir()
    tagged.write_bytes(with_exif_orientation(data.tobytes(), 6))
    # the library stored the pixels already turned, without a tag
    write_image(tmp_path / "hay" / "turned.jpg", cv2.rotate(photo, cv2.ROTATE_90_CLOCKWISE))
    run = cli("--haystack", tmp_path / "hay", "--needles", tmp_path / "needles", "--json")
    assert run.code == 0, run.err
    image = json.loads(run.out)["folders"][0]["files"][0]
    assert image["match"]["transform"] == ""  # found as it is displayed, not by --rotations


def test_dupes_groups_near_duplicates_in_one_tree(cli, tmp_path) -> None:
    inbox = tmp_path / "inbox"
    coffee, chelsea = load_photo("coffee.png"), load_photo("chelsea.png")
    write_image(inbox / "a" / "coffee.jpg", coffee)
    write_image(inbox / "b" / "coffee-small.jpg", resized(coffee, 0.4), 60)
    write_image(inbox / "coffee.png", coffee)
    write_image(inbox / "chelsea.jpg", chelsea)
    write_image(inbox / "z" / "chelsea copy.jpg", resized(chelsea, 0.5))
    write_image(inbox / "horse.jpg", load_photo("horse.png"))
    run = cli("--dupes", inbox)
    assert run.code == 1
    assert run.out == (
        "a/coffee.jpg\nb/coffee-small.jpg\ncoffee.png\n\nchelsea.jpg\nz/chelsea copy.jpg\n"
    )
    assert "6 images hashed; 2 groups of near-duplicates (5 files)" in run.err
    doc = json.loads(cli("--dupes", inbox, "--json").out)
    assert [[p["path"] for p in g] for g in doc["groups"]][1] == [
        "chelsea.jpg",
        "z/chelsea copy.jpg",
    ]
    alone = tmp_path / "alone"
    write_image(alone / "horse.jpg", load_photo("horse.png"))
    assert cli("--dupes", alone).code == 0
