// `transcriber collect` as users run it: the built CLI as its own process on a free port, agents in
// other processes sending with the OpenTelemetry JS exporters, `transcriber performance` reading
// what arrived, and SIGTERM/SIGINT stopping it with everything it accepted written.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import BetterSqlite3 from 'better-sqlite3';
import { closeClients, exportCall } from '../../../../test/helpers/otlpGrpc';
import { request } from '../../../../test/helpers/otlpHttp';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { BIN, expectOneLineError, runCli } from '../../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

const SENDER = path.resolve(__dirname, '../../../../test/fixtures/otlp-sender.js');

afterAll(removeTempDirs);

interface Collector {
  process: ChildProcessWithoutNullStreams;
  url: string;
  /** The OTLP/gRPC endpoint as senders give it, e.g. `http://127.0.0.1:40123` (undefined with --grpc-port off). */
  grpcUrl: string | undefined;
  stderr: () => string;
  /** Resolves with the exit status and stdout once the process has ended. */
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string }>;
}

const running: Collector[] = [];
afterEach(() => {
  for (const c of running.splice(0)) if (c.process.exitCode === null) c.process.kill('SIGKILL');
});

/** Starts `transcriber collect --port 0 --grpc-port 0` and waits for the line that says where it listens. */
async function startCollect(args: string[], options: { cwd?: string } = {}): Promise<Collector> {
  const grpcPort = args.includes('--grpc-port') ? [] : ['--grpc-port', '0'];
  const child = spawn(process.execPath, [BIN, 'collect', '--port', '0', ...grpcPort, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: cleanEnv(),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) =>
    child.on('close', (status, signal) => resolve({ status, signal, stdout })),
  );
  const [url, grpcUrl] = await new Promise<[string, string | undefined]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collect did not start: ${stderr}`)), 20_000);
    const check = () => {
      // The whole line: a chunk may end before its gRPC part.
      const match =
        /listening on (http:\/\/[^\s]+) \(OTLP\/HTTP[^)]*\)(?: and ([^\s]+) \(OTLP\/gRPC\))?, .*Ctrl-C to stop\n/.exec(
          stderr,
        );
      if (match !== null) {
        clearTimeout(timer);
        resolve([match[1], match[2] === undefined ? undefined : `http://${match[2]}`]);
      }
    };
    child.stderr.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`collect exited before listening: ${stderr}`));
    });
  });
  const collector = { process: child, url, grpcUrl, stderr: () => stderr, exited };
  running.push(collector);
  return collector;
}

/** Runs the sender fixture (real OTel exporters) in its own process. */
function send(
  url: string,
  protocol: 'proto' | 'json' | 'grpc',
  scenario: string,
  ...flags: string[]
): Promise<{ sent: { spans: number }; reported: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SENDER, url, protocol, scenario, ...flags], { env: cleanEnv() });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(err)),
    );
  });
}

