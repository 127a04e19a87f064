/**
 * The web view's API over real HTTP (127.0.0.1, port 0), on a data directory written through the
 * real exporters, profiler and benchmark suite (fixtures/seedViewData.js).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { databasePath } from '@transcriber/storage/files';
import { startUiServer, type UiServer } from '@transcriber/ui';
import type {
  BenchmarksResponse,
  CompareResponse,
  FlameGraph,
  FlameNode,
  OperationsResponse,
  OverTimeResponse,
  ProfileResponse,
  ProfilesResponse,
  RecommendationsResponse,
  ServicesResponse,
  TraceResponse,
  TurnsResponse,
} from '@transcriber/ui';
import { recordSpans } from '../../../test/helpers/recordSpans';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';
import { getJson, request } from './helpers/http';
import { seedViewData, type SeedSummary } from './helpers/seed';

afterAll(removeTempDirs);

describe('the web view API', () => {
  const dataDir = path.join(makeTempDir('transcriber-ui-api-'), 'data');
  let seed: SeedSummary;
  let server: UiServer;
  const errors: unknown[] = [];
  const api = <T>(p: string) => getJson<T>(server.url, p);

  beforeAll(async () => {
    seed = await seedViewData(dataDir);
    server = await startUiServer({ dataDir, port: 0, onError: (err) => errors.push(err) });
  }, 120_000);
  afterAll(() => server?.close());
  afterEach(() => expect(errors).toEqual([]));

  it('listens on 127.0.0.1 only, on the port it was given (0: a free one)', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('lists the services', async () => {
    const { status, json } = await api<ServicesResponse>('/api/services');
    expect(status).toBe(200);
    expect(json.services.map((s) => [s.service, s.benchmark])).toEqual([
      ['fast-agent', false],
      ['transcriber-benchmark', true],
      ['voice-agent', false],
    ]);
  });

  it('gives the turns newest first with their stages, and the window’s percentiles and histogram', async () => {
    const { status, json } = await api<TurnsResponse>('/api/turns');
    expect(status).toBe(200);
    expect(json.turns).toHaveLength(80);
    const starts = json.turns.map((t) => t.startUs);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    for (const turn of json.turns) {
      // Whatever stages the turn model lists, the unexplained rest included (80 ms in every 5th).
      expect(turn.stages.map((s) => s.stage)).toEqual([
        'endpointing',
        'transcription',
        'agent',
        'tts',
        'playout',
        'unexplained',
      ]);
      const sum = turn.stages.reduce((n, s) => n + s.ms!, 0);
      expect(sum).toBeCloseTo(turn.voiceToVoiceMs!, 3);
    }
    const written = [...seed.agent, ...seed.fast].map((t) => t.voiceToVoiceMs).sort((a, b) => a - b);
    const { summary } = json;
    expect(summary.turns).toBe(80);
    expect(summary.cappedSinceUs).toBeNull();
    expect(summary.voiceToVoiceMs!.p50).toBeCloseTo((written[39] + written[40]) / 2, 3);
    expect(summary.interruptions).toBe([...seed.agent, ...seed.fast].filter((t) => t.interrupted).length);
    expect(summary.stages.map((s) => [s.stage, s.count])).toEqual([
      ['endpointing', 80],
      ['transcription', 80],
      ['agent', 80],
      ['tts', 80],
      ['playout', 80],
      ['unexplained', 80],
    ]);
    expect(summary.targetBandMs).toEqual([500, 800]);
    const bins = summary.histogram.bins;
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(80);
    expect(bins[0].fromMs).toBe(0);
    expect(bins[bins.length - 1].toMs).toBeGreaterThan(written[written.length - 1]);
    // Fine enough to show the band's edges.
    expect(500 % summary.histogram.binMs).toBe(0);
    expect(800 % summary.histogram.binMs).toBe(0);
  });

  it('filters turns by service and orders them slowest first', async () => {
    const fast = await api<TurnsResponse>('/api/turns?service=fast-agent&order=slowest&limit=5');
    expect(fast.json.turns).toHaveLength(5);
    expect(new Set(fast.json.turns.map((t) => t.serviceName))).toEqual(new Set(['fast-agent']));
    const slowest = seed.fast.map((t) => t.voiceToVoiceMs).sort((a, b) => b - a);
    expect(fast.json.turns.map((t) => t.voiceToVoiceMs)).toEqual(slowest.slice(0, 5));
    expect(fast.json.summary.turns).toBe(20);
    const none = await api<TurnsResponse>('/api/turns?service=nobody');
    expect(none.json.turns).toEqual([]);
    expect(none.json.summary.voiceToVoiceMs).toBeNull();
  });

  it('lists operations, failed ones apart', async () => {
    const failed = await api<OperationsResponse>('/api/operations?errors=true&limit=500');
    const expected = [0, 1].reduce(
      (n, k) => n + (k === 0 ? seed.agent : seed.fast).filter((_, i) => i % 7 === 3).length,
      0,
    );
    expect(failed.json.operations).toHaveLength(expected);
    expect(
      failed.json.operations.every((o) => o.error && o.component === 'stt' && o.errorType === 'TimeoutError'),
    ).toBe(true);
  });

  it('draws one turn’s trace: spans, critical path, marks and stages on its time axis', async () => {
    const written = seed.agent.find((t) => t.interrupted)!;
    const { status, json } = await api<TraceResponse>(`/api/traces/${written.traceId}`);
    expect(status).toBe(200);
    const { trace } = json;
    expect(trace.spans.map((s) => s.name)).toEqual([
      'pipeline.turn',
      'audio_capture.capture',
      'vad.listen',
      'stt.transcribe',
      'agent.respond',
      'llm.generate',
      'tts.synthesize',
      'audio_output.play',
    ]);
    expect(trace.spans.map((s) => s.depth)).toEqual([0, 1, 1, 1, 1, 2, 1, 1]);
    // The critical path covers the turn end to end, without overlaps.
    const path = json.criticalPath;
    expect(path.reduce((n, s) => n + (s.endUs - s.startUs), 0) / 1000).toBeCloseTo(trace.durationMs, 0);
    for (let i = 1; i < path.length; i++) expect(path[i].startUs).toBeGreaterThanOrEqual(path[i - 1].endUs);
    expect(json.turn?.voiceToVoiceMs).toBeCloseTo(written.voiceToVoiceMs, 3);
    expect(json.marks.map((m) => m.name)).toEqual([
      'user_speech_end',
      'end_of_utterance',
      'final_transcript',
      'first_token',
      'first_audio_byte',
      'first_audio_played',
      'interruption',
    ]);
    // Stages laid end to end: from the user's end of speech to the first audio played.
    const markAt = (name: string) => json.marks.find((m) => m.name === name)!.timeUs;
    expect(json.stages.map((s) => s.stage)).toEqual([
      'endpointing',
      'transcription',
      'agent',
      'tts',
      'playout',
      'unexplained',
    ]);
    expect(json.stages[0].startUs).toBeCloseTo(markAt('user_speech_end'), -1);
    expect(json.stages[5].endUs).toBeCloseTo(markAt('first_audio_played'), -1);
    expect(json.stages[2].startUs).toBeCloseTo(markAt('final_transcript'), -1);
    // No profile ran while these (earlier, made-up) turns did.
    expect(json.profiles).toEqual([]);
  });

  it('links a trace to the process profile that recorded its process while it ran', async () => {
    const profiles = (await api<ProfilesResponse>('/api/profiles')).json.profiles;
    const profile = profiles.find((p) => p.kind === 'process')!;
    // A tool call of the profiled process inside the profile's window, and one of another process.
    const atMs = profile.startUs / 1000 + 200;
    const [inProcess] = await recordSpans(
      dataDir,
      [{ component: 'tool', operation: 'lights', startMs: atMs, durationMs: 50 }],
      'voice-agent',
      {
        'process.pid': profile.pid!,
      },
    );
    const [elsewhere] = await recordSpans(
      dataDir,
      [{ component: 'tool', operation: 'lights', startMs: atMs, durationMs: 50 }],
      'voice-agent',
      {
        'process.pid': profile.pid! + 1,
      },
    );
    const covering = await api<TraceResponse>(`/api/traces/${inProcess.spanContext().traceId}`);
    expect(covering.json.profiles.map((p) => [p.id, p.covers])).toEqual([[profile.id, 'whole']]);
    const other = await api<TraceResponse>(`/api/traces/${elsewhere.spanContext().traceId}`);
    expect(other.json.profiles).toEqual([]);
  });

  it('lists the profiles and shows one, with the flame graph of its file split by component', async () => {
    const { json } = await api<ProfilesResponse>('/api/profiles');
    expect(json.profiles.map((p) => [p.kind, p.component, p.hasCpuProfile])).toEqual([
      ['operation', 'stt', true],
      ['process', 'process', true],
    ]);
    const processId = json.profiles[1].id;
    const detail = (await api<ProfileResponse>(`/api/profiles/${processId}`)).json.profile;
    expect((detail.components as { component: string }[]).map((c) => c.component).sort()).toEqual(
      [...seed.profiles.processComponents].sort(),
    );
    const flame = await api<FlameGraph>(`/api/profiles/${processId}/flame`);
    expect(flame.status).toBe(200);
    expect(flame.json.attributed).toBe(true);
    for (const component of ['stt', 'llm', 'tts']) expect(flame.json.components).toContain(component);
    // Each workload's frame is its component's.
    const frames = (node: FlameNode): FlameNode[] => [node, ...node.children.flatMap(frames)];
    const dominant = (name: string) => {
      const frame = frames(flame.json.app).find((n) => n.name === name)!;
      return Object.entries(frame.components).sort((a, b) => b[1] - a[1])[0][0];
    };
    expect(dominant('decodeSpeechFrames')).toBe('stt');
    expect(dominant('planAnswer')).toBe('llm');
    expect(dominant('synthesizeSpeech')).toBe('tts');
    // The instrumentation's frames are apart: none in the app's stacks, the overhead its own tree.
    const ours = (n: FlameNode) =>
      /[\\/]packages[\\/][a-z-]+[\\/](dist|src)[\\/]/.test(n.file) || n.file.includes('@opentelemetry');
    expect(frames(flame.json.app).filter(ours)).toEqual([]);
    expect(frames(flame.json.instrumentation).some(ours)).toBe(true);
    expect(flame.json.app.totalMs + flame.json.instrumentation.totalMs).toBeCloseTo(flame.json.totalMs, 6);
    // The operation profile has memory.
    const operation = (await api<ProfileResponse>(`/api/profiles/${json.profiles[0].id}`)).json.profile;
    expect(operation.memory).toMatchObject({ leak: expect.objectContaining({ status: expect.any(String) }) });
  });

  it('gives each benchmark’s runs with the verdict each got, the regression marked, a pipeline’s shares', async () => {
    const { json } = await api<BenchmarksResponse>('/api/benchmarks');
    expect(json.series.map((s) => [s.name, s.component])).toEqual([
      ['decode frame', 'stt'],
      ['voice turn', 'pipeline'],
    ]);
    expect(seed.pipeline).toMatchObject({ state: 'completed', unavailable: null });
    expect(json.series[1].componentShares.map((c) => c.component).sort()).toEqual(seed.pipeline.shares);
    const series = json.series[0];
    expect(series.runs.map((r) => r.verdict)).toEqual(seed.benchmarks);
    expect(series.runs[5].verdict).toBe('regression');
    for (const run of series.runs) expect(run.q1Ms! <= run.medianMs! && run.medianMs! <= run.q3Ms!).toBe(true);
  });

  it('compares two services with the benchmarks’ Mann–Whitney verdict', async () => {
    const minutes = 'aMinutes=60&bMinutes=60';
    const bFrom = `bFrom=${seed.now - 3_600_000}&bTo=${seed.now + 60_000}`;
    const aFrom = `aFrom=${seed.now - 3_600_000}&aTo=${seed.now + 60_000}`;
    const { status, json } = await api<CompareResponse>(
      `/api/compare?${aFrom}&${bFrom}&aService=voice-agent&bService=fast-agent`,
    );
    expect(status).toBe(200);
    expect([json.a.turns, json.b.turns]).toEqual([60, 20]);
    expect(json.figures.map((f) => f.figure)).toEqual([
      'voice_to_voice',
      'endpointing',
      'transcription',
      'agent',
      'tts',
      'playout',
      'unexplained',
    ]);
    const v2v = json.figures[0];
    expect(v2v.verdict).toBe('improvement');
    expect(v2v.pValue!).toBeLessThan(0.05);
    expect(v2v.effectPercent!).toBeLessThan(-10);
    expect(v2v.summary).toMatch(/^B is faster: median/);
    // The same service on both sides: nothing to report.
    const same = await api<CompareResponse>(`/api/compare?${aFrom}&${bFrom}&aService=voice-agent&bService=voice-agent`);
    expect(same.json.figures[0].verdict).toBe('no-change');
    // Minutes instead of times are refused together with times.
    expect((await api(`/api/compare?${minutes}&${aFrom}`)).status).toBe(400);
  });

  it('puts components, voice-to-voice and resources on one per-minute axis', async () => {
    const { json } = await api<OverTimeResponse>('/api/over-time?minutes=30');
    expect(json.components.stepMinutes).toBe(1);
    expect(json.components.timesUs.length).toBeGreaterThanOrEqual(30);
    expect(json.turns.timesUs).toEqual(json.components.timesUs);
    expect(json.resources.timesUs).toEqual(json.components.timesUs);
    const stt = json.components.components.find((c) => c.component === 'stt')!;
    expect(stt.count.reduce((n, c) => n + c, 0)).toBe(80);
    expect(stt.errors.reduce((n, c) => n + c, 0)).toBeGreaterThan(0);
    expect(json.turns.turns.reduce((n, c) => n + c, 0)).toBe(80);
    expect(json.resources.processes.map((p) => [p.pid, p.serviceName])).toEqual([[5001, 'voice-agent']]);
    // The five samples of the seed's process (taken within a second): their step's peak and average
    // (two steps if a minute began between them).
    const [process] = json.resources.processes;
    const values = (series: (number | null)[]) => series.filter((v): v is number => v !== null);
    expect(values(process.rssBytes).length).toBeGreaterThanOrEqual(1);
    expect(values(process.rssBytes).length).toBeLessThanOrEqual(2);
    expect(Math.max(...values(process.rssBytes))).toBe(128e6);
    expect(Math.max(...values(process.heapUsedBytes))).toBe(44e6);
    for (const cpu of values(process.cpuUtilization)) expect(cpu > 0.2 - 1e-9 && cpu < 0.4 + 1e-9).toBe(true);
    expect(Math.max(...values(process.eventLoopDelayP99Ms))).toBeCloseTo(8, 6);
  });

  it('leaves the benchmark run out of every view unless it is asked for', async () => {
    const bench = 'service=transcriber-benchmark';
    const count = (json: OverTimeResponse, component: string) =>
      json.components.components.find((c) => c.component === component)?.count.reduce((n, c) => n + c, 0) ?? 0;
    const all = (await api<OverTimeResponse>('/api/over-time?minutes=30')).json;
    expect(count(all, 'stt')).toBe(80);
    expect(count(all, 'pipeline')).toBe(80);
    const run = (await api<OverTimeResponse>(`/api/over-time?minutes=30&${bench}`)).json;
    // The measured iterations and their warm-up.
    expect(count(run, 'stt')).toBeGreaterThanOrEqual(10);
    expect(count(run, 'pipeline')).toBe(count(run, 'stt'));
    const operations = (await api<OperationsResponse>('/api/operations?limit=1000')).json.operations;
    expect(operations.some((o) => o.serviceName === 'transcriber-benchmark')).toBe(false);
    const benchOps = (await api<OperationsResponse>(`/api/operations?limit=5&${bench}`)).json.operations;
    expect(new Set(benchOps.map((o) => o.serviceName))).toEqual(new Set(['transcriber-benchmark']));
  });

  it('lists recommendations without writing to optimization_logs.db', async () => {
    const log = databasePath(dataDir, 'optimization_logs');
    expect(fs.existsSync(log)).toBe(false);
    for (let i = 0; i < 3; i++) {
      const { status, json } = await api<RecommendationsResponse>('/api/recommendations');
      expect(status).toBe(200);
      expect(json.report).not.toBeNull();
      // Every 7th STT failed: 14% is over the 1% threshold.
      expect(json.report!.recommendations.map((r) => r.id)).toContain('errors:stt');
    }
    expect(fs.existsSync(log)).toBe(false);
  });

  it('answers a bad parameter with 400 and a one-line JSON error', async () => {
    const bad = [
      '/api/turns?minutes=abc',
      '/api/turns?minutes=0',
      '/api/turns?limit=0',
      '/api/turns?limit=2.5',
      '/api/turns?order=fastest',
      '/api/turns?bogus=1',
      '/api/turns?service=',
      '/api/turns?minutes=5&from=1780000000000',
      '/api/turns?to=1780000000000',
      '/api/turns?from=1780000000000&to=1770000000000',
      '/api/turns?limit=1&limit=2',
      '/api/operations?component=speech',
      '/api/operations?errors=maybe',
      '/api/traces/xyz',
      '/api/profiles/abc',
      '/api/profiles/0/flame',
      '/api/benchmarks?days=-1',
      '/api/recommendations?component=nope',
      '/api/over-time?points=1',
      '/api/meta?x=1',
    ];
    for (const p of bad) {
      const answer = await request(new URL(p, server.url).toString());
      expect({ p, status: answer.status }).toEqual({ p, status: 400 });
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = JSON.parse(answer.body) as { error: string };
      expect(body.error).toMatch(/\S/);
      expect(body.error).not.toContain('\n');
    }
    expect(JSON.parse((await request(new URL('/api/turns?minutes=abc', server.url).toString())).body)).toEqual({
      error: 'parameter minutes must be a number, got "abc"',
    });
  });

  it('answers what is not there with 404', async () => {
    for (const p of ['/api/traces/0123456789abcdef0123456789abcdef', '/api/profiles/999', '/api/nope', '/nope.html']) {
      const answer = await request(new URL(p, server.url).toString());
      expect({ p, status: answer.status }).toEqual({ p, status: 404 });
    }
  });

  it('answers only requests that name it in Host: a DNS-rebinding page gets 403', async () => {
    const url = new URL('/api/services', server.url).toString();
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`]) {
      expect({ host, status: (await request(url, { host })).status }).toEqual({ host, status: 200 });
    }
    for (const host of [
      `evil.example:${server.port}`,
      `127.0.0.1.evil.example:${server.port}`,
      `localhost.evil.example:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      '127.0.0.1',
      `[::1]:${server.port}`,
      '',
    ]) {
      const answer = await request(url, { host });
      expect({ host, status: answer.status }).toEqual({ host, status: 403 });
      expect(JSON.parse(answer.body).error).toMatch(/^forbidden: Host/);
    }
    // A request without any Host (HTTP/1.0 allows it).
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.end('GET /api/services HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 403 /);
  });

  it('is read-only: other methods get 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const answer = await request(new URL('/api/turns', server.url).toString(), { method });
      expect({ method, status: answer.status, allow: answer.headers.allow }).toEqual({
        method,
        status: 405,
        allow: 'GET, HEAD',
      });
    }
  });

  it('serves the built page with a policy that lets it load nothing from elsewhere', async () => {
    const page = await request(server.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.body).toContain('<script src="app.js"></script>');
    const script = await request(new URL('/app.js', server.url).toString());
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // Nothing in the bundle reaches for another origin.
    expect(script.body).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)[a-z]/i);
  });
});

describe('the web view API while an app starts writing', () => {
  it('answers empty (saying why) before any data, then sends change events as data is written', async () => {
    const root = makeTempDir('transcriber-ui-live-');
    const dataDir = path.join(root, 'data');
    const server = await startUiServer({ dataDir, port: 0 });
    try {
      const before = await getJson<TurnsResponse>(server.url, '/api/turns');
      expect(before.status).toBe(200);
      expect(before.json.turns).toEqual([]);
      expect(before.json.missing).toMatch(/does not exist/);
      const events: string[] = [];
      const stream = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.get(new URL('/api/events', server.url), resolve);
        req.on('error', reject);
      });
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      stream.setEncoding('utf8').on('data', (chunk: string) => events.push(chunk));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await seedViewData(dataDir);
      const deadline = Date.now() + 15_000;
      while (!events.join('').includes('event: change') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(events.join('')).toMatch(/event: change\ndata: \{"databases":\[[^\]]*"performance_metrics"/);
      stream.destroy();
      const after = await getJson<TurnsResponse>(server.url, '/api/turns');
      expect(after.json.turns).toHaveLength(80);
      expect(after.json.missing).toBeUndefined();
    } finally {
      await server.close();
    }
  }, 120_000);
});
