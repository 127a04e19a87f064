import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv } from './cleanEnv';
import { storedSpans, type StoredSpan } from './storedSpans';

/** The example voice agent (examples/voice-agent), run as its README says. */
export const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'voice-agent');

/** Fails a test file early, with what to do, when the agent's tools or its build are missing. */
export function requireAgentTools(): void {
  for (const tool of ['espeak-ng', 'sox', 'pocketsphinx_continuous']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new Error(`${tool} is not installed: run bash scripts/install-system-deps.sh`);
    }
  }
  if (!fs.existsSync(path.join(EXAMPLE, 'dist', 'main.js')))
    throw new Error('examples/voice-agent is not built: npm run build');
}

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  dir: string;
  dataDir: string;
  spans: StoredSpan[];
}

export interface AgentRunOptions {
  env?: Record<string, string>;
  /** The VAD's hangover (`--hangover-ms`). */
  hangoverMs: number;
  /**
   * The command line before the agent's `dist/main.js …` (default `node --require
   * @transcriber/node/register`): e.g. `transcriber profile -- node` to profile the run.
   */
  launcher?: string[];
}

/**
 * Runs the agent on `<dir>/input.wav` under the preload, with its own data dir (`<dir>/data`) and
 * state files, and reads back the spans it stored.
 */
export async function runAgent(dir: string, options: AgentRunOptions): Promise<AgentRun> {
  const dataDir = path.join(dir, 'data');
  const launcher = options.launcher ?? [process.execPath, '--require', '@transcriber/node/register'];
  const child = spawn(
    launcher[0],
    [
      ...launcher.slice(1),
      'dist/main.js',
      '--input',
      path.join(dir, 'input.wav'),
      '--output',
      path.join(dir, 'agent.wav'),
      '--lights',
      path.join(dir, 'lights.json'),
      '--hangover-ms',
      String(options.hangoverMs),
    ],
    { cwd: EXAMPLE, env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: dataDir, ...options.env }) },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr, dir, dataDir, spans: storedSpans(dataDir) };
}
