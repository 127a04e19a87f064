import * as path from 'node:path';

/**
 * The data directory: --data-dir if given (relative to cwd), else what the configuration says
 * (TRANSCRIBER_PERF_DATA_DIR, then transcriber.config.json, then ./data). The config module is
 * imported by its own path: @transcriber/node's index would load the whole OTel SDK.
 */
export async function resolveDataDir(flag: string | undefined, cwd: string): Promise<string> {
  if (flag !== undefined) return path.resolve(cwd, flag);
  const { loadConfig } = await import('@transcriber/node/config');
  return loadConfig({ cwd }).config.dataDir;
}
