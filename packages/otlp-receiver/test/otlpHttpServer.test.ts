// The OTLP/HTTP receiver over real HTTP on 127.0.0.1: real OTLP from the OpenTelemetry JS exporters
// in a separate process, malformed and oversized bodies, gzip, back-pressure while the database is
// locked by another process, and a shutdown that writes everything it accepted.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DEFAULT_COMPONENT_RULES, OtlpServer, type OtlpServerOptions } from '@transcriber/otlp-receiver';
import { databasePath } from '@transcriber/storage/files';
import { ProtobufReader } from '../src/protobufReader';
import { childExit, childSays } from '../../../test/helpers/children';
import { rawRequest, request, spansJson, type Answer } from '../../../test/helpers/otlpHttp';
import { countRows, queryRows } from '../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';
import { waitFor } from '../../../test/helpers/wait';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
const SENDER = path.join(FIXTURES, 'otlp-sender.js');
const HOLD_LOCK = path.join(FIXTURES, 'hold-exclusive-lock.js');

afterAll(removeTempDirs);

const servers: OtlpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startServer(options: Partial<OtlpServerOptions> = {}): Promise<{ server: OtlpServer; dataDir: string }> {
  const dataDir = makeTempDir('transcriber-collect-');
  const server = await OtlpServer.start({ dataDir, port: 0, ...options });
  servers.push(server);
  return { server, dataDir };
}

interface SenderResult {
  sent: { spans: number; metricPoints: number; logRecords: number };
  reported: string[];
}

