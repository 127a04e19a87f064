import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import type { BenchmarkEnvironment } from '../types';

let cached: { environment: BenchmarkEnvironment; key: string } | undefined;

/** This process's environment and its key, captured once (the git lookup starts a process). */
export function currentEnvironment(): { environment: BenchmarkEnvironment; key: string } {
  if (cached !== undefined) return cached;
  const cpus = os.cpus();
  const environment: BenchmarkEnvironment = {
    nodeVersion: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    totalMemoryMb: Math.round(os.totalmem() / 1048576),
  };
  const commit = gitCommit();
  if (commit !== undefined) environment.gitCommit = commit;
  cached = { environment, key: environmentKey(environment) };
  return cached;
}

/**
 * What makes timings comparable: runtime, OS, CPU and core count. Not the git commit (finding
 * what a commit changed is the point of comparing) and not the memory size (it rarely sets speed).
 */
export function environmentKey(environment: BenchmarkEnvironment): string {
  const { nodeVersion, platform, arch, cpuModel, cores } = environment;
  return createHash('sha256')
    .update(JSON.stringify([nodeVersion, platform, arch, cpuModel, cores]))
    .digest('hex')
    .slice(0, 16);
}

function gitCommit(): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
      windowsHide: true,
    }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
  } catch {
    return undefined; // not a checkout, or no git: the commit is optional
  }
}
