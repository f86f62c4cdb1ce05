"""A tqdm bar as the jobs' Progress(done, total): on stderr, hidden with --quiet or off a terminal."""
from __future__ import annotations

import contextlib
import sys
from typing import Iterator

from xlsx_addin.model.progress import Progress


@contextlib.contextmanager
def progress_bar(desc: str, quiet: bool = False, total: int = 0) -> Iterator[Progress]:
    from tqdm import tqdm  # imported when a bar is shown: the CLI starts fast

    quiet = quiet or not sys.stderr.isatty()
    with tqdm(total=total, desc=desc, unit="个", file=sys.stderr, disable=quiet, leave=False,
              dynamic_ncols=True) as bar:
        def update(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(max(0, done - bar.n))

        yield update