/** Runs the sender fixture (real OTel exporters) in its own process against the server. */
async function send(
  url: string,
  protocol: 'proto' | 'json',
  scenario: string,
  ...flags: string[]
): Promise<SenderResult> {
  const child = spawn(process.execPath, [SENDER, url, protocol, scenario, ...flags], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result = await childExit(child);
  if (result.code !== 0) throw new Error(`sender failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as SenderResult;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const PROTOBUF_HEADERS = { 'Content-Type': 'application/x-protobuf' };
/** A google.rpc.Status from a protobuf error body. */
function statusOf(body: Buffer): { code: number; message: string } {
  const r = new ProtobufReader(body);
  const status = { code: 0, message: '' };
  while (r.more) {
    const tag = r.uint32();
    if (tag === 0x08) status.code = r.uint32();
    else if (tag === 0x12) status.message = r.string();
    else r.skip(tag, 0, 'Status');
  }
  return status;
}

const spanCount = (dataDir: string) => countRows(dataDir, 'performance_metrics', 'spans');

describe('OTLP/HTTP receiver with the OpenTelemetry JS exporters', () => {
  it.each([
    ['proto', []],
    ['json', []],
    ['proto', ['--gzip']],
    ['json', ['--gzip']],
  ] as const)('stores spans, metric points and our events sent as http/%s %j', async (protocol, flags) => {
    const { server, dataDir } = await startServer();
    const result = await send(server.url, protocol, 'mixed', ...flags);
    // The plain log line is not one of our events: the exporter was told so by partial success.
    expect(result.reported).toEqual([
      expect.stringMatching(
        /^warn: Received Partial Success response: .*"rejectedLogRecords":"?1"?.*not a transcriber event/,
      ),
    ]);
    const stats = await server.close();
    expect(stats.spans).toEqual({ accepted: 4, rejected: 0 });
    expect(stats.metricPoints).toEqual({ accepted: 2, rejected: 0, baselines: 0 });
    expect(stats.logRecords).toEqual({ accepted: 1, rejected: 1 });

    const spans = queryRows<{
      name: string;
      component: string | null;
      operation: string | null;
      status_code: number;
      events: string | null;
      parent_span_id: string | null;
    }>(
      dataDir,
      'performance_metrics',
      'SELECT name, component, operation, status_code, events, parent_span_id FROM spans ORDER BY start_us',
    );
    expect(spans.map((s) => [s.name, s.component, s.operation])).toEqual([
      ['pipeline.turn', 'pipeline', 'turn'],
      ['stt.transcribe', 'stt', 'transcribe'],
      ['llm.generate', 'llm', 'generate'],
      ['HTTP GET', null, null],
    ]);
    expect(spans[2].status_code).toBe(2);
    expect(JSON.parse(spans[2].events!)[0].name).toBe('first_token');
    expect(spans.filter((s) => s.parent_span_id !== null)).toHaveLength(3);
    const services = queryRows<{ service_name: string }>(
      dataDir,
      'performance_metrics',
      'SELECT service_name FROM resources',
    );
    expect(services).toEqual([{ service_name: 'mixed-agent' }]);

    const points = queryRows<{
      name: string;
      kind: string;
      component: string | null;
      value: number | null;
      count: number | null;
    }>(dataDir, 'performance_metrics', 'SELECT name, kind, component, value, count FROM metric_points ORDER BY name');
    expect(points).toEqual([
      { name: 'gen_ai.client.operation.duration', kind: 'histogram', component: null, value: null, count: 1 },
      { name: 'tts.characters', kind: 'sum', component: 'tts', value: 42, count: null },
    ]);
    const benchmarks = queryRows<{ component: string; service: string }>(
      dataDir,
      'benchmark_results',
      'SELECT component, service_name AS service FROM benchmark_results',
    );
    expect(benchmarks).toEqual([{ component: 'stt', service: 'mixed-agent' }]);
  });

  it('gives Pipecat and LiveKit Agents spans their pipeline components, their turns one pipeline turn each', async () => {
    const { server, dataDir } = await startServer();
    await send(server.url, 'proto', 'pipecat');
    await send(server.url, 'json', 'livekit');
    await server.close();
    const rows = queryRows<{ name: string; component: string | null; operation: string | null }>(
      dataDir,
      'performance_metrics',
      'SELECT DISTINCT name, component, operation FROM spans ORDER BY name',
    );
    expect(rows).toEqual([
      { name: 'agent_session', component: null, operation: null },
      { name: 'agent_turn', component: null, operation: null },
      { name: 'conversation', component: null, operation: null },
      { name: 'eou_detection', component: 'vad', operation: 'eou_detection' },
      { name: 'function_tool', component: 'tool', operation: 'function_tool' },
      { name: 'llm', component: 'llm', operation: 'llm' },
      { name: 'llm_node', component: 'llm', operation: 'llm_node' },
      { name: 'llm_request', component: null, operation: null },
      { name: 'pipeline.turn', component: 'pipeline', operation: 'turn' },
      { name: 'stt', component: 'stt', operation: 'stt' },
      { name: 'tts', component: 'tts', operation: 'tts' },
      { name: 'tts_cartesiattsservice', component: 'tts', operation: 'tts_cartesiattsservice' },
      { name: 'tts_node', component: 'tts', operation: 'tts_node' },
      { name: 'tts_request', component: null, operation: null },
      { name: 'turn', component: null, operation: null },
      { name: 'user_turn', component: null, operation: null },
    ]);
    // Pipecat's two turns (this sender's LiveKit user turn was never committed: no exchange).
    expect(countRows(dataDir, 'performance_metrics', "spans WHERE name = 'pipeline.turn'")).toBe(2);
  });

  it('uses the rules it is given before the built-in ones', async () => {
    const { server, dataDir } = await startServer({
      componentRules: [
        { spanName: 'llm_request', component: 'llm', operation: 'provider_call' },
        { spanName: 'tts_node', component: null },
        ...DEFAULT_COMPONENT_RULES,
      ],
    });
    await send(server.url, 'proto', 'livekit');
    await server.close();
    const byName = Object.fromEntries(
      queryRows<{ name: string; component: string | null; operation: string | null }>(
        dataDir,
        'performance_metrics',
        'SELECT name, component, operation FROM spans',
      ).map((r) => [r.name, [r.component, r.operation]]),
    );
    expect(byName.llm_request).toEqual(['llm', 'provider_call']);
    expect(byName.tts_node).toEqual([null, null]);
    expect(byName.llm_node).toEqual(['llm', 'llm_node']);
  });
});

describe('requests the receiver refuses', () => {
  it('answers malformed, unsupported and oversized requests with the status and a reason, and keeps serving', async () => {
    const { server, dataDir } = await startServer({ maxBodyBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024 });
    const url = server.url;

    const garbage = await request(url, '/v1/traces', {
      headers: PROTOBUF_HEADERS,
      body: Buffer.from([0x0a, 0x20, 0x01]),
    });
    expect(garbage.status).toBe(400);
    expect(garbage.headers['content-type']).toBe('application/x-protobuf');
    expect(statusOf(garbage.body)).toEqual({
      code: 3,
      message: expect.stringMatching(/^malformed traces request: length 32 at byte 1 runs past/),
    });

    const badJson = await request(url, '/v1/metrics', {
      headers: JSON_HEADERS,
      body: Buffer.from('{"resourceMetrics": ['),
    });
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body.toString())).toEqual({
      code: 3,
      message: expect.stringMatching(/^malformed metrics request: body is not valid JSON/),
    });

    const wrongShape = await request(url, '/v1/logs', {
      headers: JSON_HEADERS,
      body: Buffer.from('{"resourceLogs": {"x": 1}}'),
    });
    expect(wrongShape.status).toBe(400);
    expect(JSON.parse(wrongShape.body.toString()).message).toBe(
      'malformed logs request: resourceLogs: expected an array, got {"x":1}',
    );

    const textPlain = await request(url, '/v1/traces', {
      headers: { 'Content-Type': 'text/plain' },
      body: Buffer.from('hi'),
    });
    expect(textPlain.status).toBe(415);
    expect(JSON.parse(textPlain.body.toString()).message).toMatch(/unsupported content-type "text\/plain"/);

    const brotli = await request(url, '/v1/traces', {
      headers: { ...JSON_HEADERS, 'Content-Encoding': 'br' },
      body: Buffer.from('{}'),
    });
    expect(brotli.status).toBe(415);

    const get = await request(url, '/v1/traces', { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');

    const elsewhere = await request(url, '/v1/profiles', { headers: JSON_HEADERS, body: Buffer.from('{}') });
    expect(elsewhere.status).toBe(404);

    // Over the cap: read to the end and thrown away, so a sender writing all of it first reads the 413.
    const over = await request(url, '/v1/traces', { headers: JSON_HEADERS, body: Buffer.alloc(200 * 1024, 0x20) });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body.toString()).message).toBe(
      'body exceeds the limit of 65536 bytes; send smaller batches',
    );

    // Absurdly over the cap, declared up front: refused before reading, and the connection closed.
    const absurd = await rawRequest(
      url,
      'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n',
    );
    expect(absurd).toMatch(/^HTTP\/1\.1 413 /);
    expect(absurd).toMatch(/\r\nConnection: close\r\n/i);
    expect(absurd).toMatch(/body of 1000000000 bytes exceeds the limit of 65536/);

    // Over the cap, sent chunked (no length): refused once it is passed.
    const chunked = await request(url, '/v1/traces', {
      headers: JSON_HEADERS,
      body: Array.from({ length: 9 }, () => Buffer.alloc(8 * 1024, 0x20)),
    });
    expect(chunked.status).toBe(413);

    // Small on the wire, huge once decompressed.
    const bomb = zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const inflated = await request(url, '/v1/traces', {
      headers: { ...JSON_HEADERS, 'Content-Encoding': 'gzip' },
      body: bomb,
    });
    expect(inflated.status).toBe(413);
    expect(JSON.parse(inflated.body.toString()).message).toMatch(/decompressed body exceeds the limit of 262144 bytes/);

    const notGzip = await request(url, '/v1/traces', {
      headers: { ...JSON_HEADERS, 'Content-Encoding': 'gzip' },
      body: Buffer.from('{}'),
    });
    expect(notGzip.status).toBe(400);
    expect(JSON.parse(notGzip.body.toString()).message).toMatch(/^body is not valid gzip/);

    // Still serving, and nothing of the refused requests was stored.
    const good = await request(url, '/v1/traces', {
      headers: { ...JSON_HEADERS, 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync(spansJson(3)),
    });
    expect(good.status).toBe(200);
    expect(good.body.toString()).toBe('{}');
    const stats = await server.close();
    expect(spanCount(dataDir)).toBe(3);
    expect(stats.requests).toEqual({ '200': 1, '400': 4, '404': 1, '405': 1, '413': 4, '415': 2 });
  });

  it('answers a partly unusable request 200 with partial success in the request encoding', async () => {
    const { server, dataDir } = await startServer();
    const body = JSON.parse(spansJson(3).toString());
    body.resourceSpans[0].scopeSpans[0].spans[1].spanId = '';
    const answer = await request(server.url, '/v1/traces', {
      headers: JSON_HEADERS,
      body: Buffer.from(JSON.stringify(body)),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: '1 spans rejected: span_id is not 8 bytes or is all zeros (1)',
      },
    });
    await server.close();
    expect(spanCount(dataDir)).toBe(2);
  });

  it('refuses to bind a port that is taken, and leaves nothing open', async () => {
    const { server } = await startServer();
    const dataDir = makeTempDir('transcriber-collect-');
    await expect(OtlpServer.start({ dataDir, port: server.address.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});

describe('a batch sent twice', () => {
  it('is stored once, as a retrying exporter would send it', async () => {
    const { server, dataDir } = await startServer();
    const body = spansJson(7);
    for (let i = 0; i < 2; i++) {
      expect((await request(server.url, '/v1/traces', { headers: JSON_HEADERS, body })).status).toBe(200);
    }
    await server.close();
    expect(spanCount(dataDir)).toBe(7);
  });
});

describe('back-pressure', () => {
  /** Creates the database (so another process can lock it) and returns a lock holder. */
  async function lockDatabase(url: string, dataDir: string, holdMs: number) {
    expect((await request(url, '/v1/traces', { headers: JSON_HEADERS, body: spansJson(1) })).status).toBe(200);
    await waitFor('the first span to be written', () => spanCount(dataDir) === 1);
    const holder = spawn(process.execPath, [HOLD_LOCK, databasePath(dataDir, 'performance_metrics'), String(holdMs)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const released = childExit(holder);
    await childSays(holder, 'locked');
    // In an object: an async function returning the promise itself would wait for it.
    return { released };
  }

  it('429 when the queue is full, 413 for more than it can ever hold, and the queue drains when the lock goes', async () => {
    const { server, dataDir } = await startServer({ maxQueuedRows: 100, maxBodyBytes: 64 * 1024 });
    const { released } = await lockDatabase(server.url, dataDir, 1500);

    const tooMany = await request(server.url, '/v1/traces', { headers: JSON_HEADERS, body: spansJson(101) });
    expect(tooMany.status).toBe(413);
    expect(JSON.parse(tooMany.body.toString()).message).toBe(
      '101 items in one request exceed the queue of 100; send smaller batches',
    );

    // Fills the queue exactly; the writer cannot write it while the lock is held.
    expect((await request(server.url, '/v1/traces', { headers: JSON_HEADERS, body: spansJson(100) })).status).toBe(200);
    const full = await request(server.url, '/v1/traces', { headers: PROTOBUF_HEADERS, body: Buffer.alloc(0) });
    expect(full.status).toBe(429);
    expect(full.headers['retry-after']).toBe('1');
    expect(statusOf(full.body).code).toBe(8);
    // A body over the size limit is answered 413 even now: retried, it would never fit.
    const oversized = await request(server.url, '/v1/traces', {
      headers: PROTOBUF_HEADERS,
      body: Buffer.alloc(80 * 1024, 0x0a),
    });
    expect(oversized.status).toBe(413);
    expect(statusOf(oversized.body).message).toBe('body exceeds the limit of 65536 bytes; send smaller batches');

    await released;
    await waitFor('the queued spans to be written', () => spanCount(dataDir) === 101, 15_000);
    expect((await request(server.url, '/v1/traces', { headers: JSON_HEADERS, body: spansJson(5) })).status).toBe(200);
    await server.close();
    expect(spanCount(dataDir)).toBe(106);
  });

  it('503 while the database is locked by another process; the OTel exporter retries and nothing is lost', async () => {
    const notices: string[] = [];
    const { server, dataDir } = await startServer({ notify: (m) => notices.push(m) });
    const { released } = await lockDatabase(server.url, dataDir, 2500);
    // The first request after the lock is accepted (the writer has not met the lock yet) …
    expect((await request(server.url, '/v1/traces', { headers: JSON_HEADERS, body: spansJson(10) })).status).toBe(200);
    // … and once it has, requests are answered 503 + Retry-After while the data waits in memory.
    let unavailable: Answer | undefined;
    for (let i = 0; i < 50 && unavailable === undefined; i++) {
      const answer = await request(server.url, '/v1/traces', { headers: JSON_HEADERS, body: Buffer.from('{}') });
      if (answer.status === 503) unavailable = answer;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(unavailable?.headers['retry-after']).toBe('1');
    expect(JSON.parse(unavailable!.body.toString()).message).toMatch(/cannot be written right now \(locked\)/);
    expect(notices).toEqual(['the databases cannot be written (locked); refusing data until they can']);

    // A real exporter meets the 503s, waits as told, and gets its spans in once the lock is gone.
    const sender = await send(server.url, 'proto', 'load', '--spans', '300', '--batch', '100');
    expect(sender.reported.filter((r) => r.startsWith('error'))).toEqual([]);
    await released;
    await server.close();
    expect(spanCount(dataDir)).toBe(1 + 10 + 300);
    expect(notices[notices.length - 1]).toBe('the databases are writable again; accepting data');
  });
});

describe('shutdown', () => {
  it('answers the requests under way, refuses new ones, and writes everything it accepted', async () => {
    const { server, dataDir } = await startServer();
    const sender = spawn(
      process.execPath,
      [SENDER, server.url, 'proto', 'load', '--spans', '20000', '--batch', '200'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const exited = childExit(sender);
    await waitFor('some spans to arrive', () => server.stats.spans.accepted >= 2000, 20_000);
    const stats = await server.close();
    // Everything acknowledged is in the database, and the sender was still sending when it closed.
    expect(stats.spans.accepted).toBeLessThan(20_000);
    expect(spanCount(dataDir)).toBe(stats.spans.accepted);
    sender.kill();
    await exited;
  });
});
