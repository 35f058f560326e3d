"""What an image file's header says: format, pixel size, and whether the file is complete.

Pure: bytes in, :class:`ImageHeader` out. The format is told by content alone, camera RAW
files included (their own signatures, or a TIFF container that says it holds a camera's
raw data); a file name can only tip a plain TIFF container over to RAW.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from .isobox import box_in

# JPEG start-of-frame markers (baseline, progressive, lossless...); C4, C8, CC are not frames.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# ISO base media file brands of HEIF still images (HEIC, AVIF and friends)
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
)
# RAW files with a signature of their own: Fujifilm RAF, Olympus ORF, Panasonic RW2.
_RAW_SIGNATURES = (b"FUJIFILMCCD-RAW", b"IIRO", b"IIRS", b"MMOR", b"IIU\x00")
_CANON_CR3_BRAND = b"crx "
# TIFF tags: image size, subfile type (1: a reduced copy), camera maker, sub-images, DNG
_TIFF_WIDTH, _TIFF_HEIGHT, _TIFF_SUBFILE, _TIFF_MAKE = 256, 257, 254, 271
_TIFF_SUB_IFDS, _TIFF_DNG_VERSION, _TIFF_EXTRA_SAMPLES = 330, 50706, 338
_TIFF_MAX_PAGES = 10_000  # a longer directory chain is a loop or a hostile file
# Video containers: QuickTime/MP4 atoms, Matroska/WebM (EBML), ASF/WMV, FLV, MPEG streams
_QUICKTIME_ATOMS = frozenset({b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})
_VIDEO_SIGNATURES = (
    b"\x1a\x45\xdf\xa3",
    b"\x30\x26\xb2\x75\x8e\x66\xcf\x11",
    b"FLV\x01",
    b"\x00\x00\x01\xba",
    b"\x00\x00\x01\xb3",
)
_TS_PACKET = 188  # MPEG transport stream packets (.mts, .m2ts with a 4-byte prefix)
# JPEG 2000: the JP2 file's signature box, and a bare codestream's SOC and SIZ markers
_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
_J2K_SIGNATURE = b"\xff\x4f\xff\x51"
#: How many bytes of a file tell its kind (read before deciding to read the rest).
SNIFF_BYTES = 4096


@dataclass(frozen=True, slots=True)
class ImageHeader:
    """Format name and pixel size read from the header; size is None where not parsed."""

    format: str  # jpeg png gif bmp webp tiff heif raw jp2, or video, or unknown
    width: int | None = None
    height: int | None = None
    truncated: bool = False
    pages: int = 1  # pages or frames, where the format tells (TIFF)
    alpha: bool = False  # the header says the pixels may carry transparency

    @property
    def pixels(self) -> int | None:
        """Width times height, when both are known."""
        if self.width is None or self.height is None:
            return None
        return self.width * self.height


def read_header(data: bytes, raw_name: bool = False) -> ImageHeader:
    """Sniff the format from the first bytes and parse the size where the format allows.

    ``raw_name``: the file is named like a camera RAW file, so a plain TIFF container is
    taken for one (NEF, ARW and PEF files need not say so in their first directory).
    """
    if data.startswith(_RAW_SIGNATURES) or (
        data[4:8] == b"ftyp" and data[8:12] == _CANON_CR3_BRAND
    ):
        return ImageHeader("raw")
    if data[:3] == b"\xff\xd8\xff":
        return _jpeg(data)
    if data[:8] == _PNG_SIGNATURE:
        return _png(data)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return ImageHeader("gif", width, height)
    if data[:2] == b"BM" and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return ImageHeader("bmp", abs(width), abs(height))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return _tiff(data, raw_name)
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return ImageHeader("heif")
    if data.startswith(_JP2_SIGNATURE):
        return _jp2(data)
    if data.startswith(_J2K_SIGNATURE):
        return _j2k(data)
    if _is_video(data):
        return ImageHeader("video")
    return ImageHeader("unknown")


def _is_video(data: bytes) -> bool:
    """Video containers by their first bytes (MOV, MP4, M4V, 3GP, AVI, MKV, MTS, WMV ...)."""
    if data[4:8] in _QUICKTIME_ATOMS or data.startswith(_VIDEO_SIGNATURES):
        return True
    if data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return True
    for start in (0, 4):  # transport stream, and M2TS with its 4-byte time code
        if len(data) > start + 2 * _TS_PACKET and all(
            data[start + k * _TS_PACKET] == 0x47 for k in range(3)
        ):
            return True
    return False


#: A JPEG's start-of-scan marker: its entropy-coded data follows.
JPEG_SOS = 0xDA


def jpeg_segments(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(marker, payload start, end) of each segment of the JPEG ``data`` before its image
    data, the start of scan last; fill bytes and markers without a length skipped. Stops
    where the markers stop (damage) or the data does."""
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            at += 2
            continue
        end = at + 2 + int.from_bytes(data[at + 2 : at + 4], "big")
        yield marker, at + 4, end
        if marker == JPEG_SOS:
            return
        at = end


