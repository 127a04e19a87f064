import type { Database } from 'better-sqlite3';
import { EVENT_ATTR } from '@transcriber/instrumentation/events';
import { serviceNameCondition, type ServiceFilter } from './serviceScope';
import type { TimeWindow } from './types';

/** One stored profile (`profile_results.db`), as a list shows it. */
export interface ProfileSummary {
  id: number;
  /** When the profile ended (its event's time). */
  timeUs: number;
  /** When it started: its end less its duration. */
  startUs: number;
  /** `operation` (one profiled operation) or `process` (a whole-process window). */
  kind: string | null;
  component: string | null;
  operation: string | null;
  /** The operation's trace and span (operation profiles). */
  traceId: string | null;
  spanId: string | null;
  serviceName: string | null;
  /** The profiled process. */
  pid: number | null;
  durationMs: number | null;
  cpuMs: number | null;
  sampleCount: number | null;
  leakSuspected: boolean;
  /** A `.cpuprofile` file was written (a flame graph can be drawn from it). */
  hasCpuProfile: boolean;
  hasHeapProfile: boolean;
}

/** One profile with everything stored about it. */
export interface ProfileDetail extends ProfileSummary {
  topFunctions: unknown[];
  callGraph: unknown[];
  /** Heap before/after, allocation and retained hot spots, leak verdict (memory profiles). */
  memory: Record<string, unknown> | null;
  /** CPU per component with operations and hot spots (process profiles). */
  components: unknown[];
  /** `transcriber.details`: unattributed share, ended early, profiled pid … */
  details: Record<string, unknown> | null;
  cpuProfilePath: string | null;
  heapProfilePath: string | null;
}

export interface ProfileFilter extends TimeWindow, ServiceFilter {
  component?: string;
  kind?: 'operation' | 'process';
  /** Default 100. */
  limit?: number;
}

const SUMMARY_COLUMNS = `id, time_us AS timeUs, kind, component, operation, trace_id AS traceId, span_id AS spanId,
  service_name AS serviceName, pid, duration_ms AS durationMs, cpu_ms AS cpuMs, sample_count AS sampleCount,
  leak_suspected AS leakSuspected, cpuprofile_path AS cpuProfilePath, heapprofile_path AS heapProfilePath,
  attributes`;

interface Row {
  id: number;
  timeUs: number;
  kind: string | null;
  component: string | null;
  operation: string | null;
  traceId: string | null;
  spanId: string | null;
  serviceName: string | null;
  pid: number | null;
  durationMs: number | null;
  cpuMs: number | null;
  sampleCount: number | null;
  leakSuspected: number | null;
  cpuProfilePath: string | null;
  heapProfilePath: string | null;
  attributes: string | null;
}

/** Profiles that ended in the window, newest first. */
export function listProfiles(db: Database, filter: ProfileFilter): ProfileSummary[] {
  const service = serviceNameCondition(filter, 'service_name');
  const rows = db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM profile_results
        WHERE time_us >= @since AND time_us < @until AND ${service.sql}
          AND (@component IS NULL OR component = @component) AND (@kind IS NULL OR kind = @kind)
        ORDER BY time_us DESC, id DESC LIMIT @limit`,
    )
    .all({
      ...service.params,
      since: filter.sinceUs,
      until: filter.untilUs ?? Date.now() * 1000 + 1,
      component: filter.component ?? null,
      kind: filter.kind ?? null,
      limit: filter.limit ?? 100,
    }) as Row[];
  return rows.map(summaryOf);
}

/** One profile by id, with its hot spots, call graph, memory and components; undefined if none. */
export function profileDetail(db: Database, id: number): ProfileDetail | undefined {
  const row = db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS}, top_functions AS topFunctions, call_graph AS callGraph, memory, components
         FROM profile_results WHERE id = ?`,
    )
    .get(id) as
    | (Row & {
        topFunctions: string | null;
        callGraph: string | null;
        memory: string | null;
        components: string | null;
      })
    | undefined;
  if (row === undefined) return undefined;
  return {
    ...summaryOf(row),
    topFunctions: arrayOf(row.topFunctions),
    callGraph: arrayOf(row.callGraph),
    memory: objectOf(row.memory),
    components: arrayOf(row.components),
    details: detailsOf(row.attributes),
    cpuProfilePath: row.cpuProfilePath,
    heapProfilePath: row.heapProfilePath,
  };
}

/** A profile that recorded (part of) a stretch of time in a process. */
export interface CoveringProfile extends ProfileSummary {
  /** `whole`: the profile ran the whole stretch; `part`: only some of it. */
  covers: 'whole' | 'part';
}

/**
 * The profiles covering a trace: operation profiles of that trace, and process profiles of its
 * process (when known) whose window overlaps it. Newest first.
 */
export function coveringProfiles(
  db: Database,
  trace: { traceId: string; startUs: number; endUs: number; pid?: number | null },
): CoveringProfile[] {
  const rows = db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM profile_results
        WHERE trace_id = @traceId
           OR (kind = 'process' AND time_us >= @start AND time_us - coalesce(duration_ms, 0) * 1000 <= @end)
        ORDER BY time_us DESC, id DESC LIMIT 50`,
    )
    .all({ traceId: trace.traceId, start: trace.startUs, end: trace.endUs }) as Row[];
  return rows
    .map(summaryOf)
    .filter((p) => p.traceId === trace.traceId || trace.pid === undefined || trace.pid === null || p.pid === trace.pid)
    .map((p) => ({ ...p, covers: p.startUs <= trace.startUs && p.timeUs >= trace.endUs ? 'whole' : 'part' }));
}

function summaryOf(row: Row): ProfileSummary {
  const details = detailsOf(row.attributes);
  const profiledPid = details?.profiledPid;
  return {
    id: row.id,
    timeUs: row.timeUs,
    startUs: Math.round(row.timeUs - (row.durationMs ?? 0) * 1000),
    kind: row.kind,
    component: row.component,
    operation: row.operation,
    traceId: row.traceId,
    spanId: row.spanId,
    serviceName: row.serviceName,
    pid: typeof profiledPid === 'number' ? profiledPid : row.pid,
    durationMs: row.durationMs,
    cpuMs: row.cpuMs,
    sampleCount: row.sampleCount,
    leakSuspected: row.leakSuspected === 1,
    hasCpuProfile: row.cpuProfilePath !== null,
    hasHeapProfile: row.heapProfilePath !== null,
  };
}

function detailsOf(attributes: string | null): Record<string, unknown> | null {
  return objectOf(objectOf(attributes)?.[EVENT_ATTR.DETAILS]);
}

function parse(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

function objectOf(value: unknown): Record<string, unknown> | null {
  const parsed = parse(value);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : null;
}

function arrayOf(value: unknown): unknown[] {
  const parsed = parse(value);
  return Array.isArray(parsed) ? parsed : [];
}
