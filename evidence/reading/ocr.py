"""OCR of scanned pages and photos with Tesseract (its Vietnamese data), after deskewing.

Tesseract runs as a subprocess (Debian's `tesseract-ocr` with `tesseract-ocr-vie`); nothing
is downloaded at run time. A page is flattened (uneven lighting of a phone photo), deskewed
by a projection profile (the small turn of a scanner's feed), then read with TSV output so
that every word keeps its box; a page that reads badly is asked for its orientation (OSD,
the 90° turns) and read again.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, replace

import numpy as np
from django.conf import settings
from PIL import Image, ImageFilter, ImageOps

from .lines import Line, merge_segments

LANGUAGE = "vie"
WORD_GAP = 0.8  # line heights: words further apart are in different columns
MAX_SIDE = 3600  # pixels: larger pages are scaled down first (time, memory)
MIN_SIDE = 1500  # pixels: smaller ones (a photo, a 100-dpi scan) are scaled up
TIMEOUT = 120  # seconds for one Tesseract run
POOR_WORDS = 12  # fewer words than this, or a lower mean confidence: try the orientation
POOR_CONFIDENCE = 70  # upright pages read at 85–97 here; a sideways page at 40–60
MIN_WORD_CONFIDENCE = 20


class OcrUnavailable(RuntimeError):
    """Tesseract or its Vietnamese data is missing."""


def tesseract_path() -> str | None:
    configured = getattr(settings, "TESSERACT_CMD", "") if settings.configured else ""
    return configured or os.environ.get("TESSERACT_CMD") or shutil.which("tesseract")


def _niceness() -> int:
    return int(getattr(settings, "EVIDENCE_OCR_NICE", 10)) if settings.configured else 10


def tesseract_problem() -> str | None:
    """Why OCR cannot run here (None: it can)."""
    path = tesseract_path()
    if not path:
        return "tesseract not found (apt-get install tesseract-ocr tesseract-ocr-vie)"
    try:
        listed = subprocess.run(
            [path, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract does not run: {exc}"
    languages = set(listed.stdout.split())
    missing = {LANGUAGE, "osd"} - languages
    if missing:
        return f"tesseract has no {', '.join(sorted(missing))} data (apt-get install tesseract-ocr-vie)"
    return None


@dataclass
class OcrPage:
    lines: list[Line]
    words: int
    confidence: float  # mean word confidence, 0–100
    skew: float  # degrees corrected
    rotation: int  # quarter turns corrected (0, 90, 180, 270)


def prepare(image: Image.Image) -> Image.Image:
    """Greyscale, sized for Tesseract, lighting flattened when it is uneven."""
    image = ImageOps.exif_transpose(image).convert("L")
    longest = max(image.size)
    if longest > MAX_SIDE or longest < MIN_SIDE:
        factor = (MAX_SIDE if longest > MAX_SIDE else MIN_SIDE) / longest
        image = image.resize(
            (round(image.width * factor), round(image.height * factor)), Image.LANCZOS
        )
    small = image.resize((max(image.width // 8, 1), max(image.height // 8, 1)), Image.BILINEAR)
    background = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(4))
    level = np.asarray(background, dtype=np.float32)
    if level.size and float(level.max() - np.percentile(level, 5)) > 40:
        # A photo: divide by the paper's own brightness so that Otsu finds the ink.
        full = np.asarray(background.resize(image.size, Image.BILINEAR), dtype=np.float32)
        pixels = np.asarray(image, dtype=np.float32)
        flat = np.clip(pixels / np.maximum(full, 1) * 255, 0, 255).astype(np.uint8)
        image = Image.fromarray(flat)
    return image


def skew_angle(image: Image.Image, *, limit: float = 5.0) -> float:
    """The small rotation (degrees) that makes text lines horizontal: the angle whose row
    profile of ink is sharpest (coarse 0.5° steps, then 0.1° around the best)."""
    scale = 900 / max(image.width, 1)
    small = image.resize((max(int(image.width * scale), 1), max(int(image.height * scale), 1)))
    pixels = np.asarray(small, dtype=np.uint8)
    threshold = min(int(pixels.mean()) - 30, 160)
    ink = Image.fromarray(((pixels < threshold) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.NEAREST), dtype=np.float32).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-limit, limit + 0.01, 0.5), key=sharpness)
    fine = np.arange(best - 0.4, best + 0.41, 0.1)
    return round(float(max(fine, key=sharpness)), 2)


def _tesseract(image: Image.Image, *args: str) -> str:
    path = tesseract_path()
    if not path:
        raise OcrUnavailable(tesseract_problem() or "tesseract not found")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    nice = shutil.which("nice")
    niceness = _niceness()
    prefix = [nice, "-n", str(niceness)] if nice and niceness else []
    try:
        done = subprocess.run(
            [*prefix, path, "stdin", "stdout", *args],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise OcrUnavailable(f"tesseract failed: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        if "Failed loading language" in message or "Error opening data file" in message:
            raise OcrUnavailable(message)
        if "Too few characters" in message or "Invalid resolution" in message:
            return ""
        raise OcrUnavailable(f"tesseract exited with {done.returncode}: {message[:300]}")
    return done.stdout.decode("utf-8", "replace")


_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_ORIENTATION_CONFIDENCE = re.compile(r"Orientation confidence:\s*([\d.]+)")


def orientation(image: Image.Image) -> int:
    """Tesseract's OSD: degrees to turn the page clockwise (0 when unsure)."""
    output = _tesseract(image, "--psm", "0", "-l", "osd")
    turn, sure = _ROTATE.search(output), _ORIENTATION_CONFIDENCE.search(output)
    if not turn or not sure or float(sure.group(1)) < 1.5:
        return 0
    return int(turn.group(1)) % 360


