/**
 * `transcriber ui` as users run it: its own process on a free port, serving until SIGINT or
 * SIGTERM, then exiting cleanly; loading no OpenTelemetry package even after every API has answered.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { BIN, expectOneLineError, recordWorkload, runCli } from '../../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const LIST_MODULES = path.join(__dirname, '..', 'fixtures', 'listModules.js');

interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts `transcriber ui` and waits for the line that says where it serves. */
async function startUi(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, ['--require', LIST_MODULES, BIN, 'ui', '--port', '0', ...args], {
    env: cleanEnv(env),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "serving" line within 20 s: ${stderr}`)), 20_000);
    const look = () => {
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stderr.on('data', look);
    void exit.then(() => reject(new Error(`exited before serving: ${stderr}`)));
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, exit };
}

describe('transcriber ui', () => {
  const dataDir = makeTempDir();

  beforeAll(() => recordWorkload(dataDir), 60_000);

  it('serves the view and its API until SIGTERM, exits 0, and never loads an OpenTelemetry package', async () => {
    const list = path.join(makeTempDir(), 'modules.txt');
    const ui = await startUi(['--data-dir', dataDir], { LIST_MODULES_TO: list });
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(ui.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="app.js"></script>');
    for (const api of [
      'services',
      'turns',
      'operations',
      'over-time',
      'profiles',
      'benchmarks',
      'compare',
      'recommendations',
    ]) {
      const answer = await fetch(`${ui.url}api/${api}`);
      expect({ api, status: answer.status }).toEqual({ api, status: 200 });
    }
    const { operations } = (await (await fetch(`${ui.url}api/operations`)).json()) as {
      operations: { traceId: string }[];
    };
    expect(operations.length).toBeGreaterThan(0);
    expect((await fetch(`${ui.url}api/traces/${operations[0].traceId}`)).status).toBe(200);
    ui.child.kill('SIGTERM');
    expect(await ui.exit).toBe(0);
    expect(ui.stdout()).toMatch(
      /^transcriber ui served http:\/\/127\.0\.0\.1:\d+\/ \(.*\): 11 request\(s\); stopped by SIGTERM\n$/,
    );
    const modules = fs.readFileSync(list, 'utf8').split('\n');
    expect(modules.filter((m) => m.includes('@opentelemetry'))).toEqual([]);
    expect(
      modules.filter((m) =>
        /packages[\\/](node|storage|instrumentation|optimizer|benchmarks|profiler)[\\/]dist[\\/]index\.js$/.test(m),
      ),
    ).toEqual([]);
  }, 60_000);

  it('stops on Ctrl-C (SIGINT) too, with the page’s event stream still open', async () => {
    const ui = await startUi(['--data-dir', dataDir]);
    const controller = new AbortController();
    const events = await fetch(`${ui.url}api/events`, { signal: controller.signal });
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    ui.child.kill('SIGINT');
    expect(await ui.exit).toBe(0);
    controller.abort();
    expect(ui.stdout()).toMatch(/stopped by SIGINT/);
  }, 60_000);

  // Regression: the "serving" line came before the signal handlers, and a SIGTERM sent on reading
  // it (as the bench does) killed the process instead of stopping it.
  it('stops cleanly on a signal sent the moment it says where it serves', async () => {
    for (let i = 0; i < 5; i++) {
      const ui = await startUi(['--data-dir', dataDir]);
      ui.child.kill('SIGTERM');
      expect(await ui.exit).toBe(0);
    }
  }, 60_000);

  it('--open asks the desktop to open the page, and goes on serving when it cannot', async () => {
    // No xdg-open on this PATH (node is started by its full path).
    const ui = await startUi(['--data-dir', dataDir, '--open'], { PATH: makeTempDir() });
    const deadline = Date.now() + 10_000;
    while (!ui.stderr().includes('could not open a browser') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(ui.stderr()).toContain(
      `transcriber ui: could not open a browser (xdg-open: spawn xdg-open ENOENT); open ${ui.url} yourself`,
    );
    expect((await fetch(`${ui.url}api/meta`)).status).toBe(200);
    ui.child.kill('SIGTERM');
    expect(await ui.exit).toBe(0);
  }, 60_000);

  it('says in one line what is wrong with its options or its port', async () => {
    expectOneLineError(runCli(['ui', '--port', '70000']), 2, /--port expects a port number \(0-65535\), got "70000"/);
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'ui', '--port', String(port), '--data-dir', dataDir], {
          env: cleanEnv(),
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
        child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
      expectOneLineError(
        result,
        1,
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use; choose another with --port`),
      );
    } finally {
      taken.close();
    }
  }, 60_000);
});
