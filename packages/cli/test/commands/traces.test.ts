import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expectOneLineError, recordWorkload, runCli } from '../../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { recordSpans } from '../../../../test/helpers/recordSpans';

afterAll(removeTempDirs);

interface Operation {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  component: string;
  operation: string;
  startUs: number;
  durationMs: number;
  error: boolean;
  errorType: string | null;
}

let dataDir: string;
beforeAll(() => {
  dataDir = makeTempDir();
  recordWorkload(dataDir, ['--turns', '6', '--old-minutes', '90']);
});

function operations(args: string[]): Operation[] {
  const result = runCli(['--data-dir', dataDir, '--json', 'traces', ...args]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout).operations;
}

describe('transcriber traces', () => {
  it('lists the most recent operations first, as an aligned table', () => {
    const result = runCli(['--data-dir', dataDir, 'traces', '--limit', '5']);
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Most recent operations, last 60 min');
    expect(lines[1].split(/\s{2,}/)).toEqual(['started', 'component', 'operation', 'ms', 'status', 'trace']);
    expect(lines.slice(2, 7).every((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} {2}/.test(l))).toBe(true);
    // The last turn ends with tts inside pipeline.turn, which ended last but started first.
    expect(lines[2]).toMatch(/\s+tts\s+synthesize\s+/);
    const recent = operations([]);
    expect(recent).toHaveLength(20);
    expect(recent.map((o) => o.startUs)).toEqual([...recent.map((o) => o.startUs)].sort((a, b) => b - a));
  });

  it('--slowest orders by duration; --limit, --component, --min-duration and --errors filter', () => {
    const all = operations(['--limit', '100']);
    expect(all).toHaveLength(24);
    const slowest = operations(['--slowest', '--limit', '6']);
    expect(slowest).toEqual([...all].sort((a, b) => b.durationMs - a.durationMs).slice(0, 6));
    expect(slowest[0].component).toBe('pipeline'); // a turn lasts longer than anything in it
    expect(operations(['--component', 'stt']).map((o) => o.component)).toEqual(Array(6).fill('stt'));
    // --minutes reaches the old span
    expect(operations(['--component', 'stt', '--minutes', '120'])).toHaveLength(7);
    const long = operations(['--min-duration', '55', '--limit', '100']);
    expect(long).toEqual(all.filter((o) => o.durationMs >= 55));
    // At least every pipeline turn and llm call (sleeps of 60 ms and more).
    expect(long.length).toBeGreaterThanOrEqual(12);
    const failed = operations(['--errors']);
    expect(failed.map((o) => [o.component, o.errorType, o.error])).toEqual([
      ['llm', 'TimeoutError', true],
      ['llm', 'TimeoutError', true],
    ]);
    const text = runCli(['--data-dir', dataDir, 'traces', '--errors']).stdout;
    expect(text.match(/llm\s+generate\s+[\d.]+\s+TimeoutError/g)).toHaveLength(2);
  });

  it('traces show <traceId> draws the span tree as a waterfall', () => {
    const [failed] = operations(['--errors', '--limit', '1']);
    const result = runCli(['--data-dir', dataDir, 'traces', 'show', failed.traceId]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^trace ${failed.traceId}  \\S+ \\S+  [\\d.]+ ms  4 spans  1 failed$`));
    expect(lines[1].split(/\s{2,}/)).toEqual(['span', 'component', 'offset ms', 'ms', 'timeline', 'error']);
    const rows = lines.slice(2);
    expect(rows.map((r) => r.match(/^\s*\S+/)![0])).toEqual([
      'pipeline.turn',
      '  stt.transcribe',
      '  llm.generate',
      '  tts.synthesize',
    ]);
    // The error type (message contents are not recorded by default).
    expect(rows[2]).toMatch(/ {2}TimeoutError$/);
    expect(rows[0]).toMatch(/ 0\.00 /); // the root starts the trace
    // Bars sit on one time axis: each child's bar starts where its offset says.
    const bar = (row: string) => row.indexOf('█');
    expect(bar(rows[0])).toBeLessThanOrEqual(bar(rows[1]));
    expect(bar(rows[1])).toBeLessThan(bar(rows[2]));
    expect(bar(rows[2])).toBeLessThan(bar(rows[3]));
    const tree = JSON.parse(runCli(['--data-dir', dataDir, '--json', 'traces', 'show', failed.traceId]).stdout);
    expect(tree.spans.map((s: { depth: number }) => s.depth)).toEqual([0, 1, 1, 1]);
    expect(tree.spans[2]).toMatchObject({ error: true, errorType: 'TimeoutError' });
    expect(tree.spans[3].offsetMs).toBeGreaterThan(tree.spans[2].offsetMs + 59);
  });

  it('rejects a trace id that is not one, and reports one it does not know', () => {
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'traces', 'show', 'xyz']),
      2,
      /trace id "xyz" is not 8 to 32 hexadecimal digits/,
    );
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'traces', 'show', 'abc1234']),
      2,
      /trace id "abc1234" is not 8 to 32 hexadecimal digits/,
    );
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'traces', 'show', 'ab'.repeat(16)]),
      1,
      new RegExp(`no trace ${'ab'.repeat(16)} in .*performance_metrics\\.db`),
    );
  });

  it('rejects bad numbers and unknown components with the valid ones', () => {
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'traces', '--limit', '1.5']),
      2,
      /--limit expects a whole number of at least 1, got "1.5"/,
    );
    expectOneLineError(runCli(['--data-dir', dataDir, 'traces', '--limit', '0']), 2, /--limit expects a whole number/);
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'traces', '--min-duration', '-1']),
      2,
      /--min-duration expects a number of at least 0, got "-1"/,
    );
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'traces', '--component', 'speech']),
      2,
      /unknown component "speech"; valid components: audio_capture, vad, stt, agent, llm, tool, tts, audio_output, pipeline, none$/,
    );
    // A filter value is data, never SQL.
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'traces', '--component', "stt' OR '1'='1"]),
      2,
      /unknown component/,
    );
  });
});

describe('transcriber traces: spans without a component, and short trace ids', () => {
  // Spans a foreign program sent that no rule gave a component: listed with --component none, and
  // never mixed into the operations of the components.
  const foreignDir = makeTempDir();
  const now = Date.now();
  let recorded: ReadableSpan[];
  beforeAll(async () => {
    recorded = await recordSpans(foreignDir, [
      { name: 'GET /weather', startMs: now - 3000, durationMs: 120 },
      { name: 'db.query', startMs: now - 2900, durationMs: 40, parent: 0 },
      { component: 'stt', operation: 'transcribe', startMs: now - 2000, durationMs: 80 },
      { name: 'POST /slow', startMs: now - 1000, durationMs: 900, errorType: 'Timeout' },
    ]);
  });
  const list = (args: string[]) =>
    JSON.parse(runCli(['--data-dir', foreignDir, '--json', 'traces', ...args]).stdout).operations as Operation[];

  it('--component none lists them, newest, slowest or failed first', () => {
    expect(list([]).map((o) => o.component)).toEqual(['stt']);
    expect(list(['--component', 'none']).map((o) => o.name)).toEqual(['POST /slow', 'db.query', 'GET /weather']);
    expect(list(['--component', 'none', '--slowest', '--limit', '2']).map((o) => o.name)).toEqual([
      'POST /slow',
      'GET /weather',
    ]);
    expect(list(['--component', 'none', '--errors']).map((o) => o.name)).toEqual(['POST /slow']);
    expect(list(['--component', 'none', '--min-duration', '100']).map((o) => o.name)).toEqual([
      'POST /slow',
      'GET /weather',
    ]);
  });

  it('traces show takes the start or the end of a trace id (8 digits or more), and says when it is ambiguous', () => {
    const traceId = recorded[0].spanContext().traceId;
    for (const part of [traceId.slice(0, 10), traceId.slice(-8), traceId.toUpperCase()]) {
      const shown = runCli(['--data-dir', foreignDir, '--json', 'traces', 'show', part]);
      expect(shown.stderr).toBe('');
      expect(JSON.parse(shown.stdout)).toMatchObject({ traceId, spanCount: 2 });
    }
    // Our trace ids start with the time: traces of the same moment share their first digits.
    const ids = recorded.map((s) => s.spanContext().traceId);
    let common = 0;
    while (ids.every((id) => id[common] === ids[0][common])) common++;
    if (common >= 8) {
      expectOneLineError(
        runCli(['--data-dir', foreignDir, 'traces', 'show', ids[0].slice(0, common)]),
        2,
        /is ambiguous in .*: give more digits/,
      );
    }
    expectOneLineError(
      runCli(['--data-dir', foreignDir, 'traces', 'show', 'f'.repeat(12)]),
      1,
      /no trace ffffffffffff in /,
    );
  });
});
