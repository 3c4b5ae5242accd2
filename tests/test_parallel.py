"""The parallel helpers: work beside the caller in a forked process, results and errors back."""

import os
import time

import numpy as np
import pytest

from audioface.errors import AudioFaceError
from audioface.parallel import aside, parallel_map


def _square(x: int) -> int:
    return x * x


def test_work_aside_runs_in_another_process_at_the_same_time():
    parent = os.getpid()
    start = time.perf_counter()

    def work():
        time.sleep(0.5)
        return os.getpid(), np.arange(200_000)  # a result bigger than a pipe's buffer

    with aside(work) as pending:
        time.sleep(0.5)  # the caller's own half second, spent while the other one runs
        pid, values = pending.result()
    assert pid != parent
    assert np.array_equal(values, np.arange(200_000))
    assert time.perf_counter() - start < 0.9  # side by side, not one after the other
    assert pending.result() is not None  # asked again: the same value, no second wait


def test_an_error_aside_is_raised_in_the_caller_with_its_setting():
    def fails():
        raise AudioFaceError("fps must be positive", "fps")

    with aside(fails) as pending, pytest.raises(AudioFaceError, match="fps must be positive") as err:
        pending.result()
    assert err.value.setting == "fps"


def test_work_aside_may_use_a_pool_of_its_own():
    with aside(lambda: parallel_map(_square, range(6), jobs=2)) as pending:
        assert pending.result() == [0, 1, 4, 9, 16, 25]


def test_a_worker_that_dies_is_an_error_not_a_hang():
    with aside(lambda: os._exit(3)) as pending, pytest.raises(RuntimeError, match="exit code 3"):
        pending.result()


def test_leaving_early_stops_the_work():
    with aside(lambda: time.sleep(30)) as pending:
        proc = pending._proc
    assert not proc.is_alive()
