import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string[] | undefined;

/**
 * Where the instrumentation's own code lives in this process: the directory holding our packages
 * (this package's parent: `node_modules/@transcriber` when installed, `packages/` in a checkout of
 * this repository) and the one holding the OpenTelemetry packages the API resolves to. Frames in
 * them are overhead, not the app's (see SampleAttribution).
 */
export function instrumentationDirs(): string[] {
  if (cached !== undefined) return cached;
  const dirs = new Set<string>();
  const add = (dir: string) => {
    try {
      dirs.add(fs.realpathSync(dir));
    } catch {
      // not there: nothing to add
    }
  };
  add(path.resolve(__dirname, '..', '..'));
  try {
    add(path.dirname(path.dirname(require.resolve('@opentelemetry/api/package.json'))));
  } catch {
    // resolved from elsewhere: the generic package patterns still apply
  }
  cached = [...dirs];
  return cached;
}
