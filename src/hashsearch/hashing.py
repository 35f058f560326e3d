"""Turn image files into hashes: the per-file work and its parameters."""

from __future__ import annotations

from dataclasses import dataclass, field

from .decode import DecodeOptions, decode_gray, decode_raw_preview, read_regular_file
from .dhash import DEFAULT_HASH_SIZE, ImageHash
from .discover import is_raw_name
from .errors import ImageError
from .signature import Signature, signature

# Bump when a change to decoding or hashing changes any stored value: it retires cache entries.
ALGORITHM_VERSION = 4


@dataclass(frozen=True, slots=True)
class HashParams:
    """Everything that decides the hash of a file."""

    hash_size: int = DEFAULT_HASH_SIZE
    decode: DecodeOptions = field(default_factory=DecodeOptions)
    algorithm: str = "dhash"  # a key of hashsearch.families.ALGORITHMS

    @property
    def cache_key(self) -> str:
        """Names the parameters that change hash values (limits do not)."""
        return f"{self.algorithm}{self.hash_size}:v{ALGORITHM_VERSION}"


@dataclass(frozen=True, slots=True)
class HashResult:
    """The signature of one file, or the reason it has none."""

    path: str
    signature: Signature | None
    reason: str | None = None

    @property
    def hash(self) -> ImageHash | None:
        """The dHash of the whole image, when there is one."""
        return None if self.signature is None else self.signature.hash


def signature_of_file(path: str, params: HashParams = HashParams()) -> Signature:
    """The signature of an image file; raises :class:`ImageError` with the reason it has none."""
    data = read_regular_file(path, params.decode.max_bytes)
    if is_raw_name(path):  # TIFF-like containers whose first image is not the photo
        gray = decode_raw_preview(data, params.decode)
    else:
        gray = decode_gray(data, params.decode)
    return signature(gray, params.hash_size, params.algorithm)


def hash_file(path: str, params: HashParams = HashParams()) -> ImageHash:
    """The dHash of an image file; raises :class:`ImageError` with the reason it has none."""
    return signature_of_file(path, params).hash


def hash_one(path: str, params: HashParams) -> HashResult:
    """Like :func:`signature_of_file`, with the failure as data."""
    try:
        return HashResult(path, signature_of_file(path, params))
    except ImageError as exc:
        return HashResult(path, None, str(exc))
