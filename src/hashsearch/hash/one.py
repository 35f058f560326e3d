"""Hash one file: read, decode, check what the decoder said, make the signature.

This is the only way a file becomes a signature, for the command and the library
alike, so both give the same verdict on the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..decode.image import DecodeOptions, decode_gray
from ..decode.read import read_regular_file
from ..errors import ImageError
from .dhash import DEFAULT_HASH_SIZE, ImageHash
from .isolate import damage_in, decoder_messages
from .signature import Signature, signature

# Bump when a change to decoding or hashing changes any stored value: it retires cache entries.
ALGORITHM_VERSION = 5  # 5: alpha laid over gray; one 64 x 64 thumbnail


@dataclass(frozen=True, slots=True)
class HashParams:
    """Everything that decides the hash of a file."""

    hash_size: int = DEFAULT_HASH_SIZE
    decode: DecodeOptions = field(default_factory=DecodeOptions)
    algorithm: str = "dhash"  # a key of hashsearch.hash.families.ALGORITHMS

    @property
    def cache_key(self) -> str:
        """Names every parameter that changes a signature (the limits do not)."""
        decoded = "" if self.decode.reduced else ":full-decode"
        return f"{self.algorithm}{self.hash_size}:v{ALGORITHM_VERSION}{decoded}"


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
    """The signature of an image file; raises :class:`ImageError` with the reason it has none.

    A file whose decoder reports damage ("Corrupt JPEG data ...") has no signature, even
    though the decoder returned pixels: they are partly made up.
    """
    data = read_regular_file(path, params.decode.max_bytes)
    gray, said = decoder_messages(lambda: decode_gray(data, params.decode, name=path))
    damage = damage_in(said)
    if damage is not None:
        raise ImageError(f"damaged image: {damage}")
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
