import { diag, type Exception } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';

// Distinct kinds remembered; past this a new kind is still shown but no longer remembered.
const MAX_KINDS = 32;

/**
 * Replaces the SDK's global error handler, which logs every failed export (with an unreachable
 * collector: one error per signal every second or so, for as long as the app runs), by one
 * warning per kind of failure. The SDK keeps retrying and the other exporters carry on.
 */
export function reportExportErrorsOnce(): void {
  const seen = new Set<string>();
  setGlobalErrorHandler((error: Exception) => {
    const kind = kindOf(error);
    if (seen.has(kind)) return;
    if (seen.size < MAX_KINDS) seen.add(kind);
    diag.warn(
      `transcriber: telemetry export failed: ${messageOf(error)} — the app and the other exporters carry on; further failures like this one are not shown`,
    );
  });
}

function kindOf(error: Exception): string {
  if (typeof error === 'string') return error;
  const code = (error as { code?: unknown }).code;
  return `${error.name ?? 'Error'}:${code !== undefined ? String(code) : (error.message ?? '')}`;
}

function messageOf(error: Exception): string {
  if (typeof error === 'string') return error;
  return error.message || error.name || 'unknown error';
}
