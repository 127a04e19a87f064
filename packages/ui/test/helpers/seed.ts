import * as path from 'node:path';
import { runChild } from '../../../../test/helpers/children';

/** What fixtures/seedViewData.js wrote. */
export interface SeedSummary {
  now: number;
  agent: { traceId: string; voiceToVoiceMs: number; interrupted: boolean }[];
  fast: { traceId: string; voiceToVoiceMs: number; interrupted: boolean }[];
  profiles: { processComponents: string[]; operationSamples: number };
  benchmarks: string[];
  /** The pipeline benchmark recorded under the benchmark service: its state and share components. */
  pipeline: { state: string; shares: string[]; unavailable: string | null };
}

/**
 * Fills `dataDir` with the view's test data (turns of two agents, resources, two profiles, six
 * benchmark runs and a pipeline benchmark's), in a process of its own through the real exporters,
 * profiler and suite.
 */
export async function seedViewData(dataDir: string): Promise<SeedSummary> {
  const result = await runChild(path.join(__dirname, '..', 'fixtures', 'seedViewData.js'), [dataDir], {
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(`seedViewData failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as SeedSummary;
}
