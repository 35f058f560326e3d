"""The layout check's numbers: where two 32 x 32 thumbnails line up best, and how well.

The centre of one image (a shift's width in from each side), with its best-fitting
plane (brightness and a linear fall-off) removed, is slid over every inset of the other,
a pixel each way, and compared by normalised correlation (:mod:`.verify` says why).
The centre is plane-free and of unit length, so its product with a window is the product
with the window's plane-free part: only the length of that part is needed (``norms``: 45
numbers a thumbnail, not the 45 windows, 160 KB).

A needle among look-alikes has hundreds of candidates, and a pair's check is mostly
NumPy's overhead on small arrays. ``best`` scores a needle against many candidates at
once: their windows against the needle's centre in one matrix product, the needle's
windows against their centres in another (``_products``; a candidate's windows are never
copied, the needle's once a batch when it has more than a few candidates). Measured on
2026-12-01 (2 CPUs), ``--dupes`` over 800 of Open Clip Art's shapes, hashes cached:
20-25 s with 64 candidates aligned together, 48-54 s one at a time, 31.8 s for the
code before (a pair at a time, each window copied): about 0.2 ms for one pair alone,
0.03 ms a pair in 64. The matcher aligns a needle's candidates 64 at a time
(:mod:`.prepared`); a run that stops at the first copy starts with one.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

COARSE_SIDE = 32
SHIFT = 1  # pixels a copy may be shifted against the other
WINDOW = COARSE_SIDE - 2 * SHIFT
SHIFTS = (2 * SHIFT + 1) ** 2  # placements of a window on one inset
_FLAT_SPREAD = 1e-6  # a length below this is no spread at all
_FEW = 2  # candidates whose centres are laid into thumbnails rather than the needle's
# windows copied (measured on 2026-12-01: the two cost the same at 3 or 4 candidates)

Floats = npt.NDArray[np.float32]


class Operands(Protocol):
    """What the layout check reads of a prepared thumbnail (:class:`.verify.Prepared`)."""

    @property
    def coarse(self) -> Floats: ...  # (insets, 32, 32)
    @property
    def centre(self) -> Floats | None: ...  # made once for a thumbnail compared often
    @property
    def norms(self) -> Floats | None: ...


@dataclass(frozen=True, slots=True)
class Layout:
    """Where two layouts line up best: the correlation there, and which image is cropped."""

    similarity: float
    inset: int  # the inset of the cropped image its window lies on
    dy: int
    dx: int
    needle_cropped: bool  # the needle's inset holds the haystack's whole (its border lacks)


def best(needle: Operands, others: Sequence[Operands], crops: Sequence[bool]) -> list[Layout]:
    """The best layout alignment of ``needle`` with each of ``others``: either image whole
    against the other's insets and shifts (the whole images only where ``crops`` is False:
    two pictures of one size are not crops of each other)."""
    stack = np.stack([other.coarse for other in others])  # (k, insets, 32, 32)
    count, insets = stack.shape[:2]
    # the needle whole against each other's windows, each other whole against the needle's
    images = stack.reshape(count * insets, COARSE_SIDE, COARSE_SIDE)
    forward = _products(images, centre_of(needle)[None, :]).reshape(count, -1)
    forward = _scaled(forward, np.stack([norms_of(o) for o in others]))
    centres = np.stack([centre_of(other) for other in others])  # (k, 900)
    if count > _FEW:  # the needle's windows copied once (160 KB): one small product
        backward = np.asarray(centres @ views(needle.coarse).T, dtype=np.float32)
    else:  # a centre or two laid into blank thumbnails costs less than that copy
        backward = _products(needle.coarse, centres).transpose(1, 0, 2).reshape(count, -1)
    backward = _scaled(backward, norms_of(needle)[None, :])
    whole_only = ~np.asarray(crops, dtype=bool)
    forward[whole_only, SHIFTS:] = -np.inf  # argmax then keeps to the whole image
    backward[whole_only, SHIFTS:] = -np.inf
    rows = np.arange(count)
    ahead, behind = np.argmax(forward, axis=1), np.argmax(backward, axis=1)
    there, back = forward[rows, ahead], backward[rows, behind]
    cropped = back > there  # a tie keeps the needle whole, as it always did
    inset, rest = np.divmod(np.where(cropped, behind, ahead), SHIFTS)
    dy, dx = np.divmod(rest, 2 * SHIFT + 1)
    columns = (np.maximum(there, back), inset, dy, dx, cropped)
    return [Layout(*fields) for fields in zip(*(c.tolist() for c in columns), strict=True)]


def centre_of(operands: Operands) -> Floats:
    """The prepared centre, or one made now."""
    return operands.centre if operands.centre is not None else centre(operands.coarse)


def norms_of(operands: Operands) -> Floats:
    """The prepared window lengths, or ones made now."""
    return operands.norms if operands.norms is not None else norms(operands.coarse)


def spread(operands: Operands, inset: int, dy: int, dx: int) -> float:
    """The standard deviation of one shifted window of an inset once its plane is removed
    (its length over its size: the plane-free part has no mean)."""
    if operands.norms is not None:
        return float(operands.norms[inset * SHIFTS + dy * (2 * SHIFT + 1) + dx]) / WINDOW
    window = operands.coarse[inset : inset + 1, dy : dy + WINDOW, dx : dx + WINDOW]
    return float(norms(window)[0]) / WINDOW


def centre(coarse: Floats) -> Floats:
    """The whole image's centre (a shift's width in from each side), plane removed, unit."""
    middle = coarse[0, SHIFT:-SHIFT, SHIFT:-SHIFT].reshape(1, -1)
    plane_free = detrended(middle, (WINDOW, WINDOW))[0]
    length = float(np.linalg.norm(plane_free))
    return plane_free / length if length > _FLAT_SPREAD else np.zeros_like(plane_free)


def views(coarse: Floats) -> Floats:
    """Every shifted window of every inset as it is: (insets * 9, 900)."""
    shape = (WINDOW, WINDOW)
    return sliding_window_view(coarse, shape, axis=(1, 2)).reshape(-1, shape[0] * shape[1])


def norms(coarse: Floats) -> Floats:
    """The length of every shifted window of every inset once its plane is removed."""
    # the plane's three axes are orthonormal, so the plane-free part's squared length is
    # the window's less its projections on them; in float64, as exact as detrending each
    # window (4x faster: a library photo is prepared hundreds of times among look-alikes)
    windows = views(coarse).astype(np.float64)
    total = windows.sum(axis=1)
    slopes = windows @ _slope_axes(WINDOW)
    squared = np.einsum("ij,ij->i", windows, windows)
    squared -= total * total / windows.shape[1] + (slopes * slopes).sum(axis=1)
    return np.asarray(np.sqrt(np.maximum(squared, 0.0)), dtype=np.float32)


def detrended(rows: Floats, shape: tuple[int, ...]) -> Floats:
    """Each row (a flattened image of ``shape``) minus its least-squares plane a + bx + cy."""
    out = rows - rows.mean(axis=1, keepdims=True)
    for axis in _plane_axes(shape[0], shape[1]):
        out = out - (out @ axis)[:, None] * axis[None, :]
    return np.asarray(out, dtype=np.float32)


def _products(images: Floats, centres: Floats) -> Floats:
    """The product of each centre (rows of ``centres``) with every shifted window of each
    image: (images, centres, 9), the windows in the order of ``views``. No window is
    copied (160 KB a thumbnail, which cost more than the products): each centre is laid
    into a blank thumbnail at each shift, and one matrix product of the images with all
    of those gives every product at once."""
    count, shifts = len(centres), 2 * SHIFT + 1
    placed = np.zeros((COARSE_SIDE, COARSE_SIDE, count, shifts, shifts), dtype=np.float32)
    laid = centres.reshape(count, WINDOW, WINDOW).transpose(1, 2, 0)
    for dy in range(shifts):
        for dx in range(shifts):
            placed[dy : dy + WINDOW, dx : dx + WINDOW, :, dy, dx] = laid
    products = images.reshape(len(images), -1) @ placed.reshape(COARSE_SIDE * COARSE_SIDE, -1)
    return products.reshape(len(images), count, shifts * shifts)


def _scaled(dots: Floats, lengths: Floats) -> Floats:
    """Products with a unit centre divided by the windows' lengths: correlations (0 for a
    window without spread)."""
    scaled = dots / np.maximum(lengths, _FLAT_SPREAD)
    scaled[np.broadcast_to(lengths <= _FLAT_SPREAD, scaled.shape)] = 0.0
    return np.asarray(scaled, dtype=np.float32)


@functools.cache
def _slope_axes(side: int) -> npt.NDArray[np.float64]:
    """The plane's x and y axes over a square window, unit and in float64: (side**2, 2)."""
    ys, xs = np.mgrid[0:side, 0:side].astype(np.float64)
    axes = [(c - c.mean()).ravel() for c in (xs, ys)]
    return np.stack([axis / np.linalg.norm(axis) for axis in axes], axis=1)


@functools.cache
def _plane_axes(height: int, width: int) -> tuple[Floats, ...]:
    # centred coordinates are orthogonal to the constant and to each other on a full grid
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    axes = [(c - c.mean()).ravel() for c in (xs, ys)]
    return tuple(axis / np.linalg.norm(axis) for axis in axes)
