import type { Database } from 'better-sqlite3';
import { BENCHMARK_SERVICE_NAME } from '@transcriber/instrumentation/names';

/** One service that recorded telemetry into a data directory. */
export interface ServiceInfo {
  /** `service.name`; null for resources without one. */
  service: string | null;
  /** Resources (processes) of the service. */
  processes: number;
  /** The service `transcriber benchmark` records its runs under: views leave it out unless asked. */
  benchmark: boolean;
}

/** The services of `performance_metrics.db`, by name (the resources table: one row per process). */
export function listServices(db: Database): ServiceInfo[] {
  const rows = db
    .prepare(
      `SELECT service_name AS service, count(*) AS processes FROM resources
        GROUP BY service_name ORDER BY service_name IS NULL, service_name`,
    )
    .all() as { service: string | null; processes: number }[];
  return rows.map((r) => ({ ...r, benchmark: r.service === BENCHMARK_SERVICE_NAME }));
}
