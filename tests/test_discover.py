"""Finding image files: extensions, hidden entries, symlinks, order, unreadable folders."""

from __future__ import annotations

import os

from hashsearch.discover import discover


def _touch(root, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_every_file_is_listed_whatever_its_name(tmp_path) -> None:
    # the content tells what a file is (hash stage), not the name: nothing is left out here
    names = ["a.JPG", "b.jpeg", "c.Png", "d.jfif", "e.TIF", "f.webp", "g.HEIC", "h.txt", "i"]
    _touch(tmp_path, *names, "j.MOV")
    tree = discover(str(tmp_path))
    assert [os.path.basename(p) for p in tree.files] == [*names, "j.MOV"]


def test_hidden_files_and_folders_are_looked_at_and_junk_is_counted(tmp_path) -> None:
    _touch(tmp_path, "._IMG_1.jpg", ".originals/a.jpg", "IMG_1.jpg", ".DS_Store", "Thumbs.db")
    tree = discover(str(tmp_path))
    assert [tree.relative(p) for p in tree.files] == ["IMG_1.jpg", ".originals/a.jpg"]
    assert sorted(os.path.basename(p) for p in tree.junk) == [
        ".DS_Store",
        "._IMG_1.jpg",
        "Thumbs.db",
    ]


def test_exclude_globs_leave_out_files_and_folders_and_say_so(tmp_path) -> None:
    _touch(tmp_path, "a.jpg", "a.xmp", "@eaDir/a.jpg", "keep/b.jpg", "keep/b.xmp")
    tree = discover(str(tmp_path), patterns=["*.xmp", "@eaDir"])
    assert [tree.relative(p) for p in tree.files] == ["a.jpg", "keep/b.jpg"]
    assert sorted(tree.relative(p) for p in tree.excluded_by_pattern) == [
        "@eaDir",
        "a.xmp",
        "keep/b.xmp",
    ]


def test_order_is_deterministic_and_depth_first(tmp_path) -> None:
    _touch(tmp_path, "b/2.jpg", "a/z/1.jpg", "a/1.jpg", "0.jpg")
    tree = discover(str(tmp_path))
    assert [tree.relative(p) for p in tree.files] == ["0.jpg", "a/1.jpg", "a/z/1.jpg", "b/2.jpg"]
    assert [tree.folder_of(p) for p in tree.files] == [".", "a", "a/z", "b"]


def test_symlinks_are_reported_not_followed(tmp_path) -> None:
    _touch(tmp_path, "outside/photo.jpg", "tree/real.jpg")
    (tmp_path / "tree" / "link.jpg").symlink_to(tmp_path / "outside" / "photo.jpg")
    (tmp_path / "tree" / "linkdir").symlink_to(tmp_path / "outside")
    (tmp_path / "tree" / "loop").symlink_to(tmp_path / "tree")
    tree = discover(str(tmp_path / "tree"))
    assert [os.path.basename(p) for p in tree.files] == ["real.jpg"]
    assert sorted(os.path.basename(p.path) for p in tree.skipped) == ["link.jpg", "linkdir", "loop"]


def test_a_folder_named_like_an_image_is_a_folder(tmp_path) -> None:
    _touch(tmp_path, "x.jpg/inner.jpg")
    assert [os.path.basename(p) for p in discover(str(tmp_path)).files] == ["inner.jpg"]


def test_deep_trees(tmp_path) -> None:
    deep = os.path.join(str(tmp_path), *["d"] * 60)
    os.makedirs(deep)
    open(os.path.join(deep, "a.jpg"), "wb").close()
    assert len(discover(str(tmp_path)).files) == 1


def test_excluded_folder_is_not_entered(tmp_path) -> None:
    _touch(tmp_path, "lib/a.jpg", "lib/backup/b.jpg")
    info = os.stat(tmp_path / "lib" / "backup")
    tree = discover(str(tmp_path / "lib"), exclude={(info.st_dev, info.st_ino)})
    assert [os.path.basename(p) for p in tree.files] == ["a.jpg"]
    assert tree.excluded == [str(tmp_path / "lib" / "backup")]
