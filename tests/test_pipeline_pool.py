"""PipelinePool: the same analyses as in-process, small batches stay local, no worker outlives its owner."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lianfang.pipeline import analyze_many
from lianfang.pipeline_pool import PipelinePool

TEXTS = [
    f"第{i}单 刷单返利 加薇信 abc{i:05d} 电话 138{i:08d} 网址 http://shop{i}.top/x" for i in range(40)
] + ["今天天气很好", "对方银行卡 6222021234567890128"]


@pytest.fixture(scope="module")
def pool() -> Iterator[PipelinePool]:
    """One worker shared by this module's tests (starting one costs about a second)."""
    p = PipelinePool(workers=1, min_batch=4)
    yield p
    p.close()


def test_pool_returns_what_analyze_many_returns(pool: PipelinePool) -> None:
    future = pool.submit(TEXTS)
    assert future is not None
    assert future.result(timeout=120) == analyze_many(TEXTS)
    assert pool.started


def test_small_batches_and_no_workers_stay_in_process(pool: PipelinePool) -> None:
    assert pool.submit(TEXTS[:3]) is None
    assert PipelinePool(workers=0).submit(TEXTS) is None


def test_close_stops_workers_and_later_batches_run_in_process() -> None:
    before = {c.pid for c in multiprocessing.active_children() if c.pid}  # the module pool's worker
    p = PipelinePool(workers=1, min_batch=1)
    future = p.submit(["加微信 abc12345"])
    assert future is not None and future.result(timeout=120)
    mine = {c.pid for c in multiprocessing.active_children() if c.pid} - before
    assert mine
    p.close()
    p.close()  # idempotent
    assert not p.started
    assert p.submit(["加微信 abc12345"]) is None
    assert not mine & {c.pid for c in multiprocessing.active_children()}
    assert not [pid for pid in mine if _alive(pid)]


OWNER = """
import os, sys
from lianfang.pipeline_pool import PipelinePool
pool = PipelinePool(workers=1, min_batch=1)
pool.submit(["加微信 abc12345"]).result(timeout=120)
import multiprocessing
print(" ".join(str(c.pid) for c in multiprocessing.active_children()), flush=True)
sys.stdin.read()  # wait to be killed
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has exited, its parent just has not reaped it yet.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


def test_workers_exit_when_the_owner_is_killed_with_sigkill() -> None:
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert owner.stdout is not None
    pids = [int(p) for p in owner.stdout.readline().split()]
    assert pids, "the owner reported no worker processes"
    assert all(_alive(p) for p in pids)
    owner.send_signal(signal.SIGKILL)
    owner.wait(30)
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in pids if _alive(p)], "pipeline workers outlived their killed owner"
