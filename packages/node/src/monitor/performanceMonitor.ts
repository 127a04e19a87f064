import { timeOperation, type OperationHandle } from '@transcriber/instrumentation';
import { loadConfig } from '../config/loadConfig';
import type { PerformanceConfig } from '../config/performanceConfig';
import { activeTelemetry, startTelemetry, type Telemetry } from '../sdk/startTelemetry';
import { RecentOperations, type ComponentStats, type RecentOperation } from './recentOperations';
import { ResourceSampler, type ResourceSample } from './resourceSampler';

/** What `getCurrentMetrics()` returns. */
export interface CurrentMetrics {
  /** The latest resource sample. */
  resources: ResourceSample;
  /** The most recent operations of this process, oldest first, at most `maxMetricsHistory`. */
  recentOperations: RecentOperation[];
}

/** What `getPerformanceSummary()` returns: this process's recent operations, per component. */
export interface PerformanceSummary {
  /** Mean duration of all recent operations, ms (0 when there are none). */
  avgResponseTimeMs: number;
  totalOperations: number;
  components: Record<string, ComponentStats>;
  resources: ResourceSample;
}

/**
 * Monitors this process: component operations (through the OTel SDK, into SQLite) and resources
 * (sampled every `monitoringInterval`). Uses the SDK already started in the process, or starts one
 * writing to `dataDir` and stops it again in `stopMonitoring()`.
 */
export class PerformanceMonitor {
  readonly config: PerformanceConfig;
  // Samples on demand when the SDK runs none (monitoring off, or stopped).
  private readonly onDemand = new ResourceSampler();
  private telemetry: Telemetry | undefined;
  private fallbackOperations: RecentOperations | undefined;

  /** `dataDir` or a whole configuration; anything not given comes from `loadConfig()`. */
  constructor(dataDirOrConfig?: string | Partial<PerformanceConfig>) {
    const overrides = typeof dataDirOrConfig === 'string' ? { dataDir: dataDirOrConfig } : dataDirOrConfig;
    this.config = loadConfig({ overrides }).config;
  }

  async startMonitoring(): Promise<void> {
    if (this.telemetry !== undefined) return;
    this.telemetry = startTelemetry(this.config);
  }

  async stopMonitoring(): Promise<void> {
    const telemetry = this.telemetry;
    this.telemetry = undefined;
    if (telemetry !== undefined) {
      this.fallbackOperations = telemetry.recentOperations;
      await telemetry.shutdown();
    }
  }

  /** The SDK's sampler (every `monitoringInterval`), else samples taken when asked. */
  private get sampler(): ResourceSampler {
    return this.telemetry?.resources ?? this.onDemand;
  }

  /** Same as `timeOperation` of @transcriber/instrumentation. */
  timeOperation(component: string, operation: string): OperationHandle;
  timeOperation<T>(component: string, operation: string, fn: (operation: OperationHandle) => T): T;
  timeOperation<T>(component: string, operation: string, fn?: (operation: OperationHandle) => T): T | OperationHandle {
    return fn === undefined ? timeOperation(component, operation) : timeOperation(component, operation, fn);
  }

  getCurrentMetrics(): CurrentMetrics {
    return { resources: this.sampler.current(), recentOperations: this.operations()?.list() ?? [] };
  }

  getPerformanceSummary(): PerformanceSummary {
    const operations = this.operations();
    const components = operations?.statsByComponent() ?? {};
    let total = 0;
    let sumMs = 0;
    for (const stats of Object.values(components)) {
      total += stats.count;
      sumMs += stats.avgMs * stats.count;
    }
    return {
      avgResponseTimeMs: total === 0 ? 0 : sumMs / total,
      totalOperations: total,
      components,
      resources: this.sampler.current(),
    };
  }

  private operations(): RecentOperations | undefined {
    return this.telemetry?.recentOperations ?? activeTelemetry()?.recentOperations ?? this.fallbackOperations;
  }
}