function spanRows(dataDir: string): number {
  const db = new BetterSqlite3(path.join(dataDir, 'performance_metrics.db'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM spans').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('transcriber collect', () => {
  it('receives Pipecat and LiveKit agents over OTLP, and `performance` shows their components', async () => {
    const dataDir = makeTempDir();
    const collector = await startCollect(['--data-dir', dataDir]);
    expect(collector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const pipecat = await send(collector.url, 'proto', 'pipecat');
    const livekit = await send(collector.url, 'json', 'livekit', '--gzip');
    expect([...pipecat.reported, ...livekit.reported]).toEqual([]);

    // Read while it is still running: the rows are written within milliseconds of arriving.
    const performance = runCli(['performance', '--json', '--data-dir', dataDir]);
    expect(performance.status).toBe(0);
    const components = JSON.parse(performance.stdout).components as {
      component: string;
      count: number;
      maxMs: number;
    }[];
    expect(components.map((c) => [c.component, c.count])).toEqual([
      ['llm', 3], // Pipecat's llm ×2, LiveKit's llm_node (its llm_request is inside it)
      // Pipecat's turns ×2, derived into ours (LiveKit's user_turn and agent_turn are no operations;
      // this sender's user turn was never committed, so it makes no turn)
      ['pipeline', 2],
      ['stt', 2],
      ['tool', 1],
      ['tts', 5], // Pipecat's tts ×2 and old-style tts_cartesiattsservice ×2, LiveKit's tts_node
      ['vad', 1], // LiveKit's end-of-utterance detection
    ]);
    expect(components.find((c) => c.component === 'pipeline')!.maxMs).toBeCloseTo(2200, 0);

    collector.process.kill('SIGTERM');
    const { status, stdout } = await collector.exited;
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^collected at http:\/\/127\.0\.0\.1:\d+ and 127\.0\.0\.1:\d+ \(gRPC\) into .* \(stopped by SIGTERM\)/,
    );
    expect(stdout).toMatch(/\nspans\s+20\s+0\s+and 2 voice turns derived from them\n/);
    expect(collector.stderr()).toMatch(/SIGTERM: finishing the requests under way/);
    expect(collector.stderr()).not.toMatch(/error|warn/i);
  });

  it('SIGTERM while an agent is sending: exits 0 with every accepted span written', async () => {
    const dataDir = makeTempDir();
    const collector = await startCollect(['--data-dir', dataDir, '--json']);
    const sender = spawn(
      process.execPath,
      [SENDER, collector.url, 'proto', 'load', '--spans', '40000', '--batch', '250'],
      { env: cleanEnv() },
    );
    const senderDone = new Promise((resolve) => sender.on('close', resolve));
    const deadline = Date.now() + 20_000;
    // The file appears before its tables do: until then there are no rows to count.
    const rowsSoFar = () => {
      try {
        return spanRows(dataDir);
      } catch {
        return 0;
      }
    };
    while (rowsSoFar() < 1000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    collector.process.kill('SIGTERM');
    const { status, stdout } = await collector.exited;
    sender.kill();
    await senderDone;
    expect(status).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.stoppedBy).toBe('SIGTERM');
    expect(summary.stats.spans.accepted).toBeGreaterThanOrEqual(1000);
    expect(summary.stats.spans.accepted).toBeLessThan(40_000);
    expect(spanRows(dataDir)).toBe(summary.stats.spans.accepted);
  });

  it('answers malformed and oversized bodies with 400 and 413 and keeps serving', async () => {
    const dataDir = makeTempDir();
    const collector = await startCollect(['--data-dir', dataDir]);
    const post = (body: Buffer, type: string) =>
      fetch(`${collector.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': type }, body }).then(
        async (r) => ({
          status: r.status,
          text: await r.text(),
        }),
      );
    const malformed = await post(Buffer.from('{"resourceSpans": 7}'), 'application/json');
    expect(malformed).toEqual({
      status: 400,
      text: JSON.stringify({ code: 3, message: 'malformed traces request: resourceSpans: expected an array, got 7' }),
    });
    const oversized = await post(Buffer.alloc(9 * 1024 * 1024), 'application/x-protobuf');
    expect(oversized.status).toBe(413);
    const sent = await send(collector.url, 'proto', 'pipecat');
    collector.process.kill('SIGTERM');
    const { status, stdout } = await collector.exited;
    expect(status).toBe(0);
    expect(stdout).toMatch(new RegExp(`\\nspans\\s+${sent.sent.spans}\\s+0\\s+and 2 voice turns derived from them\\n`));
    expect(stdout).toMatch(/requests by HTTP status: 200: 1 · 400: 1 · 413: 1/);
  });

  it('receives OTLP/gRPC on its own port beside OTLP/HTTP, and counts the calls by status', async () => {
    const dataDir = makeTempDir();
    const collector = await startCollect(['--data-dir', dataDir]);
    expect(collector.grpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(collector.grpcUrl).not.toBe(collector.url);
    const pipecat = await send(collector.grpcUrl!, 'grpc', 'pipecat', '--gzip');
    const livekit = await send(collector.url, 'proto', 'livekit');
    expect([...pipecat.reported, ...livekit.reported]).toEqual([]);
    collector.process.kill('SIGINT');
    const { status, stdout } = await collector.exited;
    expect(status).toBe(0);
    expect(stdout).toMatch(/^collected at http:\/\/127\.0\.0\.1:\d+ and 127\.0\.0\.1:\d+ \(gRPC\) into /);
    const spans = pipecat.sent.spans + livekit.sent.spans;
    const line = new RegExp(`\\nspans\\s+${spans}\\s+0\\s+and (\\d+) voice turns derived from them\\n`).exec(stdout);
    expect(line).not.toBeNull();
    expect(stdout).toMatch(/requests by HTTP status: 200: 1\ngRPC calls by status: OK: 1\n$/);
    // The turns derived are stored as spans of their own.
    expect(spanRows(dataDir)).toBe(spans + Number(line![1]));
  });

  it('with --grpc-port off listens for OTLP/HTTP only', async () => {
    const dataDir = makeTempDir();
    const collector = await startCollect(['--data-dir', dataDir, '--grpc-port', 'off', '--json']);
    expect(collector.grpcUrl).toBeUndefined();
    collector.process.kill('SIGTERM');
    const { status, stdout, signal } = await collector.exited;
    expect({ status, signal, stderr: collector.stderr() }).toEqual({
      status: 0,
      signal: null,
      stderr: expect.stringMatching(/SIGTERM: finishing/),
    });
    const summary = JSON.parse(stdout);
    expect(summary.grpcTarget).toBeUndefined();
    expect(summary.stats.grpcCalls).toEqual({});
  });

  it('maps spans by the rules of the config file, before the built-in ones', async () => {
    const cwd = makeTempDir();
    const dataDir = path.join(cwd, 'data');
    fs.writeFileSync(
      path.join(cwd, 'transcriber.config.json'),
      JSON.stringify({
        dataDir: 'data',
        collect: { rules: [{ spanName: 'agent_session', component: 'agent', operation: 'session' }] },
      }),
    );
    const collector = await startCollect([], { cwd });
    await send(collector.url, 'proto', 'livekit');
    collector.process.kill('SIGINT');
    expect((await collector.exited).status).toBe(0);
    const db = new BetterSqlite3(path.join(dataDir, 'performance_metrics.db'), { readonly: true });
    const rows = db
      .prepare("SELECT name, component, operation FROM spans WHERE name IN ('agent_session', 'llm_node')")
      .all();
    db.close();
    expect(rows).toEqual(
      expect.arrayContaining([
        { name: 'agent_session', component: 'agent', operation: 'session' },
        { name: 'llm_node', component: 'llm', operation: 'llm_node' },
      ]),
    );
  });

  it('refuses bad flags, a bad collect section and a taken port in one line', async () => {
    const dataDir = makeTempDir();
    expectOneLineError(
      runCli(['collect', '--port', 'http', '--data-dir', dataDir]),
      2,
      /--port expects a port number \(0-65535\), got "http"/,
    );
    expectOneLineError(
      runCli(['collect', '--port', '70000', '--data-dir', dataDir]),
      2,
      /--port expects a port number/,
    );

    const cwd = makeTempDir();
    fs.writeFileSync(
      path.join(cwd, 'transcriber.config.json'),
      JSON.stringify({ collect: { rules: [{ spanName: 'x', component: 'asr' }] } }),
    );
    expectOneLineError(
      runCli(['collect', '--port', '0'], { cwd }),
      2,
      /configuration: .*transcriber\.config\.json: collect\.rules\[0\]\.component: "asr" is not a component/,
    );

    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      expectOneLineError(
        runCli(['collect', '--port', String(port), '--grpc-port', '0', '--data-dir', dataDir]),
        1,
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use .*choose another with --port$`),
      );
      expectOneLineError(
        runCli(['collect', '--port', '0', '--grpc-port', String(port), '--data-dir', dataDir]),
        1,
        new RegExp(
          `cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use .*choose another with --grpc-port \\(or off\\)$`,
        ),
      );
    } finally {
      taken.close();
    }
    expectOneLineError(
      runCli(['collect', '--grpc-port', 'grpc', '--data-dir', dataDir]),
      2,
      /--grpc-port expects a port number \(0-65535\) or off, got "grpc"/,
    );
    expectOneLineError(
      runCli(['collect', '--host', '192.0.2.1', '--port', '0', '--grpc-port', '0', '--data-dir', dataDir]),
      1,
      /cannot listen on 192\.0\.2\.1:0: no such address on this machine/,
    );
  });
});

