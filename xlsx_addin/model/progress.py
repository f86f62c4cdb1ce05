"""The one progress callback every job takes: progress(done, total), files done out of files found; and a
job of several stages' progress: stage(description, total) gives the Progress of that stage."""
from __future__ import annotations

import contextlib
from typing import Callable, ContextManager, Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int, /) -> object: ...


# stage(description, total) → a context giving that stage's Progress (the CLI shows a bar per stage)
Stage = Callable[[str, int], ContextManager["Progress | None"]]


def no_stage(description: str, total: int) -> ContextManager[Progress | None]:
    return contextlib.nullcontext(None)
