"""Run database work in threads, each with its own connection, and read the results in order.

Scoring uses this to aggregate parts of its windows on several
PostgreSQL connections while the engine scores the parts already done.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future

import polars as pl
from django.db import connection


def in_threads(
    work: Callable[[pl.DataFrame], pl.DataFrame], inputs: list[pl.DataFrame], connections: int
) -> Iterator[pl.DataFrame]:
    """Start `connections` threads that call `work` on the inputs in order, and return an iterator over the results.

    Each thread uses its own database connection and closes it when no
    input is left. An error is raised where its result is read. When the
    reader stops early, the threads finish the inputs they hold and start
    no more.
    """
    results: list[Future] = [Future() for _ in inputs]
    waiting: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(inputs)):
        waiting.put(index)
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                try:
                    index = waiting.get_nowait()
                except queue.Empty:
                    return
                try:
                    results[index].set_result(work(inputs[index]))
                except BaseException as error:  # handed to the reader, which raises it
                    results[index].set_exception(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, name=f"hoshin-scoring-{number}") for number in range(connections)]
    for thread in threads:
        thread.start()
    return _read_in_order(results, threads, stop)


def _read_in_order(
    results: list[Future], threads: list[threading.Thread], stop: threading.Event
) -> Iterator[pl.DataFrame]:
    """Yield the results in order, then stop the threads and wait for them, also when the reader stops early."""
    try:
        for result in results:
            yield result.result()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
