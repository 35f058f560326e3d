"""An HDR photo keeps a gain map beside its picture: a copy without it is "smaller".

The files are made here as the formats lay them out: an Ultra HDR JPEG names Adobe's
gain map namespace in its XMP and keeps the gain map as a further image its MPF index
lists, as Apple's HDR JPEG does (naming Apple's type in the gain map's own XMP); an
ISO 21496-1 HEIF names the ``tmap`` brand, Apple's HEIC names its auxiliary gain map in
the ``meta`` box.
"""

from __future__ import annotations

import struct

import cv2
import numpy as np

from conftest import file_states, load_photo, resized, write_image
from hashsearch.decode.gainmap import has_gain_map
from hashsearch.match.lesser import HDR_NOT_KEPT

ADOBE = b'xmlns:hdrgm="http://ns.adobe.com/hdr-gain-map/1.0/" hdrgm:Version="1.0"'
APPLE_TYPE = b"urn:com:apple:photo:2020:aux:hdrgainmap"
APPLE = b"<apdi:AuxiliaryImageType>" + APPLE_TYPE + b"</apdi:AuxiliaryImageType>"


def _jpeg(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return data.tobytes()


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _xmp(text: bytes) -> bytes:
    packet = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description ' + text + b"/></x:xmpmeta>"
    return _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet)


def _with(jpeg: bytes, *segments: bytes) -> bytes:
    """``jpeg`` with ``segments`` right after its start of image."""
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def _with_further_image(primary: bytes, further: bytes) -> bytes:
    """``primary`` with an MPF index (an APP2 segment right after its start) listing
    ``further``, stored after it, as cameras and phones lay out such files."""
    entries_at = 8 + 2 + 3 * 12 + 4  # after the TIFF header, the IFD and the next-IFD link
    ifd = struct.pack("<H", 3) + b"".join(
        [
            struct.pack("<HHI4s", 0xB000, 7, 4, b"0100"),
            struct.pack("<HHII", 0xB001, 4, 1, 2),
            struct.pack("<HHII", 0xB002, 7, 32, entries_at),
        ]
    )
    size = len(_segment(0xE2, bytes(4 + entries_at + 32)))
    start = len(primary) + size - (2 + 8)  # from the MPF's byte-order mark, at 2 + 8
    entries = struct.pack("<IIIHH", 0x030000, len(primary) + size, 0, 0, 0)
    entries += struct.pack("<IIIHH", 0, len(further), start, 0, 0)
    index = b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + entries
    return _with(primary, _segment(0xE2, b"MPF\x00" + index)) + further


def _heic(image: np.ndarray) -> bytes:
    import io

    import pillow_heif
    from PIL import Image

    out = io.BytesIO()
    pillow_heif.from_pillow(Image.fromarray(image[:, :, ::-1])).save(out, quality=80)
    return out.getvalue()


def test_gain_maps_are_told_from_where_each_format_keeps_them() -> None:
    photo = resized(load_photo("coffee.png"), 0.5)
    plain = _jpeg(photo)
    gain = _jpeg(cv2.cvtColor(resized(photo, 0.25), cv2.COLOR_BGR2GRAY))
    assert not has_gain_map(plain)
    assert has_gain_map(_with_further_image(_with(plain, _xmp(ADOBE)), gain))  # Ultra HDR
    # an editor kept the Ultra HDR photo's XMP but wrote its picture alone: no gain map
    assert not has_gain_map(_with(plain, _xmp(ADOBE)))
    assert has_gain_map(_with_further_image(plain, _with(gain, _xmp(APPLE))))  # Apple's JPEG
    # a camera's large preview, the other eye of a 3D photo: further images, no gain map
    assert not has_gain_map(_with_further_image(plain, _jpeg(resized(photo, 0.5))))
    assert not has_gain_map(_with_further_image(plain, _jpeg(photo))[:-100])  # cut short
    heic = _heic(photo)
    assert not has_gain_map(heic)
    assert b"miaf" in heic[:32]
    assert has_gain_map(heic[:32].replace(b"miaf", b"tmap") + heic[32:])  # ISO 21496-1
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"heic", 0, b"mif1")
    meta = b"auxC\x00\x00\x00\x00" + APPLE_TYPE + b"\x00"  # the gain map's auxC property
    assert has_gain_map(ftyp + struct.pack(">I4s", 8 + len(meta), b"meta") + meta)  # Apple
    # named outside the meta box (in the picture's coded data): not told so
    coded = struct.pack(">I4s", 8 + len(APPLE_TYPE), b"mdat") + APPLE_TYPE
    assert not has_gain_map(ftyp + coded)


def test_an_hdr_photo_whose_library_copy_lacks_its_gain_map_is_smaller(cli, tmp_path) -> None:
    photo = resized(load_photo("coffee.png"), 0.5)
    gain = _jpeg(cv2.cvtColor(resized(photo, 0.25), cv2.COLOR_BGR2GRAY))
    ultra = _with_further_image(_with(_jpeg(photo), _xmp(ADOBE)), gain)
    apple = _with_further_image(_jpeg(photo), _with(gain, _xmp(APPLE)))
    library, backup = tmp_path / "library", tmp_path / "phone"
    write_image(library / "exported.jpg", photo)  # an export: the picture alone
    (backup / "hdr").mkdir(parents=True)
    (backup / "hdr" / "PXL_0001.jpg").write_bytes(ultra)
    (backup / "hdr" / "IMG_0002.jpg").write_bytes(apple)
    run = cli("--haystack", library, "--needles", backup, "--json")
    states = file_states(run.out)
    assert states == {
        "hdr/PXL_0001.jpg": ("smaller", HDR_NOT_KEPT),
        "hdr/IMG_0002.jpg": ("smaller", HDR_NOT_KEPT),
    }
    assert run.code == 1
    # the library keeps the HDR original: found; and an export of it is found there too
    (library / "PXL_0001.jpg").write_bytes(ultra)
    write_image(backup / "exported" / "coffee.jpg", photo)
    run = cli("--haystack", library, "--needles", backup, "--json")
    states = file_states(run.out)
    assert states["hdr/PXL_0001.jpg"] == states["hdr/IMG_0002.jpg"] == ("found", None)
    assert states["exported/coffee.jpg"] == ("found", None)