def _words(tsv: str) -> list[tuple[str, int, int, int, int, float, tuple]]:
    words = []
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if len(row) < 12 or row[0] != "5":
            continue
        text = row[11].strip()
        try:
            confidence = float(row[10])
        except ValueError:
            continue
        if confidence < MIN_WORD_CONFIDENCE or not any(ch.isalnum() for ch in text):
            continue  # specks of dust, the scanner's edge, a rule read as dashes
        left, top, width, height = (int(v) for v in row[6:10])
        words.append((text, left, top, width, height, confidence, (row[2], row[3], row[4])))
    return words


def _read(image: Image.Image) -> tuple[list[Line], int, float]:
    tsv = _tesseract(image, "-l", LANGUAGE, "--psm", "3", "--dpi", "300", "tsv")
    words = _words(tsv)
    if not words:
        return [], 0, 0.0
    width, height = image.size
    by_line: dict[tuple, list] = {}
    for word in words:
        by_line.setdefault(word[6], []).append(word)
    lines: list[Line] = []
    for members in by_line.values():
        boxes = [
            (w[0], w[1] / width, (w[1] + w[3]) / width, w[2] / height, (w[2] + w[4]) / height)
            for w in members
        ]
        lines.extend(
            merge_segments(boxes, page=0, gap=WORD_GAP, aspect=height / width, one_row=True)
        )
    lines.sort(key=lambda line: (line.top, line.x0))
    confidence = sum(w[5] for w in words) / len(words)
    return lines, len(words), confidence


def _deskewed(image: Image.Image) -> tuple[Image.Image, float]:
    angle = skew_angle(image)
    if abs(angle) >= 0.2:
        image = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    return image, angle


def ocr_page(image: Image.Image, *, page: int = 0) -> OcrPage:
    """Read one page image: prepared, deskewed, OCR'd (turned by OSD when it reads badly)."""
    image, angle = _deskewed(prepare(image))
    lines, count, confidence = _read(image)
    rotation = 0
    if count < POOR_WORDS or confidence < POOR_CONFIDENCE:
        turn = orientation(image)
        if turn:
            turned, turned_angle = _deskewed(image.rotate(-turn, expand=True, fillcolor=255))
            again = _read(turned)
            if again[2] > confidence + 5 and again[1] >= POOR_WORDS:
                lines, count, confidence = again
                rotation, angle = turn, turned_angle
    if page:
        lines = [replace(line, page=page) for line in lines]
    return OcrPage(lines=lines, words=count, confidence=confidence, skew=angle, rotation=rotation)
