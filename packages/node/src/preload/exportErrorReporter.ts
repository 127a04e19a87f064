import { diag, type Exception } from '@opentelemetry/api';
import { setGlobalErrorHandler, type ErrorHandler } from '@opentelemetry/core';
import { hookRequire } from '../instrumentations/requireHook';

// Distinct kinds remembered; past this a new kind is still shown but no longer remembered.
const MAX_KINDS = 32;
const seen = new Set<string>();

/**
 * One warning per kind of export failure, however often and from wherever it is reported (the
 * SDK's global error handler, the OTLP exporters' connections). The SDK keeps retrying and the
 * other exporters carry on.
 */
export function reportExportFailure(reported: Exception, context = ''): void {
  // Some providers' flushes reject with the list of their processors' errors.
  const error = ((Array.isArray(reported) ? reported[0] : reported) ?? 'unknown error') as Exception;
  const kind = kindOf(error);
  if (seen.has(kind)) return;
  if (seen.size < MAX_KINDS) seen.add(kind);
  diag.warn(
    `transcriber: telemetry export failed: ${context}${messageOf(error)} — the app and the other exporters carry on; further failures like this one are not shown`,
  );
}

/**
 * Replaces the SDK's global error handler, which logs every failed export (with an unreachable
 * collector: one error per signal every second or so, for as long as the app runs), by
 * {@link reportExportFailure}.
 */
export function reportExportErrorsOnce(): void {
  const handler: ErrorHandler = (reported: Exception) => reportExportFailure(reported);
  setGlobalErrorHandler(handler);
  // Each copy of @opentelemetry/core has a handler of its own: the one bundled with the preload
  // (set above), and those the packages loaded when used bring along (the logs SDK, the OTLP and
  // Prometheus exporters: the root copy or their own).
  hookRequire(['@opentelemetry/core'], (core) => {
    (core as { setGlobalErrorHandler?: (h: ErrorHandler) => void }).setGlobalErrorHandler?.(handler);
    return undefined;
  });
}

// The kind of a failure: its error code (ECONNREFUSED, an HTTP status, ...), also when an exporter
// wrapped the original error's message in its own, else the message without its numbers.
function kindOf(error: Exception): string {
  const message = typeof error === 'string' ? error : (error.message ?? '');
  const code = typeof error === 'string' ? undefined : (error as { code?: unknown }).code;
  if (code !== undefined) return String(code);
  return /\bE[A-Z]{3,}\b/.exec(message)?.[0] ?? message.replace(/\d+/g, '#');
}

function messageOf(error: Exception): string {
  if (typeof error === 'string') return error;
  return error.message || error.name || 'unknown error';
}
