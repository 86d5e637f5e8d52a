"""Group commit: items submitted while a batch is being written are written together in the next.

One short-lived writer task drains the queue; each submitter awaits its own result. Under load
many answers share one transaction, which is what lets a single SQLite writer keep up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from opentelemetry import trace

from bot.observability.tracing import tracer

T = TypeVar("T")
R = TypeVar("R")

BatchWriter = Callable[[Sequence[T]], Awaitable[Sequence[R | Exception]]]


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        write: BatchWriter[T, R],
        max_batch: int = 200,
        linger: float = 0.0,
        span: str = "studybot.batch",
    ) -> None:
        self._write = write
        self._max_batch = max_batch
        self._linger = linger  # seconds a new writer waits for company before its first batch
        self._span = span  # each batch's trace span, linked to the spans of those who submitted
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._senders: list[trace.SpanContext] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        return await self.enqueue(item)

    def enqueue(self, item: T) -> asyncio.Future[R]:
        """Queue the item for the next batch; the future settles with its own result."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        sender = trace.get_current_span().get_span_context()
        if sender.is_valid:  # only while tracing is on
            self._senders.append(sender)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return future

    async def _drain(self) -> None:
        if self._linger:
            await asyncio.sleep(self._linger)
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            links = [trace.Link(s) for s in self._senders[: self._max_batch]]
            del self._senders[: self._max_batch]
            with tracer.start_as_current_span(self._span, links=links) as span:
                span.set_attribute("studybot.batch_size", len(batch))
                await self._run(batch)

    async def _run(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._write([item for item, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][1], exc)
                return
            for one in batch:  # find the culprit: write each item on its own
                await self._run([one])
            return
        except BaseException:  # cancelled: nobody may wait forever
            for _, future in batch:
                future.cancel()
            raise
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result)


def _settle(future: asyncio.Future[R], result: R | BaseException) -> None:
    if future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
