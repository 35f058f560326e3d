"""Finding image files: extensions, hidden entries, symlinks, order, unreadable folders."""

from __future__ import annotations

import os

from hashsearch.discover import discover


def _touch(root, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_extensions_any_case_and_nothing_else(tmp_path) -> None:
    names = ["a.JPG", "b.jpeg", "c.Png", "d.bmp", "e.TIF", "f.tiff", "g.webp", "h.GIF", "i.HEIC"]
    _touch(tmp_path, *names, "j.heif", "k.avif", "l.txt", "m", "n.MOV")
    tree = discover(str(tmp_path))
    assert [os.path.basename(p) for p in tree.images] == [*names, "j.heif", "k.avif"]
    assert tree.other_files == {".txt": 1, "(none)": 1, ".mov": 1}


def test_hidden_files_and_folders_are_skipped(tmp_path) -> None:
    _touch(tmp_path, "._IMG_1.jpg", ".thumbs/a.jpg", "IMG_1.jpg")
    assert [os.path.basename(p) for p in discover(str(tmp_path)).images] == ["IMG_1.jpg"]


def test_order_is_deterministic_and_depth_first(tmp_path) -> None:
    _touch(tmp_path, "b/2.jpg", "a/z/1.jpg", "a/1.jpg", "0.jpg")
    tree = discover(str(tmp_path))
    assert [tree.relative(p) for p in tree.images] == ["0.jpg", "a/1.jpg", "a/z/1.jpg", "b/2.jpg"]
    assert [tree.folder_of(p) for p in tree.images] == [".", "a", "a/z", "b"]


def test_symlinks_are_reported_not_followed(tmp_path) -> None:
    _touch(tmp_path, "outside/photo.jpg", "tree/real.jpg")
    (tmp_path / "tree" / "link.jpg").symlink_to(tmp_path / "outside" / "photo.jpg")
    (tmp_path / "tree" / "linkdir").symlink_to(tmp_path / "outside")
    (tmp_path / "tree" / "loop").symlink_to(tmp_path / "tree")
    tree = discover(str(tmp_path / "tree"))
    assert [os.path.basename(p) for p in tree.images] == ["real.jpg"]
    assert sorted(os.path.basename(p.path) for p in tree.skipped) == ["link.jpg", "linkdir", "loop"]


def test_a_folder_named_like_an_image_is_a_folder(tmp_path) -> None:
    _touch(tmp_path, "x.jpg/inner.jpg")
    assert [os.path.basename(p) for p in discover(str(tmp_path)).images] == ["inner.jpg"]


def test_deep_trees(tmp_path) -> None:
    deep = os.path.join(str(tmp_path), *["d"] * 60)
    os.makedirs(deep)
    open(os.path.join(deep, "a.jpg"), "wb").close()
    assert len(discover(str(tmp_path)).images) == 1


def test_excluded_folder_is_not_entered(tmp_path) -> None:
    _touch(tmp_path, "lib/a.jpg", "lib/backup/b.jpg")
    info = os.stat(tmp_path / "lib" / "backup")
    tree = discover(str(tmp_path / "lib"), exclude={(info.st_dev, info.st_ino)})
    assert [os.path.basename(p) for p in tree.images] == ["a.jpg"]
    assert tree.excluded == [str(tmp_path / "lib" / "backup")]
