"""One in-memory span exporter per test process, for the tracing tests (the tracer provider can
be set only once per process)."""

from __future__ import annotations

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from bot.observability import tracing

_exporter: InMemorySpanExporter | None = None
_provider: TracerProvider | None = None


def recording() -> tuple[TracerProvider, InMemorySpanExporter]:
    """The process's provider and its exporter, emptied."""
    global _exporter, _provider
    if _provider is None or _exporter is None:
        _exporter = InMemorySpanExporter()
        _provider = tracing.provider(SimpleSpanProcessor(_exporter))
    _exporter.clear()
    return _provider, _exporter


def in_trace(spans: tuple[ReadableSpan, ...], root: ReadableSpan) -> list[ReadableSpan]:
    assert root.context is not None
    return [
        s for s in spans if s.context is not None and s.context.trace_id == root.context.trace_id
    ]
