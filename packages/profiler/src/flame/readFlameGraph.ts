import * as fs from 'node:fs';
import type { CpuProfile } from '../cpu/cpuProfile';
import { flameGraph, type FlameGraph } from './flameGraph';
import { attributionPathOf, SAMPLE_ATTRIBUTION_FORMAT, type SampleAttribution } from './sampleAttribution';

/** Why a stored profile's flame graph could not be drawn, or the graph. */
export type FlameGraphFile =
  { state: 'ok'; graph: FlameGraph } | { state: 'missing' | 'not-a-profile' | 'too-large'; message: string };

/** Larger files are not read: a viewer must not hold a process's memory hostage. */
const MAX_BYTES = 256 * 2 ** 20;

/**
 * Reads a `.cpuprofile` file (and its `.attribution.json`, when there is one) and builds its flame
 * graph. Only files named `*.cpuprofile` holding a V8 CPU profile are read: the path comes from a
 * database that other programs may have written.
 */
export function readFlameGraph(cpuProfilePath: string): FlameGraphFile {
  if (!cpuProfilePath.endsWith('.cpuprofile')) {
    return { state: 'not-a-profile', message: `${cpuProfilePath} is not a .cpuprofile file` };
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(cpuProfilePath);
  } catch {
    return { state: 'missing', message: `${cpuProfilePath} is no longer there` };
  }
  if (!stat.isFile()) return { state: 'not-a-profile', message: `${cpuProfilePath} is not a file` };
  if (stat.size > MAX_BYTES) {
    return { state: 'too-large', message: `${cpuProfilePath} is larger than ${MAX_BYTES / 2 ** 20} MiB` };
  }
  const profile = parse(cpuProfilePath);
  if (!isCpuProfile(profile)) {
    return { state: 'not-a-profile', message: `${cpuProfilePath} does not hold a V8 CPU profile` };
  }
  const attribution = parse(attributionPathOf(cpuProfilePath));
  return { state: 'ok', graph: flameGraph(profile, isAttribution(attribution) ? attribution : undefined) };
}

function parse(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function isCpuProfile(value: unknown): value is CpuProfile {
  const p = value as CpuProfile | undefined;
  return (
    typeof p === 'object' &&
    p !== null &&
    Array.isArray(p.nodes) &&
    p.nodes.every((n) => typeof n?.id === 'number' && typeof n.callFrame?.functionName === 'string') &&
    typeof p.startTime === 'number' &&
    typeof p.endTime === 'number' &&
    (p.samples === undefined || Array.isArray(p.samples)) &&
    (p.timeDeltas === undefined || Array.isArray(p.timeDeltas))
  );
}

function isAttribution(value: unknown): value is SampleAttribution {
  const a = value as SampleAttribution | undefined;
  return (
    typeof a === 'object' &&
    a !== null &&
    a.format === SAMPLE_ATTRIBUTION_FORMAT &&
    Array.isArray(a.owners) &&
    a.owners.every((o) => typeof o?.component === 'string') &&
    Array.isArray(a.runs) &&
    Array.isArray(a.instrumentationDirs) &&
    a.instrumentationDirs.every((d) => typeof d === 'string')
  );
}
