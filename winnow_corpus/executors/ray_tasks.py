"""The Ray executor: a batch task as Ray tasks on a cluster (`winnow clean --engine ray`).

Only the per-batch task crosses to the cluster: each batch goes out once with its arguments and
comes back once as its answer (the cleaned articles packed, their dedupe features and line
keys), in input order, with a few batches per cluster CPU in flight. Reading, the store and
the collection-wide steps stay in the main process (the driver), exactly as with the local
executor, so both engines run the same code and give the same output.

Ray is optional (`pip install 'winnow-corpus[ray]'`) and imported only when this executor
opens. Ray must reach the same version of Winnow on every node.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from winnow_corpus.errors import WinnowError, WorkerLost
from winnow_corpus.executors import IN_FLIGHT_PER_WORKER

R = TypeVar("R")

INSTALL_HINT = "pip install 'winnow-corpus[ray]'"
# a Ray worker is one CPU of the cluster: polars in it runs one thread (read at its import)
WORKER_ENV = {"POLARS_MAX_THREADS": "1"}


class RayUnavailableError(WinnowError):
    """`--engine ray` was asked for but Ray is not installed (or cannot reach its cluster)."""


def import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailableError(
            f"--engine ray needs Ray, which is not installed ({exc}); "
            f"install it with: {INSTALL_HINT}"
        ) from exc
    return ray


@contextmanager
def ray_tasks(address: str | None) -> Iterator[RayTasks]:
    """A `RayTasks` executor on the Ray at `address`, started (and stopped) here if needed.

    `address` is passed to `ray.init`: None starts (or reuses) a local Ray, "auto" joins the
    cluster of this node, "ray://host:10001" connects through Ray Client. A Ray session that is
    already initialised is reused and left running; one started here is shut down at the end.
    """
    ray = import_ray()
    started_here = False
    if not ray.is_initialized():
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise RayUnavailableError(
                f"cannot start or reach Ray at {address or 'a new local instance'} ({exc}); "
                "check --address (ray://host:10001 for Ray Client, auto on a cluster node)"
            ) from exc
        started_here = True
    try:
        yield RayTasks(ray)
    finally:
        if started_here:
            ray.shutdown()


class RayTasks:
    """Each call one Ray task of one CPU; answers taken in the order the calls came."""

    def __init__(self, ray: Any) -> None:
        self._ray = ray

    def ordered(self, task: Callable[..., R], calls: Iterable[tuple[Any, ...]]) -> Iterator[R]:
        ray = self._ray
        remote = ray.remote(num_cpus=1)(task).options(runtime_env={"env_vars": WORKER_ENV})
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        pending: deque[Any] = deque()
        try:
            for call in calls:
                pending.append(remote.remote(*call))
                if len(pending) >= IN_FLIGHT_PER_WORKER * cpus:
                    yield self._answer(pending.popleft())
            while pending:
                yield self._answer(pending.popleft())
        finally:
            for ref in pending:  # stopped early (an error, an interrupt): stop what is left
                ray.cancel(ref, force=True)

    def _answer(self, ref: Any) -> Any:
        exceptions = self._ray.exceptions
        try:
            return self._ray.get(ref)
        except exceptions.RayTaskError as exc:  # the task raised: raise what it raised
            cause = getattr(exc, "cause", None)
            if isinstance(cause, Exception):
                raise cause from None
            raise
        except (exceptions.WorkerCrashedError, exceptions.NodeDiedError) as exc:
            raise WorkerLost(None) from exc


__all__ = ["INSTALL_HINT", "RayTasks", "RayUnavailableError", "import_ray", "ray_tasks"]
