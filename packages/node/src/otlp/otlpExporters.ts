/* eslint-disable @typescript-eslint/no-require-imports -- each protocol's exporter is loaded only when chosen */
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpProtocol } from '../preload/otelEnvironment';
import { connectionReportingAgents } from './connectionReportingAgents';

// The exporters read OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, _TIMEOUT, _COMPRESSION and their
// per-signal forms themselves. They retry what is retryable (connection refused or reset, 429,
// 502–504) with exponential backoff within the export timeout, and refuse new exports beyond a
// bounded number in flight, so an unreachable collector costs bounded memory. This module is
// required only when an `otlp` exporter is configured: the http/protobuf exporters alone bring
// ~420 modules (their own copies of the SDK packages).

// The OTLP exporters' default export timeout, retries included.
const DEFAULT_TIMEOUT_MS = 10_000;

/** Told when an exporter cannot connect to its endpoint, at the first attempt (see connectionReportingAgents). */
export type OnConnectFailure = (err: Error) => void;

export function createOtlpSpanExporter(protocol: OtlpProtocol, onConnectFailure: OnConnectFailure): SpanExporter {
  const { OTLPTraceExporter } =
    protocol === 'http/json'
      ? (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http'))
      : (require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto'));
  return new OTLPTraceExporter({ httpAgentOptions: connectionReportingAgents('TRACES', onConnectFailure) });
}

/**
 * The metric exporter must give up (retries included) well before its reader's export timeout, which
 * is at most the export interval: else the reader reports every late export as an error of its own.
 */
export function createOtlpMetricExporter(
  protocol: OtlpProtocol,
  exportIntervalMillis: number,
  onConnectFailure: OnConnectFailure,
): PushMetricExporter {
  const { OTLPMetricExporter } =
    protocol === 'http/json'
      ? (require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http'))
      : (require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto'));
  const configured = Number(
    process.env.OTEL_EXPORTER_OTLP_METRICS_TIMEOUT || process.env.OTEL_EXPORTER_OTLP_TIMEOUT || DEFAULT_TIMEOUT_MS,
  );
  const timeoutMillis = Math.min(
    Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_TIMEOUT_MS,
    Math.floor(exportIntervalMillis / 2),
  );
  // The exporter's own copy of sdk-metrics types it; the reader only needs the interface.
  return new OTLPMetricExporter({
    timeoutMillis,
    httpAgentOptions: connectionReportingAgents('METRICS', onConnectFailure),
  }) as unknown as PushMetricExporter;
}

export function createOtlpLogExporter(protocol: OtlpProtocol, onConnectFailure: OnConnectFailure): LogRecordExporter {
  const { OTLPLogExporter } =
    protocol === 'http/json'
      ? (require('@opentelemetry/exporter-logs-otlp-http') as typeof import('@opentelemetry/exporter-logs-otlp-http'))
      : (require('@opentelemetry/exporter-logs-otlp-proto') as typeof import('@opentelemetry/exporter-logs-otlp-proto'));
  return new OTLPLogExporter({
    httpAgentOptions: connectionReportingAgents('LOGS', onConnectFailure),
  }) as unknown as LogRecordExporter;
}
