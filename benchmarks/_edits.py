"""The edits of the accuracy benchmark: what happens to a photo between backup and library."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

Image = np.ndarray


def _scale(image: Image, fx: float, fy: float | None = None) -> Image:
    fy = fx if fy is None else fy
    size = (max(1, round(image.shape[1] * fx)), max(1, round(image.shape[0] * fy)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if fx < 1 else cv2.INTER_CUBIC)


def _jpeg(image: Image, quality: int) -> Image:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def _lut(image: Image, table: np.ndarray) -> Image:
    return cv2.LUT(image, np.clip(table, 0, 255).astype(np.uint8))


def _crop(image: Image, fraction: float) -> Image:
    h, w = image.shape[:2]
    dy, dx = round(h * fraction), round(w * fraction)
    return image[dy : h - dy, dx : w - dx]


def _thumbnail(image: Image, longest: int = 320) -> Image:
    """A thumbnail, as photo tools make them: shrunk to ``longest`` px, never enlarged."""
    return _scale(image, min(1.0, longest / max(image.shape[:2])))


def _watermark(image: Image) -> Image:
    """White studio text in the bottom-right corner, about 35 % of the width."""
    out = image.copy()
    h, w = out.shape[:2]
    text, font = "(c) Photo Studio", cv2.FONT_HERSHEY_SIMPLEX
    width = cv2.getTextSize(text, font, 1.0, 2)[0][0]
    scale = 0.35 * w / width
    thickness = max(1, round(2 * scale))
    origin = (w - round(width * scale) - w // 40, h - h // 40)
    cv2.putText(out, text, origin, font, scale, (255, 255, 255), thickness, cv2.LINE_AA)
    return out


def _noise(image: Image, sigma: float = 6) -> Image:
    rng = np.random.default_rng(6)
    return np.clip(image + rng.normal(0, sigma, image.shape), 0, 255).astype(np.uint8)


def _gray(image: Image) -> Image:
    return cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)


_ramp = np.arange(256, dtype=np.float64)

#: Edits a copy in the library may have gone through; it is the same photo.
BENIGN: dict[str, Callable[[Image], Image]] = {
    "resize 50%": lambda im: _scale(im, 0.5),
    "resize 25%": lambda im: _scale(im, 0.25),
    "thumbnail 320px": _thumbnail,
    "upscale 150%": lambda im: _scale(im, 1.5),
    "aspect 60%x66%": lambda im: _scale(im, 0.60, 0.66),
    "jpeg q40": lambda im: _jpeg(im, 40),
    "png re-encode": lambda im: im.copy(),
    "brightness +25": lambda im: _lut(im, _ramp + 25),
    "contrast x1.2": lambda im: _lut(im, (_ramp - 128) * 1.2 + 128),
    "gamma 0.8": lambda im: _lut(im, 255 * (_ramp / 255) ** 0.8),
    "grayscale": _gray,
    "noise sigma 6": _noise,
    "blur": lambda im: cv2.GaussianBlur(im, (0, 0), 1.5),
    "crop 3% border": lambda im: _crop(im, 0.03),
    "watermark": _watermark,
}

#: Edits that need --rotations.
ROTATIONS: dict[str, Callable[[Image], Image]] = {
    "rot90": lambda im: cv2.rotate(im, cv2.ROTATE_90_CLOCKWISE),
    "rot180": lambda im: cv2.rotate(im, cv2.ROTATE_180),
    "mirror": lambda im: cv2.flip(im, 1),
}

#: The stretch goal.
HARD: dict[str, Callable[[Image], Image]] = {
    "crop 10%": lambda im: _crop(im, 0.05),  # 5% off each side: 10% of width and height
}

#: Harsher than the issue asks, shown apart from benign recall: what messengers, phone
#: "enhance" buttons and old converters do. A copy of a photo all the same.
HARSHER: dict[str, Callable[[Image], Image]] = {
    "jpeg q20": lambda im: im.copy(),  # written at quality 20 (QUALITY)
    "jpeg q10": lambda im: im.copy(),
    "webp q30, then jpeg": lambda im: _webp(im, 30),
    "sharpened": lambda im: cv2.addWeighted(im, 1.8, cv2.GaussianBlur(im, (0, 0), 2), -0.8, 0),
    "contrast x1.5": lambda im: _lut(im, (_ramp - 128) * 1.5 + 128),
    "median 5 px": lambda im: cv2.medianBlur(im, 5),
    "noise sigma 12": lambda im: _noise(im, 12),
    "crop 5% and halve": lambda im: _scale(_crop(im, 0.05), 0.5),
    "quarter size at q50": lambda im: _scale(im, 0.25),  # written at quality 50
}
#: The JPEG quality each edit's copy is written at (90 for the others).
QUALITY = {"jpeg q40": 40, "jpeg q20": 20, "jpeg q10": 10, "quarter size at q50": 50}


def _webp(image: Image, quality: int) -> Image:
    ok, data = cv2.imencode(".webp", image, [cv2.IMWRITE_WEBP_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def quadrants(image: Image) -> list[Image]:
    """The four quarters of a photo: extra, distinct photos."""
    h, w = image.shape[:2]
    return [image[y : y + h // 2, x : x + w // 2] for y in (0, h // 2) for x in (0, w // 2)]


def scene_pair(image: Image) -> tuple[Image, Image]:
    """Two shots of one scene: 60%-wide windows, the second shifted by 40% of its width."""
    w = image.shape[1]
    width = round(w * 0.6)
    shift = round(width * 0.4)
    return image[:, :width], image[:, shift : shift + width]
