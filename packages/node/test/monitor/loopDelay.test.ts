// The event loop's delay as the resource monitor measures it: the native meter (every turn of the
// loop, no timer of its own) on real stalls in a timer and in an I/O callback, in this process; its
// not waking the loop, in a child process with nothing else to do; the timer-based fallback.
import { spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  loopDelaySource,
  loopDelayWindow,
  TimerLoopDelayWindow,
  type LoopDelayWindow,
} from '../../src/monitor/loopDelay';

const busyWait = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const opened: LoopDelayWindow[] = [];
/** Opens `window` (a native one by default); every window a test opened is closed after it. */
function open(window: LoopDelayWindow = loopDelayWindow()): LoopDelayWindow {
  window.open();
  opened.push(window);
  return window;
}
afterEach(() => {
  for (const window of opened.splice(0)) window.close();
});

describe('loopDelayWindow, native', () => {
  it('is the native meter: npm run build compiled it', () => {
    expect(loopDelaySource()).toBe('loop turns');
  });

  it('sees a stall in a timer callback, and starts over on each read', async () => {
    const window = open();
    await sleep(20);
    window.read();
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        busyWait(40);
        resolve();
      }, 10),
    );
    await sleep(20);
    const figures = window.read();
    expect(figures!.maxMs).toBeGreaterThanOrEqual(40);
    expect(figures!.p50Ms).toBeLessThanOrEqual(figures!.p99Ms);
    expect(figures!.p99Ms).toBeLessThanOrEqual(figures!.maxMs);
    await sleep(20);
    expect(window.read()?.maxMs ?? 0).toBeLessThan(40);
  });

  // Weighted by time, as a timer's samples are: the stall is 3% of the window's time, though it is
  // one turn of hundreds (weighted by turns, its p99 would be a short turn's length).
  it('gives the p99 of the time, not of the turns: one 30 ms stall among hundreds of short turns', async () => {
    const window = open();
    await sleep(20);
    window.read();
    const end = performance.now() + 1000;
    let stalled = false;
    await new Promise<void>((resolve) => {
      const turn = () => {
        if (!stalled && performance.now() > end - 500) {
          stalled = true;
          busyWait(30);
        }
        if (performance.now() < end) setImmediate(turn);
        else resolve();
      };
      turn();
    });
    const figures = window.read()!;
    expect(figures.count).toBeGreaterThan(200);
    expect(figures.maxMs).toBeGreaterThanOrEqual(30);
    expect(figures.p99Ms).toBeGreaterThanOrEqual(30 * (15 / 16));
  });

  // libuv runs I/O callbacks inside its poll, between the meter's prepare and check: the time not
  // spent waiting there is busy too (a meter that only looks past the poll's timeout misses this,
  // the usual case for a voice agent, whose audio arrives as I/O while timers are far off).
  it('sees a stall in an I/O callback while the next timer is far off', async () => {
    const farTimer = setTimeout(() => {}, 60_000);
    const server = net.createServer((socket) =>
      socket.on('data', () => {
        busyWait(40);
        socket.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const window = open();
    try {
      const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
      await new Promise((resolve) => client.on('connect', resolve));
      window.read();
      client.write('x');
      await new Promise((resolve) => client.on('close', resolve));
      expect(window.read()!.maxMs).toBeGreaterThanOrEqual(40);
    } finally {
      clearTimeout(farTimer);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("measures a window past the meter's sixteen with a timer, and the meter runs on for the others", async () => {
    const windows = Array.from({ length: 17 }, () => open());
    await sleep(20);
    busyWait(40);
    await sleep(30);
    for (const window of windows) expect(window.read()!.maxMs).toBeGreaterThanOrEqual(30);
    // The seventeenth is the timer's: its runs, ~100 a second (an idle loop turns a few times).
    await sleep(200);
    expect(windows[16].read()!.count).toBeGreaterThanOrEqual(10);
    // Closing it frees no native window: the sixteen still read.
    windows[16].close();
    await sleep(10);
    expect(windows[0].read()).not.toBeNull();
  });

  it("does not wake an idle loop (Node's timer histogram turns it 100 times a second)", () => {
    const module = path.resolve(__dirname, '../../dist/monitor/loopDelay.js');
    const script = `
      const { loopDelayWindow, TimerLoopDelayWindow } = require(${JSON.stringify(module)});
      const native = loopDelayWindow();
      native.open();
      setTimeout(() => {
        native.read();
        setTimeout(() => {
          const turns = native.read();
          const timer = new TimerLoopDelayWindow();
          timer.open();
          setTimeout(() => console.log(JSON.stringify({ turns: turns.count, timerRuns: timer.read().count })), 1000);
        }, 1000);
      }, 100);
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { turns, timerRuns } = JSON.parse(run.stdout) as { turns: number; timerRuns: number };
    // An idle second: the turn that ran the timer callback that read it (its timer's own), no more
    // but for a stray one; the timer histogram runs ~100 times in the next.
    expect(turns).toBeLessThanOrEqual(3);
    expect(timerRuns).toBeGreaterThan(20);
  });
});

describe('TimerLoopDelayWindow (when the native meter was not built)', () => {
  it("sees a stall as its timer's lateness past the 10 ms resolution", async () => {
    const window = open(new TimerLoopDelayWindow());
    await sleep(50);
    busyWait(60);
    await sleep(30);
    const figures = window.read();
    expect(figures!.maxMs).toBeGreaterThanOrEqual(40);
    expect(figures!.maxMs).toBeLessThan(1000);
  });
});
