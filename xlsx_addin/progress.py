"""The one progress callback every job takes: progress(done, total), files done out of files found."""
from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int, /) -> object: ...
