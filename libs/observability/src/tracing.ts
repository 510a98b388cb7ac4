import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry tracing, off by default. When on, one submission is one trace: the gateway's HTTP
 * span, then a `process <topic>` span in every service that consumes an event caused by it. The
 * context travels in Kafka headers (W3C `traceparent`, `tracestate`), written into the outbox rows
 * with the event. When off, the OpenTelemetry API is a no-op: no spans, no headers, no cost.
 * Span attributes are route templates, topics, partitions and offsets: never record contents.
 */
export interface TracingOptions {
  service: string;
  instanceId: string;
  /** OTLP/HTTP endpoint (e.g. http://otel-collector:4318); spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  /** Share of new traces kept (a trace started elsewhere keeps its parent's decision). */
  sampleRatio: number;
}

let provider: NodeTracerProvider | undefined;
const tracer = () => trace.getTracer('satupintu');

export function startTracing(options: TracingOptions): void {
  if (provider) return;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service, 'service.instance.id': options.instanceId, 'service.namespace': 'satupintu' }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/$/, '')}/v1/traces` }), { scheduledDelayMillis: 1_000 })],
  });
  // Registers the W3C trace-context propagator and the AsyncLocalStorage context manager.
  provider.register();
}

/** Exports the spans still buffered; called last at shutdown. */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown().catch(() => undefined);
  provider = undefined;
}

export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** Starts a server span for an HTTP request, continuing a `traceparent` sent by the client. */
export function startHttpSpan(method: string, headers: Record<string, unknown>): { span: Span; context: Context } {
  const parent = propagation.extract(context.active(), headers);
  const span = tracer().startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

export function endHttpSpan(span: Span, method: string, route: string, status: number): void {
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

export function withContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/**
 * Contexts of the messages being processed, by correlation id: a handler processes a whole batch,
 * so the events it writes find their cause's span through the correlation id they carry on.
 */
const processing = new Map<string, Context>();

/** Starts a consumer span per message, each a child of the context in its headers. */
export function startProcessSpans(
  messages: ReadonlyArray<{ topic: string; partition: number; offset: string; headers: Record<string, string>; correlationId?: string }>,
  group: string,
): Span[] {
  if (!provider) return [];
  return messages.map((m) => {
    const parent = propagation.extract(ROOT_CONTEXT, m.headers);
    const span = tracer().startSpan(
      `process ${m.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': m.topic,
          'messaging.consumer.group.name': group,
          'messaging.destination.partition.id': String(m.partition),
          'messaging.kafka.offset': Number(m.offset),
        },
      },
      parent,
    );
    if (m.correlationId) processing.set(m.correlationId, trace.setSpan(parent, span));
    return span;
  });
}

export function endProcessSpans(spans: Span[], failed = false): void {
  for (const span of spans) {
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
  if (spans.length > 0) processing.clear();
}

/** The trace headers for an event written now: its cause's span (by correlation id) or the active one. */
export function traceHeaders(correlationId?: string): Record<string, string> {
  if (!provider) return {};
  const carrier: Record<string, string> = {};
  propagation.inject((correlationId && processing.get(correlationId)) || context.active(), carrier);
  return carrier;
}
