"""OpenTelemetry traces: HTTP requests, the core's answer batches and drop work, SQL statements
and outbound aiohttp calls.

Tracing is on only when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set: spans then
go to that collector over OTLP/HTTP, configured by the standard OTEL_ variables. Without it no
provider is installed and nothing is instrumented: the core's spans are the API's no-op spans.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from opentelemetry import trace

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider

    from bot.storage.database import Database

ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
QUIET_ROUTES = "livez,readyz,healthz,metrics"  # probes and scrapes would flood the traces
tracer = trace.get_tracer("studybot")  # the core's own spans (no-op until a provider is set)


def enabled(env: Mapping[str, str]) -> bool:
    return any((env.get(name) or "").strip() for name in ENDPOINTS)


def provider(processor: SpanProcessor, service: str = "studybot") -> TracerProvider:
    """The process's tracer provider, sending spans to `processor` (set once per process)."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    made = TracerProvider(resource=Resource.create({"service.name": service}))
    made.add_span_processor(processor)
    trace.set_tracer_provider(made)
    return made


def otlp_provider() -> TracerProvider:
    """Batches spans to the OTLP endpoint that the OTEL_ variables name."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    return provider(BatchSpanProcessor(OTLPSpanExporter()))


def instrument(app: Any, db: Database, tracing: TracerProvider) -> None:
    """Trace this app's requests, this database's statements and every aiohttp client call."""
    from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import get_meter

    FastAPIInstrumentor.instrument_app(app, tracer_provider=tracing, excluded_urls=QUIET_ROUTES)
    # the engine's own tracer, not SQLAlchemyInstrumentor: that one also rewraps create_engine
    # for the whole process and instruments only once, whatever engine it is given next
    usage = get_meter("studybot").create_up_down_counter("db.client.connections.usage")
    sql = tracing.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    EngineTracer(sql, db.engine.sync_engine, usage)  # type: ignore[no-untyped-call]
    aiohttp_client = AioHttpClientInstrumentor()
    if not aiohttp_client.is_instrumented_by_opentelemetry:
        aiohttp_client.instrument(tracer_provider=tracing)


def current_trace_id() -> str | None:
    """The running span's trace id in hex, for log lines (None outside a recorded span)."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
