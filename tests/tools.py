"""Outside tools some tests need (Chromium, clamd, Tesseract, LibreOffice…).

On a developer's machine without one, its tests are skipped with a message saying what to
install. Under CI (`CI` set, as `.ci/run` does) the tool must be there: a missing one fails
the test loudly instead of skipping it silently.
"""

from __future__ import annotations

import os

import pytest


def require_tool(available: bool, reason: str, *, module: bool = False) -> None:
    """Skip (or, under CI, fail) the calling test — or, with `module`, the whole test
    module being collected — unless `available`."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI needs this tool: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=module)
