"""The output folder's safety: one atomic swap, recovery after a crash, and one run at a time.

A run writes its output into a temporary sibling folder (`.NAME.tmp-*`) and swaps it into place
at the end. On Linux the swap is one step, `renameat2(RENAME_EXCHANGE)`: the new folder and the
old output trade places, so `--out` is never missing, whenever the process dies. Elsewhere (or on
a file system without it) it is two renames (`NAME` to `.NAME.old-*`, the new folder to `NAME`);
a crash between them leaves no `NAME`, and the next run puts `.NAME.old-*` back
(`recover_output`). A lock file beside the output (`.NAME.lock`, `RunLock`) keeps a second run
from writing the same folder, or the same dedupe index, at the same time.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import glob
import os
import platform
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from winnow_corpus.errors import LockedError

RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100
# renameat2's system call number where libc has no wrapper (glibc < 2.28)
_RENAMEAT2_SYSCALL = {"x86_64": 316, "aarch64": 276}

# Only for tests: kill this process at a named step of the swap, to show what a crash there
# leaves ("between-renames", "after-exchange"), or force the two-rename fallback ("fallback").
FAULT_ENV = "_WINNOW_TEST_SWAP_FAULT"


def _fault(step: str) -> bool:
    return step in os.environ.get(FAULT_ENV, "").split(",")


def _die_at(step: str) -> None:
    if _fault(step):
        os.kill(os.getpid(), signal.SIGKILL)


def _renameat2() -> Callable[[bytes, bytes, int], int] | None:
    """libc's renameat2, or the raw system call, as `f(old, new, flags) -> 0 or -1`."""
    if sys.platform != "linux":
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    wrapper = getattr(libc, "renameat2", None)
    if wrapper is not None:
        wrapper.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
        wrapper.argtypes.append(ctypes.c_uint)
        wrapper.restype = ctypes.c_int
        return lambda old, new, flags: int(wrapper(_AT_FDCWD, old, _AT_FDCWD, new, flags))
    number = _RENAMEAT2_SYSCALL.get(platform.machine())
    if number is None:
        return None
    syscall = libc.syscall
    syscall.restype = ctypes.c_long

    def call(old: bytes, new: bytes, flags: int) -> int:
        return int(
            syscall(
                ctypes.c_long(number),
                ctypes.c_int(_AT_FDCWD),
                ctypes.c_char_p(old),
                ctypes.c_int(_AT_FDCWD),
                ctypes.c_char_p(new),
                ctypes.c_uint(flags),
            )
        )

    return call


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the system cannot (then nothing
    has changed). Raises `OSError` for any other failure."""
    if _fault("fallback"):
        return False
    call = _renameat2()
    if call is None:
        return False
    if call(os.fsencode(a), os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # an old kernel, or a file system without the flag
    raise OSError(err, os.strerror(err), str(b))


def leftovers(out: Path) -> tuple[list[Path], list[Path]]:
    """The `.NAME.old-*` and `.NAME.tmp-*` siblings of `out` an earlier run left."""
    prefix = os.path.join(glob.escape(str(out.parent)), glob.escape(f".{out.name}"))
    olds = sorted(Path(p) for p in glob.glob(f"{prefix}.old-*"))
    tmps = sorted(Path(p) for p in glob.glob(f"{prefix}.tmp-*"))
    return olds, tmps


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def recover_output(out: Path) -> str | None:
    """Repair what a run killed during its swap (or while writing) left beside `out`, and say
    what was done in one line (None when there was nothing).

    With `out` missing and a `.NAME.old-*` there, the newest old output goes back in place (a
    crash between the fallback's two renames); every other `.old-*` and every `.tmp-*` (a
    half-written or never-swapped output) is removed. Call it holding the output's lock: an
    other run's temporary folder would look like a leftover.
    """
    olds, tmps = leftovers(out)
    if not olds and not tmps:
        return None
    said: list[str] = []
    if not out.exists() and not out.is_symlink() and olds:
        newest = max(olds, key=lambda p: p.stat().st_mtime)
        os.replace(newest, out)
        olds.remove(newest)
        said.append(f"put the previous output back from {newest.name}")
    gone = olds + tmps
    for path in gone:
        _remove(path)
    if gone:
        names = ", ".join(p.name for p in gone[:3]) + (", ..." if len(gone) > 3 else "")
        said.append(f"removed {len(gone)} leftover folder(s) ({names})")
    return f"An earlier run on {out} was stopped: " + "; ".join(said) + "."


def swap_into_place(new: Path, out: Path) -> None:
    """Put the finished folder `new` at `out`, replacing what is there; `out` is never missing
    (renameat2 exchange), or missing only between two renames that `recover_output` repairs."""
    if not out.exists() and not out.is_symlink():
        os.replace(new, out)  # one rename: nothing to lose
        return
    if exchange(new, out):
        _die_at("after-exchange")
        _remove(new)  # `new` now names the previous output
        return
    old = new.with_name(new.name.replace(".tmp-", ".old-", 1))
    os.replace(out, old)
    _die_at("between-renames")
    try:
        os.replace(new, out)
    except OSError:
        os.replace(old, out)  # the previous output goes back where it was
        raise
    _remove(old)


class RunLock:
    """An exclusive lock on `.NAME.lock` beside `path` (an output folder or an index file),
    held for a run's life: a second run on the same output fails at once (`LockedError`, naming
    the pid that holds it) or, with `wait`, waits for it. `fcntl.flock` is released by the
    kernel when the process dies however it dies, so a killed run never leaves it held (only
    the file, which the next run takes over). The holder removes the file when it is done; a
    run that locked a file removed meanwhile sees that it is no longer the one at the path and
    takes the lock again."""

    def __init__(self, path: Path, what: str, wait: bool = False) -> None:
        self.path = path.with_name(f".{path.name}.lock")
        self.target = path
        self.what = what
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        try:
            import fcntl
        except ImportError:  # not a Unix system: no lock, as before
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        said = False
        while self._fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = self._holder(fd)
                    if not self.wait:
                        raise LockedError(
                            f"another winnow run{holder} is using the {self.what} "
                            f"{self.target}; wait for it to finish, or pass --wait to wait for it"
                        ) from None
                    if not said:
                        print(
                            f"Waiting for another winnow run{holder} using the {self.what} "
                            f"{self.target} ...",
                            file=sys.stderr,
                            flush=True,
                        )
                        said = True
                    fcntl.flock(fd, fcntl.LOCK_EX)
                if not self._still_at_path(fd):
                    os.close(fd)  # its holder removed it: lock the file now at the path
                    continue
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
        return self

    def _still_at_path(self, fd: int) -> bool:
        try:
            here = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            pid = int(os.pread(fd, 32, 0).decode().strip())
        except (OSError, ValueError):
            return ""
        return f" (pid {pid})"

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()  # while still held: a waiting run then locks a new file
            os.close(self._fd)  # closing the last descriptor releases the lock
            self._fd = None
