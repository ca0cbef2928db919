"""Writing files that hold members' data: private to the owner, replaced atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def private_temp_path(target: Path) -> Path:
    """A new empty file beside `target`, readable by its owner only."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)  # mkstemp creates it with mode 0600
    return Path(name)


def write_private(target: Path, data: bytes) -> None:
    """Write `data` to `target` (mode 0600), all or nothing: a reader never sees half."""
    temp = private_temp_path(target)
    try:
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
