"""Work spread over a Ray cluster: one long-lived actor per CPU slot, each set up once (the batch
loads its models there) and then handed items from one list. The batch passes the same work
function its local processes run, so the outputs are the local run's, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from audioface.errors import AudioFaceError


def run_on_ray(
    work: list[Any],
    address: str,
    setup: Callable[[], None],
    fn: Callable[[Any], Any],
    progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """``[fn(x) for x in work]`` on Ray actors at ``address`` ("auto", an address, or "local"),
    in order; each actor runs ``setup()`` once first."""
    try:
        import ray
        from ray.util import ActorPool
    except ImportError:
        raise AudioFaceError("batches on Ray need the ray extra: pip install 'audioface[ray]'") from None
    if not work:
        return []
    if not ray.is_initialized():
        try:
            if address == "local":
                ray.init(include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=address, include_dashboard=False, log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise AudioFaceError(f"cannot join the Ray cluster at {address!r}: {why}") from None

    @ray.remote(num_cpus=1)
    class Worker:
        def __init__(self):
            setup()

        def run(self, item):
            return fn(item)

    slots = max(1, min(int(ray.cluster_resources().get("CPU", 1)), len(work)))
    pool = ActorPool([Worker.remote() for _ in range(slots)])
    results = []
    for result in pool.map(lambda actor, item: actor.run.remote(item), work):
        results.append(result)
        if progress:
            progress(len(results), len(work))
    return results
