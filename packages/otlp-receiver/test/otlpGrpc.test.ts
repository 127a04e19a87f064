// OTLP/gRPC in front of the same intake as OTLP/HTTP, over real HTTP/2 on 127.0.0.1: the OpenTelemetry
// JS gRPC exporters in a separate process (traces, metrics, logs, gzip, a busy receiver answered
// UNAVAILABLE with RetryInfo and a sender retrying as told), malformed and oversized messages from a
// grpc-js client, the byte budget shared with HTTP, time limits, and a shutdown that writes everything
// it accepted.
import { spawn } from 'node:child_process';
import * as http2 from 'node:http2';
import * as path from 'node:path';
import { OtlpServer, type OtlpServerOptions } from '@transcriber/otlp-receiver';
import { databasePath } from '@transcriber/storage/files';
import { childExit, childSays } from '../../../test/helpers/children';
import { closeClients, exportCall, type CallResult } from '../../../test/helpers/otlpGrpc';
import { slowSender, type SlowSender } from '../../../test/helpers/otlpHttp';
import { countRows, queryRows } from '../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';
import { waitFor } from '../../../test/helpers/wait';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
const SENDER = path.join(FIXTURES, 'otlp-sender.js');
const HOLD_LOCK = path.join(FIXTURES, 'hold-exclusive-lock.js');

afterAll(removeTempDirs);

