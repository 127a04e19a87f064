import {
  METRIC_EVENT_LOOP_DELAY_MAX,
  METRIC_EVENT_LOOP_DELAY_P50,
  METRIC_EVENT_LOOP_DELAY_P99,
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_EXTERNAL,
  METRIC_PROCESS_HEAP_TOTAL,
  METRIC_PROCESS_HEAP_USED,
  METRIC_PROCESS_MEMORY_RSS,
  METRIC_SYSTEM_CPU_UTILIZATION,
  METRIC_SYSTEM_MEMORY_LIMIT,
  METRIC_SYSTEM_MEMORY_USAGE,
} from '@transcriber/instrumentation/names';

/**
 * One resource sample's figures by resource gauge name, in the gauges' units (1 = one core or the
 * whole machine, bytes, seconds); null or absent for a figure that was not measured.
 */
export type ResourceGaugeValues = Readonly<Record<string, number | null | undefined>>;

/** The `resource_snapshots` row of one sample, without its resource id (insertResourceSnapshot's order). */
export function resourceSnapshotRow(values: ResourceGaugeValues, timeUs: number, pid: number | null): unknown[] {
  const v = (name: string) => values[name] ?? null;
  const ms = (name: string) => {
    const seconds = v(name);
    return seconds === null ? null : seconds * 1000;
  };
  const int = (name: string) => {
    const value = v(name);
    return value === null ? null : Math.round(value);
  };
  return [
    timeUs,
    pid,
    v(METRIC_PROCESS_CPU_UTILIZATION),
    int(METRIC_PROCESS_MEMORY_RSS),
    int(METRIC_PROCESS_HEAP_USED),
    int(METRIC_PROCESS_HEAP_TOTAL),
    int(METRIC_PROCESS_EXTERNAL),
    ms(METRIC_EVENT_LOOP_DELAY_P50),
    ms(METRIC_EVENT_LOOP_DELAY_P99),
    ms(METRIC_EVENT_LOOP_DELAY_MAX),
    v(METRIC_SYSTEM_CPU_UTILIZATION),
    int(METRIC_SYSTEM_MEMORY_USAGE),
    int(METRIC_SYSTEM_MEMORY_LIMIT),
  ];
}
