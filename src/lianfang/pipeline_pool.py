"""`analyze_many` in worker processes, so bulk intake uses every core.

The server process keeps HTTP and database commits; the pure pipeline (normalise, extract,
classify: CPU-bound Python that holds the GIL) runs here for chunks of a few hundred texts.
Results are the very `Analysis` records `pipeline.analyze_many` returns in-process.

Workers start on first use (forkserver where the OS has it, else spawn; never fork, which would
copy the server's threads and sockets), each loads the model once in its initializer, and each
exits by itself when the process that owns the pool dies, even by `kill -9`. Small batches stay
in-process: shipping a handful of texts to a worker costs more latency than it saves.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lianfang.pipeline import Analysis

__all__ = ["MIN_POOL_BATCH", "PipelinePool"]

log = logging.getLogger(__name__)
# Below this many texts a batch is analysed in the caller's process (pickling + IPC ≈ 1 ms).
MIN_POOL_BATCH = 64
# Touches every lazily built table (model, rules, tldextract suffixes, phone metadata, opencc),
# so the first real chunk a worker gets runs at full speed.
_WARM_UP = "加微信 abc12345 或 QQ 12345678，官网 http://www.example.com/a 电话 13812345678 刷单返利"


def _start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _exit_with_parent() -> None:
    """Worker initializer part: leave as soon as the owning process is gone (even after kill -9).

    A pool worker blocks reading its call queue, whose write end it holds itself, so it would
    never see EOF; the parent's sentinel is the reliable signal.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="lianfang-parent-watch", daemon=True).start()


def _init_worker() -> None:
    from lianfang.pipeline import analyze_many

    _exit_with_parent()
    analyze_many([_WARM_UP])


def _analyze_chunk(texts: list[str]) -> list[Analysis]:
    from lianfang.pipeline import analyze_many

    return analyze_many(texts)


@dataclass(slots=True)
class PipelinePool:
    """A lazily started process pool for `analyze_many`; `workers == 0` means always in-process.

    Thread-safe. Call `close()` when the owner shuts down (the API's lifespan does).
    """

    workers: int
    min_batch: int = MIN_POOL_BATCH
    _executor: ProcessPoolExecutor | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _closed: bool = field(default=False, init=False, repr=False)

    def submit(self, texts: Sequence[str]) -> Future[list[Analysis]] | None:
        """Start `analyze_many(texts)` in a worker and return its future, in the order of `texts`.

        Returns None when the batch should run in-process instead: no workers configured, the
        pool is closed, or fewer than `min_batch` texts. The future raises what the worker
        raised, or `BrokenProcessPool` if a worker died; callers fall back to in-process then.
        """
        if self.workers <= 0 or len(texts) < self.min_batch:
            return None
        with self._lock:
            if self._closed:
                return None
            if self._executor is None:
                context = multiprocessing.get_context(_start_method())
                if context.get_start_method() == "forkserver":
                    context.set_forkserver_preload(["lianfang.pipeline"])
                self._executor = ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=_init_worker
                )
            return self._executor.submit(_analyze_chunk, list(texts))

    @property
    def started(self) -> bool:
        """Whether worker processes were started (they start on the first pooled batch)."""
        return self._executor is not None

    def close(self) -> None:
        """Stop the workers (pending batches are cancelled) and wait for them; idempotent."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
            log.debug("pipeline pool closed")
