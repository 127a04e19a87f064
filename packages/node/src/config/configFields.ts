import type { PerformanceConfig } from './performanceConfig';

type FieldKind = 'boolean' | 'positive' | 'positiveInteger' | 'fraction' | 'string' | 'globList';

/** How each field is parsed and checked; one table, so a field cannot miss its validation. */
export const CONFIG_FIELDS: Readonly<Record<keyof PerformanceConfig, FieldKind>> = Object.freeze({
  enableMonitoring: 'boolean',
  monitoringInterval: 'positive',
  maxMetricsHistory: 'positiveInteger',
  enableProfiling: 'boolean',
  enableMemoryProfiling: 'boolean',
  profilingSampleRate: 'fraction',
  defaultBenchmarkIterations: 'positiveInteger',
  benchmarkTimeout: 'positive',
  enableAutoOptimization: 'boolean',
  optimizationInterval: 'positive',
  dataDir: 'string',
  metricExportInterval: 'positive',
  retentionDays: 'positive',
  benchmarkFiles: 'globList',
});

/** `monitoringInterval` → `TRANSCRIBER_PERF_MONITORING_INTERVAL`. */
export function envNameOf(field: string): string {
  return `TRANSCRIBER_PERF_${field.replace(/([A-Z])/g, '_$1').toUpperCase()}`;
}

/** A bad configuration value; the message names the field, the value and where it came from. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Checks (and, for strings from the environment, parses) one value. */
export function parseField(
  field: keyof PerformanceConfig,
  raw: unknown,
  source: string,
): PerformanceConfig[typeof field] {
  const kind = CONFIG_FIELDS[field];
  const fail = (expected: string): never => {
    throw new ConfigError(`invalid ${field} ${JSON.stringify(raw)} in ${source}: expected ${expected}`);
  };
  if (kind === 'string') {
    if (typeof raw !== 'string' || raw.trim() === '') fail('a non-empty string');
    return raw as string;
  }
  if (kind === 'globList') {
    const list = typeof raw === 'string' ? splitGlobList(raw) : raw;
    if (!Array.isArray(list) || list.length === 0 || !list.every((g) => typeof g === 'string' && g.trim() !== '')) {
      fail('a non-empty list of glob patterns (an array, or comma-separated in the environment)');
    }
    return Object.freeze((list as string[]).map((g) => g.trim()));
  }
  if (kind === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'string') {
      const lower = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) return true;
      if (['false', '0', 'no', 'off'].includes(lower)) return false;
    }
    return fail('true or false');
  }
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return fail(kind === 'fraction' ? 'a number from 0 to 1' : 'a positive number');
  }
  if (kind === 'fraction' && (value < 0 || value > 1)) fail('a number from 0 to 1');
  if (kind === 'positive' && value <= 0) fail('a positive number');
  if (kind === 'positiveInteger' && (!Number.isInteger(value) || value < 1)) fail('a whole number of at least 1');
  return value;
}

/** `a/*.ts,b/*.{ts,js}` → two patterns: commas inside braces belong to the pattern. */
function splitGlobList(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of raw) {
    if (c === ',' && depth === 0) {
      out.push(current);
      current = '';
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    current += c;
  }
  out.push(current);
  return out.filter((g) => g.trim() !== '');
}