describe('transcriber collect under a flood of large bodies', () => {
  /** `count` spans each with a `valueBytes`-character attribute, as one OTLP/protobuf request. */
  function bigSpansBody(count: number, valueBytes: number): Buffer {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracer = provider.getTracer('flood');
    const value = 'v'.repeat(valueBytes);
    for (let i = 0; i < count; i++) {
      tracer.startSpan('llm', { attributes: { 'transcriber.component': 'llm', prompt: value } }, ROOT_CONTEXT).end();
    }
    return Buffer.from(ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans())!);
  }

  /** Peak resident memory of a process so far (Linux: VmHWM), MiB. */
  function peakRssMiB(pid: number): number {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) / 1024;
  }

  it('12 parallel senders of compressed and oversized bodies: RSS stays under 300 MiB, valid exports still served', async () => {
    // Issue 18, item 4: RSS peaked at 861 MiB (bodies bounded at 8 × 40 MiB, rows behind them by
    // count only, attribute values by nothing).
    const dataDir = makeTempDir();
    const collector = await startCollect(['--data-dir', dataDir]);
    const pid = collector.process.pid!;
    const baseline = peakRssMiB(pid);
    // ~15 MiB of spans once inflated (under the 16 MiB limit), a few hundred KiB on the wire.
    const inflating = zlib.gzipSync(bigSpansBody(235, 64 * 1024));
    // Over the 8 MiB limit as sent: read and thrown away.
    const oversized = Buffer.alloc(9 * 1024 * 1024, 0x0a);
    const statuses: Record<number, number> = {};
    const until = Date.now() + 12_000;
    const flood = async (body: Buffer, headers: Record<string, string>) => {
      while (Date.now() < until) {
        const answer = await request(collector.url, '/v1/traces', { headers, body }).catch(() => undefined);
        if (answer !== undefined) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      }
    };
    const proto = { 'Content-Type': 'application/x-protobuf' };
    const floods = [
      ...Array.from({ length: 8 }, () => flood(inflating, { ...proto, 'Content-Encoding': 'gzip' })),
      ...Array.from({ length: 4 }, () => flood(oversized, proto)),
    ];
    // A well-behaved agent in the middle of it gets its spans in (retrying 429s as told).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const agent = await send(collector.url, 'proto', 'load', '--spans', '500', '--batch', '100');
    await Promise.all(floods);
    const peak = peakRssMiB(pid);
    collector.process.kill('SIGTERM');
    const { status } = await collector.exited;
    expect(status).toBe(0);
    expect(agent.reported.filter((r) => r.startsWith('error'))).toEqual([]);
    expect(statuses[200]).toBeGreaterThan(0);
    expect(statuses[413]).toBeGreaterThan(0);
    process.stderr.write(
      `collect flood: peak RSS ${peak.toFixed(0)} MiB (at start ${baseline.toFixed(0)}); answers ${JSON.stringify(statuses)}\n`,
    );
    expect(peak).toBeLessThan(300);
    // Every accepted span was written, its 64 KiB value cut to 4,096 characters.
    const db = new BetterSqlite3(path.join(dataDir, 'performance_metrics.db'), { readonly: true });
    try {
      const longest = db.prepare("SELECT max(length(json_extract(attributes, '$.prompt'))) FROM spans").pluck().get();
      expect(longest).toBe(4096);
    } finally {
      db.close();
    }
  }, 90_000);
  it('the same over gRPC: 12 parallel senders of large and oversized messages, RSS under 300 MiB, a real exporter still served', async () => {
    const dataDir = makeTempDir();
    const collector = await startCollect(['--data-dir', dataDir]);
    const target = collector.grpcUrl!.replace('http://', '');
    const pid = collector.process.pid!;
    const baseline = peakRssMiB(pid);
    // ~3.9 MiB of spans (under the 4 MiB message limit), gzip-compressed by the client; and 5 MiB
    // messages over it.
    const large = bigSpansBody(60, 64 * 1024);
    const oversized = Buffer.alloc(5 * 1024 * 1024, 0x0a);
    const codes: Record<number, number> = {};
    const until = Date.now() + 12_000;
    const flood = async (body: Buffer, gzip: boolean) => {
      while (Date.now() < until) {
        const { code } = await exportCall(target, 'traces', body, { gzip });
        codes[code] = (codes[code] ?? 0) + 1;
      }
    };
    const floods = [
      ...Array.from({ length: 8 }, () => flood(large, true)),
      ...Array.from({ length: 4 }, () => flood(oversized, false)),
    ];
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const agent = await send(
      collector.grpcUrl!,
      'grpc',
      'load',
      '--spans',
      '500',
      '--batch',
      '100',
      '--retry-unavailable',
    );
    await Promise.all(floods);
    closeClients();
    const peak = peakRssMiB(pid);
    collector.process.kill('SIGTERM');
    const { status } = await collector.exited;
    expect(status).toBe(0);
    expect(agent.reported.filter((r) => r.startsWith('error'))).toEqual([]);
    expect(codes[0]).toBeGreaterThan(0); // OK
    expect(codes[8]).toBeGreaterThan(0); // RESOURCE_EXHAUSTED
    process.stderr.write(
      `collect gRPC flood: peak RSS ${peak.toFixed(0)} MiB (at start ${baseline.toFixed(0)}); codes ${JSON.stringify(codes)}\n`,
    );
    expect(peak).toBeLessThan(300);
  }, 90_000);
});