def _jpeg(data: bytes) -> ImageHeader:
    width = height = None
    for marker, start, _ in jpeg_segments(data):
        if marker in _SOF_MARKERS and start + 5 <= len(data):
            height, width = struct.unpack(">HH", data[start + 1 : start + 5])
        if marker == JPEG_SOS:  # the entropy-coded data follows
            # Inside the scan 0xFF is byte-stuffed, so an end-of-image marker after
            # the first scan is the image's own (an EXIF thumbnail's ends earlier).
            complete = data.rfind(b"\xff\xd9") > start - 4
            return ImageHeader("jpeg", width, height, truncated=not complete)
    return ImageHeader("jpeg", width, height, truncated=True)


def _jp2(data: bytes) -> ImageHeader:
    """A JP2 file: its size from the image header box, complete when its codestream box
    (``jp2c``) is whole."""
    width = height = None
    alpha, pos = False, 0
    while (box := box_in(data, pos)) is not None:
        kind, start, end = box
        if kind == b"jp2h":  # a superbox: its boxes follow its own header
            pos = start
            continue
        if kind == b"ihdr" and start + 10 <= len(data):
            height, width, components = struct.unpack(">IIH", data[start : start + 10])
            alpha = components in (2, 4)
        if kind == b"jp2c":
            codestream = _j2k(data, start, end)
            return ImageHeader("jp2", width, height, codestream.truncated, alpha=alpha)
        pos = end
    return ImageHeader("jp2", width, height, truncated=True, alpha=alpha)


def _j2k(data: bytes, start: int = 0, end: int | None = None) -> ImageHeader:
    """A JPEG 2000 codestream (SOC, then its SIZ segment) in ``data[start:end]``: its size,
    complete when it ends with the end-of-codestream marker (zeros may pad it)."""
    end = len(data) if end is None else end
    if end - start < 24 or not data.startswith(_J2K_SIGNATURE, start):
        return ImageHeader("jp2", truncated=True)
    right, bottom, left, top = struct.unpack(">IIII", data[start + 8 : start + 24])
    eoc = data.rfind(b"\xff\xd9", start, end)
    complete = eoc != -1 and data.count(b"\x00", eoc + 2, end) == end - eoc - 2
    return ImageHeader("jp2", right - left, bottom - top, truncated=not complete)


def _png(data: bytes) -> ImageHeader:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return ImageHeader("png", truncated=True)
    width, height = struct.unpack(">II", data[16:24])
    complete = data.rfind(b"IEND", max(0, len(data) - 1024)) >= 0
    # colour types 4 and 6 carry an alpha channel; a tRNS chunk makes a colour transparent
    first_data = data.find(b"IDAT")
    alpha = data[25:26] in (b"\x04", b"\x06") or b"tRNS" in data[: max(first_data, 33)]
    return ImageHeader("png", width, height, truncated=not complete, alpha=alpha)


def _webp(data: bytes) -> ImageHeader:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return ImageHeader("webp", width, height, alpha=bool(data[20] & 0x10))
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        width, height = 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
        return ImageHeader("webp", width, height, alpha=bool(bits >> 28 & 1))
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return ImageHeader("webp", width & 0x3FFF, height & 0x3FFF)
    return ImageHeader("webp")


def _tiff(data: bytes, raw_name: bool) -> ImageHeader:
    """Size and page count from the TIFF directories; camera RAW if the first one says so."""
    order = "<" if data[:2] == b"II" else ">"
    if data[8:10] == b"CR":  # Canon CR2
        return ImageHeader("raw")
    pages, seen, width, height, camera, alpha = 0, set(), None, None, False, False
    offset = _unpack(order + "I", data, 4)
    while offset and offset not in seen and pages < _TIFF_MAX_PAGES:
        seen.add(offset)
        count = _unpack(order + "H", data, offset)
        if count is None:
            return ImageHeader("tiff", width, height, truncated=True, pages=max(1, pages))
        tags = {}
        for i in range(count):
            entry = offset + 2 + 12 * i
            tag, kind = _unpack(order + "H", data, entry), _unpack(order + "H", data, entry + 2)
            if tag is None or kind is None:
                return ImageHeader("tiff", width, height, truncated=True, pages=max(1, pages))
            fmt = "H" if kind == 3 else "I"
            tags[tag] = _unpack(order + fmt, data, entry + 8)
        if pages == 0:
            width, height = tags.get(_TIFF_WIDTH), tags.get(_TIFF_HEIGHT)
            reduced = tags.get(_TIFF_SUBFILE) == 1  # the first image is a thumbnail
            maker = _TIFF_MAKE in tags and (_TIFF_SUB_IFDS in tags or reduced)
            camera = _TIFF_DNG_VERSION in tags or maker
            alpha = _TIFF_EXTRA_SAMPLES in tags
        pages += 1
        offset = _unpack(order + "I", data, offset + 2 + 12 * count) or 0
    if camera or raw_name:
        return ImageHeader("raw")
    return ImageHeader("tiff", width, height, pages=max(1, pages), alpha=alpha)


def _unpack(fmt: str, data: bytes, offset: int) -> int | None:
    """One integer at ``offset``, or None where the file ends first."""
    size = struct.calcsize(fmt)
    if offset < 0 or offset + size > len(data):
        return None
    value: int = struct.unpack_from(fmt, data, offset)[0]
    return value