const servers: OtlpServer[] = [];
afterEach(async () => {
  closeClients();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startServer(
  options: Partial<OtlpServerOptions> = {},
): Promise<{ server: OtlpServer; dataDir: string; target: string }> {
  const dataDir = makeTempDir('transcriber-grpc-');
  const server = await OtlpServer.start({ dataDir, port: 0, grpcPort: 0, ...options });
  servers.push(server);
  return { server, dataDir, target: server.grpcTarget! };
}

interface SenderResult {
  sent: { spans: number; metricPoints: number; logRecords: number };
  reported: string[];
  retried: number;
}

/** Runs the sender fixture (the real OTel gRPC exporters) in its own process against `target`. */
async function send(target: string, scenario: string, ...flags: string[]): Promise<SenderResult> {
  const child = spawn(process.execPath, [SENDER, `http://${target}`, 'grpc', scenario, ...flags], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result = await childExit(child);
  if (result.code !== 0) throw new Error(`sender failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as SenderResult;
}

let nextSpan = 1;

/** An ExportTraceServiceRequest (protobuf) with `count` spans of our stt component, encoded by hand. */
function spansProtobuf(count: number, attributeBytes = 0): Buffer {
  const field = (n: number, bytes: Buffer) => Buffer.concat([varint((n << 3) | 2), varint(bytes.length), bytes]);
  const fixed64 = (n: number, value: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(value);
    return Buffer.concat([varint((n << 3) | 1), b]);
  };
  const keyValue = (key: string, value: string) =>
    field(9, Buffer.concat([field(1, Buffer.from(key)), field(2, field(1, Buffer.from(value)))]));
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: count }, () => {
    const id = Buffer.alloc(8);
    id.writeUInt32BE(nextSpan++, 4);
    return field(
      2,
      Buffer.concat([
        field(1, Buffer.concat([id, id])),
        field(2, id),
        field(5, Buffer.from('stt.transcribe')),
        fixed64(7, now - 5_000_000n),
        fixed64(8, now),
        keyValue('transcriber.component', 'stt'),
        ...(attributeBytes > 0 ? [keyValue('payload', 'p'.repeat(attributeBytes))] : []),
      ]),
    );
  });
  return field(1, field(2, Buffer.concat(spans)));
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

const spanCount = (dataDir: string) => countRows(dataDir, 'performance_metrics', 'spans');

const OK = 0;
const DEADLINE_EXCEEDED = 4;
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;
const UNAVAILABLE = 14;

describe('OTLP/gRPC with the OpenTelemetry JS gRPC exporters', () => {
  it.each([[[]], [['--gzip']]])('stores spans, metric points and our events sent as grpc %j', async (flags) => {
    const { server, dataDir, target } = await startServer();
    const result = await send(target, 'mixed', ...flags);
    // The plain log line is not one of our events: the exporter was told so by partial success.
    expect(result.reported).toEqual([
      expect.stringMatching(
        /^warn: Received Partial Success response: .*"rejectedLogRecords":1.*not a transcriber event/,
      ),
    ]);
    const stats = await server.close();
    expect(stats.spans).toEqual({ accepted: 4, rejected: 0 });
    expect(stats.metricPoints).toEqual({ accepted: 2, rejected: 0, baselines: 0 });
    expect(stats.logRecords).toEqual({ accepted: 1, rejected: 1 });
    expect(stats.grpcCalls).toEqual({ OK: 3 });
    expect(stats.requests).toEqual({});

    const spans = queryRows<{ name: string; component: string | null; status_code: number; events: string | null }>(
      dataDir,
      'performance_metrics',
      'SELECT name, component, status_code, events FROM spans ORDER BY start_us',
    );
    expect(spans.map((s) => [s.name, s.component])).toEqual([
      ['pipeline.turn', 'pipeline'],
      ['stt.transcribe', 'stt'],
      ['llm.generate', 'llm'],
      ['HTTP GET', null],
    ]);
    expect(spans[2].status_code).toBe(2);
    expect(JSON.parse(spans[2].events!)[0].name).toBe('first_token');
    expect(
      queryRows(dataDir, 'performance_metrics', 'SELECT name, kind, value, count FROM metric_points ORDER BY name'),
    ).toEqual([
      { name: 'gen_ai.client.operation.duration', kind: 'histogram', value: null, count: 1 },
      { name: 'tts.characters', kind: 'sum', value: 42, count: null },
    ]);
    expect(queryRows(dataDir, 'benchmark_results', 'SELECT component FROM benchmark_results')).toEqual([
      { component: 'stt' },
    ]);
  });

  it('gives Pipecat and LiveKit Agents spans their pipeline components, HTTP and gRPC into one store', async () => {
    const { server, dataDir, target } = await startServer();
    await send(target, 'pipecat', '--gzip');
    const http = spawn(process.execPath, [SENDER, server.url, 'proto', 'livekit'], { stdio: ['pipe', 'pipe', 'pipe'] });
    expect((await childExit(http)).code).toBe(0);
    const stats = await server.close();
    expect(stats.grpcCalls).toEqual({ OK: 1 });
    expect(stats.requests).toEqual({ '200': 1 });
    const byName = Object.fromEntries(
      queryRows<{ name: string; component: string | null }>(
        dataDir,
        'performance_metrics',
        'SELECT DISTINCT name, component FROM spans',
      ).map((r) => [r.name, r.component]),
    );
    expect(byName).toMatchObject({ stt: 'stt', llm: 'llm', tts: 'tts', llm_node: 'llm', function_tool: 'tool' });
    expect(byName.conversation).toBeNull();
  });
});

describe('calls the receiver refuses', () => {
  it('INVALID_ARGUMENT for malformed messages, RESOURCE_EXHAUSTED for oversized ones, and keeps serving', async () => {
    const { server, dataDir, target } = await startServer({ maxGrpcMessageBytes: 64 * 1024, maxQueuedRows: 100 });

    const garbage = await exportCall(target, 'traces', Buffer.from([0x0a, 0x20, 0x01]));
    expect(garbage.code).toBe(INVALID_ARGUMENT);
    expect(garbage.details).toMatch(/^malformed traces request: length 32 at byte 1 runs past/);
    expect(garbage.retryInfoS).toBeUndefined();

    const legacy = await exportCall(target, 'logs', Buffer.from([0x0a, 0x03, 0xc2, 0x3e, 0x00]));
    expect(legacy.code).toBe(INVALID_ARGUMENT);
    expect(legacy.details).toMatch(/instrumentation_library_logs \(OTLP before 0\.15\) is not supported/);

    // Over the message limit as sent, and once decompressed: not to be retried (no RetryInfo).
    const over = await exportCall(target, 'traces', Buffer.alloc(200 * 1024, 0x0a));
    expect(over.code).toBe(RESOURCE_EXHAUSTED);
    expect(over.retryInfoS).toBeUndefined();
    expect(over.statusDetails).toBeUndefined();
    const bomb = await exportCall(target, 'metrics', Buffer.alloc(4 * 1024 * 1024), { gzip: true });
    expect(bomb.code).toBe(RESOURCE_EXHAUSTED);
    expect(bomb.details).toMatch(/decompresses to a size larger than 65536/);
    // More items than the queue can ever hold.
    const tooMany = await exportCall(target, 'traces', spansProtobuf(101));
    expect(tooMany).toMatchObject({
      code: RESOURCE_EXHAUSTED,
      details: '101 items in one request exceed the queue of 100; send smaller batches',
      retryInfoS: undefined,
    });

    const profiles = await exportCall(target, 'traces', Buffer.alloc(0), {
      path: '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export',
    });
    expect(profiles.code).toBe(UNIMPLEMENTED);

    // Still serving: a whole, gzip-compressed export is stored (an empty response: full success).
    const good = await exportCall(target, 'traces', spansProtobuf(3), { gzip: true });
    expect(good).toEqual({ code: OK, details: '', response: Buffer.alloc(0) });

    const stats = await server.close();
    expect(spanCount(dataDir)).toBe(3);
    // The oversized two were ended by grpc-js before the receiver saw their message; the unknown
    // service never reached it.
    expect(stats.grpcCalls).toEqual({ OK: 1, INVALID_ARGUMENT: 2, RESOURCE_EXHAUSTED: 1, 'ended early': 2 });
  });

  it('answers partial success in the response message, as over HTTP', async () => {
    const { server, dataDir, target } = await startServer();
    const body = spansProtobuf(3);
    // The second span's span_id (8 bytes after its trace id) zeroed: rejected, the others stored.
    const firstSpanId = body.indexOf(Buffer.from([0x12, 0x08]), body.indexOf(Buffer.from([0x12, 0x08])) + 1);
    body.fill(0, firstSpanId + 2, firstSpanId + 10);
    const answer = await exportCall(target, 'traces', body);
    expect(answer.code).toBe(OK);
    // ExportTraceServiceResponse { partial_success (1) { rejected_spans (1): 1, error_message (2) } }
    const message = '1 spans rejected: span_id is not 8 bytes or is all zeros (1)';
    expect(answer.response).toEqual(
      Buffer.concat([Buffer.from([0x0a, 4 + message.length, 0x08, 0x01, 0x12, message.length]), Buffer.from(message)]),
    );
    await server.close();
    expect(spanCount(dataDir)).toBe(2);
  });

  it('refuses to bind a gRPC port that is taken, and leaves nothing open', async () => {
    const { server } = await startServer();
    const dataDir = makeTempDir('transcriber-grpc-');
    const port = Number(server.grpcTarget!.split(':').pop());
    await expect(OtlpServer.start({ dataDir, port: 0, grpcPort: port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
      listener: 'grpc',
      port,
    });
  });
});

describe('back-pressure over gRPC', () => {
  /** Creates the database (so another process can lock it) and returns a lock holder. */
  async function lockDatabase(target: string, dataDir: string, release: 'stdin' | number) {
    expect((await exportCall(target, 'traces', spansProtobuf(1))).code).toBe(OK);
    await waitFor('the first span to be written', () => spanCount(dataDir) === 1);
    const holder = spawn(process.execPath, [HOLD_LOCK, databasePath(dataDir, 'performance_metrics'), String(release)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const released = childExit(holder);
    await childSays(holder, 'locked');
    return { holder, released };
  }

  it('UNAVAILABLE with RetryInfo in both trailers when the queue is full', async () => {
    const { server, dataDir, target } = await startServer({ maxQueuedRows: 100 });
    const { holder, released } = await lockDatabase(target, dataDir, 'stdin');
    // Fills the queue exactly; the writer cannot write it while the lock is held.
    expect((await exportCall(target, 'traces', spansProtobuf(100))).code).toBe(OK);
    const full = await exportCall(target, 'traces', spansProtobuf(5));
    expect(full.code).toBe(UNAVAILABLE);
    expect(full.details).toMatch(/waiting to be written; retry later|cannot be written right now/);
    expect(full.retryInfoS).toBe(1);
    expect(full.statusDetails).toEqual({ code: UNAVAILABLE, message: full.details, retryInfoS: 1 });
    holder.stdin!.end();
    await released;
    await waitFor('the queued spans to be written', () => spanCount(dataDir) === 101, 15_000);
    expect((await exportCall(target, 'traces', spansProtobuf(5))).code).toBe(OK);
    await server.close();
    expect(spanCount(dataDir)).toBe(106);
  });

  it('a real exporter answered UNAVAILABLE while the database is locked gets everything in by retrying as told', async () => {
    const notices: string[] = [];
    const { server, dataDir, target } = await startServer({ notify: (m) => notices.push(m) });
    // Held until released below: the sender must meet the lock, however slow the machine.
    const { holder, released } = await lockDatabase(target, dataDir, 'stdin');
    // The first call after the lock is accepted (the writer has not met the lock yet) …
    expect((await exportCall(target, 'traces', spansProtobuf(10))).code).toBe(OK);
    // … and once it has, calls are refused while the data waits in memory.
    let refused: CallResult | undefined;
    while (refused === undefined) {
      const answer = await exportCall(target, 'traces', Buffer.alloc(0));
      if (answer.code === UNAVAILABLE) refused = answer;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(refused).toMatchObject({ code: UNAVAILABLE, retryInfoS: 1 });
    expect(refused.details).toMatch(/cannot be written right now \(locked\)/);
    expect(notices).toEqual(['the databases cannot be written (locked); refusing data until they can']);

    const probes = server.stats.grpcCalls.UNAVAILABLE;
    const sending = send(target, 'load', '--spans', '300', '--batch', '100', '--retry-unavailable');
    await waitFor('the sender to be refused', () => server.stats.grpcCalls.UNAVAILABLE > probes, 20_000);
    holder.stdin!.end();
    await released;
    const sender = await sending;
    expect(sender.retried).toBeGreaterThan(0);
    expect(sender.reported.filter((r) => r.startsWith('error'))).toEqual([]);
    const stats = await server.close();
    expect(spanCount(dataDir)).toBe(1 + 10 + 300);
    expect(stats.grpcCalls.UNAVAILABLE).toBe(probes + sender.retried);
    expect(notices[notices.length - 1]).toBe('the databases are writable again; accepting data');
  }, 90_000);

  it('shares one byte budget with OTLP/HTTP: a body being received over HTTP leaves no room for a gRPC message', async () => {
    const { server, target } = await startServer({ maxBufferedBytes: 64 * 1024 });
    // An HTTP body of which 60 KiB have arrived, held in the budget while the rest trickles.
    const head =
      'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n';
    const slow: SlowSender = slowSender(server.url, head + 'x'.repeat(60 * 1024), 200);
    try {
      await waitFor(
        'the HTTP body to be held',
        () => server.stats.requests['200'] === undefined && budgetUsed(server) >= 60 * 1024,
      );
      const refused = await exportCall(target, 'traces', spansProtobuf(20, 500));
      expect(refused).toMatchObject({ code: UNAVAILABLE, retryInfoS: 1 });
      expect(refused.details).toMatch(/more than 65536 bytes are being received or waiting to be written/);
    } finally {
      slow.stop();
    }
    await waitFor('the HTTP body to be given back', () => budgetUsed(server) === 0);
    expect((await exportCall(target, 'traces', spansProtobuf(20, 500))).code).toBe(OK);
  });
});

/** Bytes of bodies being read, from the server's intake (white-box: the budget is not public). */
function budgetUsed(server: OtlpServer): number {
  return (server as unknown as { intake: { budget: { inFlight: number } } }).intake.budget.inFlight;
}

describe('time limits over gRPC', () => {
  it('ends a call whose message trickles past the limit with DEADLINE_EXCEEDED, serving others meanwhile', async () => {
    const { target } = await startServer({ requestTimeoutMs: 2000, headersTimeoutMs: 1000 });
    const session = http2.connect(`http://${target}`);
    session.on('error', () => undefined);
    const started = performance.now();
    const trickled = (i: number) =>
      new Promise<{ status: string | undefined; elapsedMs: number }>((resolve) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          'content-type': 'application/grpc',
          te: 'trailers',
        });
        // A message declared 100,000 bytes long, sent a byte at a time until an answer comes.
        stream.write(Buffer.from([0, 0, 1, 0x86, 0xa0]));
        const timer = setInterval(() => stream.write(Buffer.from([0x0a + (i % 2)])), 100);
        const answered = (status: unknown) => {
          clearInterval(timer);
          resolve({ status: status as string | undefined, elapsedMs: performance.now() - started });
          stream.close();
        };
        // A trailers-only answer comes as the response headers.
        stream.on('response', (headers) => answered(headers['grpc-status']));
        stream.on('error', () => undefined);
        stream.resume();
      });
    const slow = Array.from({ length: 20 }, (_, i) => trickled(i));
    // Meanwhile, a whole export is served at once.
    expect((await exportCall(target, 'traces', spansProtobuf(3))).code).toBe(OK);
    const ended = await Promise.all(slow);
    session.close();
    for (const { status, elapsedMs } of ended) {
      expect(status).toBe(String(DEADLINE_EXCEEDED));
      expect(elapsedMs).toBeGreaterThanOrEqual(1900);
      expect(elapsedMs).toBeLessThan(8000);
    }
  });

  it('closes a connection that makes no call', async () => {
    const { target } = await startServer({ headersTimeoutMs: 1000 });
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    // Nothing at all, not even the HTTP/2 preface; and a session that opens but calls nothing.
    const silent = slowSender(`http://${host}:${port}`, '', 1000, '');
    const session = http2.connect(`http://${target}`);
    session.on('error', () => undefined);
    const sessionClosed = new Promise<number>((resolve) => {
      const started = performance.now();
      session.on('close', () => resolve(performance.now() - started));
    });
    const { elapsedMs } = await silent.closed;
    expect(elapsedMs).toBeLessThan(8000);
    expect(await sessionClosed).toBeLessThan(8000);
  });
});

describe('shutdown with gRPC senders', () => {
  it('answers the calls under way, refuses new ones, and writes everything it accepted', async () => {
    const { server, dataDir, target } = await startServer();
    const sender = spawn(
      process.execPath,
      [SENDER, `http://${target}`, 'grpc', 'load', '--spans', '20000', '--batch', '200'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const exited = childExit(sender);
    await waitFor('some spans to arrive', () => server.stats.spans.accepted >= 2000, 20_000);
    const stats = await server.close();
    expect(stats.spans.accepted).toBeLessThan(20_000);
    expect(spanCount(dataDir)).toBe(stats.spans.accepted);
    sender.kill();
    await exited;
  });
});
