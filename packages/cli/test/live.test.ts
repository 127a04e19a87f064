import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv } from '../../../test/helpers/cleanEnv';
import { BIN, startWorkload } from '../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const HOME = '\u001b[H';

/** Collects a child's stdout and resolves when `done(output)` holds (or fails after `ms`). */
function waitFor(
  child: ChildProcessWithoutNullStreams,
  done: (output: string) => boolean,
  ms = 30_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.stdout.off('data', onData);
      reject(new Error(`timed out; output so far:\n${JSON.stringify(output.slice(-2000))}`));
    }, ms);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (done(output)) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(output);
      }
    };
    child.stdout.on('data', onData);
  });
}

function exitOf(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * The frames drawn so far, without the escapes that place them: on a terminal each starts at home
 * (redrawn in place); into a pipe each follows the last, starting with its header line.
 */
function frames(output: string): string[] {
  if (!output.includes(HOME)) return output.split(/^(?=live · every)/m).filter((f) => f.startsWith('live · every'));
  return (
    output
      .split(HOME)
      .slice(1)
      // eslint-disable-next-line no-control-regex
      .map((f) => f.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''))
  );
}

/** The pipeline's operation count in a frame, if it shows one. */
function pipelineCount(frame: string): number | undefined {
  const match = /\npipeline\s+(\d+)\s/.exec(frame);
  return match === null ? undefined : Number(match[1]);
}

describe('transcriber performance --live', () => {
  const children: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  /** `performance --live` every 0.25 s on `dataDir`, not on a terminal, its stderr collected. */
  function startLiveView(dataDir: string) {
    const live = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'performance', '--live', '--interval', '0.25'], {
      env: cleanEnv(),
    });
    children.push(live);
    let stderr = '';
    live.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return { live, exited: exitOf(live), stderr: () => stderr };
  }

  it('follows a database another process is writing, until SIGINT (into a pipe: no escapes)', async () => {
    const dataDir = makeTempDir();
    const { live, exited, stderr } = startLiveView(dataDir);

    // Nothing recorded yet: it waits instead of failing.
    let output = await waitFor(live, (o) => o.includes('waiting for data'));
    expect(frames(output)[0]).toMatch(
      /^live · every 0.25 s · updated \d\d:\d\d:\d\d · Ctrl-C to stop\n\nwaiting for data: /,
    );

    const workload = startWorkload(dataDir);
    children.push(workload);
    // Two frames with the pipeline's count going up: the table follows the running process.
    output += await waitFor(live, (o) => {
      const counts = frames(output + o)
        .map(pipelineCount)
        .filter((c): c is number => c !== undefined);
      return counts.length >= 2 && counts[counts.length - 1] > counts[0];
    });
    const shown = frames(output).filter((f) => pipelineCount(f) !== undefined);
    expect(shown[0]).toMatch(/\ncomponent\s+count\s+errors\s+error rate\s+avg ms/);
    expect(shown[0]).toMatch(/\nResources\n/);

    // Not a terminal: each refresh follows the last, no cursor or screen escapes (issue 14.11).
    expect(output).not.toContain('\u001b');

    live.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stderr()).toBe('');
    workload.kill('SIGTERM');
    expect((await exitOf(workload)).code).toBe(0);
  });

  it('waits out a database that is still being created, then shows its data', async () => {
    // What a live view started with the app can meet: the file exists, its schema not yet. Open
    // with a write lock taken in rollback mode, it could also read as locked for a moment.
    const dataDir = makeTempDir();
    fs.closeSync(fs.openSync(path.join(dataDir, 'performance_metrics.db'), 'a', 0o600));
    const { live, exited, stderr } = startLiveView(dataDir);
    const waiting = await waitFor(live, (o) => frames(o).length >= 2);
    expect(frames(waiting)[1]).toMatch(/waiting for data: .*performance_metrics\.db: schema version 0 is older/);

    const workload = startWorkload(dataDir);
    children.push(workload);
    await waitFor(live, (o) => frames(o).some((f) => pipelineCount(f) !== undefined));
    live.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stderr()).toBe('');
    workload.kill('SIGTERM');
    await exitOf(workload);
  });

  it('on a terminal: draws on the alternate screen and restores the terminal on Ctrl-C', async () => {
    const dataDir = makeTempDir();
    const workload = startWorkload(dataDir);
    children.push(workload);
    await waitFor(workload, (o) => o.includes('turn 2'));
    // `script` gives the CLI a real pseudo-terminal; Ctrl-C typed into it becomes SIGINT. `exec`
    // makes the CLI the only process there: a shell left waiting for it also gets the SIGINT, and
    // dash (CI's /bin/sh) then exits 130 whatever the CLI did.
    const argv = [process.execPath, BIN, '--data-dir', dataDir, 'performance', '--live', '--interval', '0.25'];
    const command = 'exec ' + argv.map((a) => `'${a}'`).join(' ');
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], { env: cleanEnv({ TERM: 'xterm' }) });
    children.push(terminal);
    const exited = exitOf(terminal);
    const output = await waitFor(terminal, (o) => frames(o).filter((f) => pipelineCount(f) !== undefined).length >= 2);
    expect(output.startsWith('\u001b[?1049h\u001b[?25l\u001b[H')).toBe(true);
    // Flicker-free: every frame is one write that starts at home, clears each line's rest and then
    // the rest of the screen; the screen is never blanked first.
    const raw = output.split(HOME).slice(1);
    for (const frame of raw.slice(0, -1)) {
      expect(frame.endsWith('\u001b[J')).toBe(true);
      for (const line of frame.slice(0, -3).split(/\r?\n/)) expect(line.endsWith('\u001b[K')).toBe(true);
    }
    expect(output).not.toContain('\u001b[2J');
    // A terminal gets colour: bold headers.
    expect(output).toContain('\u001b[1mcomponent\u001b[22m');
    terminal.stdin.write('\u0003');
    const rest = await waitFor(terminal, (o) => o.includes('\u001b[?1049l'), 10_000);
    expect(rest.endsWith('\u001b[?25h\u001b[?1049l')).toBe(true);
    expect((await exited).code).toBe(0);
    workload.kill('SIGTERM');
    await exitOf(workload);
  });

  it('--json prints one JSON document per refresh, and ends quietly when its reader goes away', async () => {
    const dataDir = makeTempDir();
    const workload = startWorkload(dataDir);
    children.push(workload);
    await waitFor(workload, (o) => o.includes('turn 1'));
    const live = spawn(
      process.execPath,
      [BIN, '--data-dir', dataDir, '--json', 'performance', '--live', '--interval', '0.2'],
      { env: cleanEnv() },
    );
    children.push(live);
    let stderr = '';
    live.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = exitOf(live);
    const output = await waitFor(live, (o) => o.split('\n').length > 3);
    const documents = output
      .split('\n')
      .slice(0, 3)
      .map((line) => JSON.parse(line));
    // Each is a report, or (before the workload's first write) what it is waiting for.
    for (const d of documents) {
      if (d.waiting === undefined) expect(d.window.minutes).toBe(60);
      else expect(d.waiting).toMatch(/does not exist/);
    }
    expect(output).not.toContain('\u001b[');
    live.stdout.destroy();
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stderr).toBe('');
    workload.kill('SIGTERM');
    await exitOf(workload);
  });
});
