import type { OptimizationLogEntry } from '@transcriber/queries';
import { clock } from '../../src/output/format';
import { makeStyle, withoutColour } from '../../src/output/style';
import { optimizeLogRows, printOptimizeLog } from '../../src/printers/optimizeLogPrinter';
import type { OptimizeLogResult } from '../../src/results/optimizeLog';
import { T0_US, WINDOW } from '../fixtures/results';

const plain = makeStyle(false);

function entry(fields: Partial<OptimizationLogEntry>): OptimizationLogEntry {
  return {
    type: 'action',
    timeUs: T0_US,
    component: 'memory',
    kind: 'memory',
    description: 'purged 4 cache entries and collected garbage',
    improvement: 'freed 32.0 MiB',
    improvementBasis: 'measured',
    success: true,
    recommendationId: null,
    priority: null,
    before: { heapUsedMb: 80 },
    after: { heapUsedMb: 48 },
    evidence: null,
    ...fields,
  };
}

const entries = [
  entry({}),
  entry({
    type: 'recommendation',
    timeUs: T0_US + 61_000_000,
    component: 'vad',
    kind: 'latency',
    improvement: '-120 ms p95',
    improvementBasis: 'derived',
    success: null,
    recommendationId: 'latency:vad',
    priority: 'high',
    before: null,
    after: null,
    evidence: { p95Ms: { value: 180, unit: 'ms', basis: 'measured' } },
  }),
  // An action logged by a foreign writer without the optional fields.
  entry({ component: null, kind: null, improvement: null, improvementBasis: null, success: false }),
];
const result: OptimizeLogResult = { window: WINDOW, entries };

describe('printOptimizeLog', () => {
  it('lists actions with their outcome and recommendations with their priority, "-" for what is missing', () => {
    const [t1, t2, t3] = entries.map((e) => clock(e.timeUs).slice(0, 19));
    expect(printOptimizeLog(result, plain)).toBe(
      [
        'Optimization log, last 15 min',
        'time                 type            component  kind     status  improvement',
        `${t1}  action          memory     memory   done    freed 32.0 MiB (measured)`,
        `${t2}  recommendation  vad        latency  high    -120 ms p95 (derived)`,
        `${t3}  action          -          -        failed  - (?)`,
        '',
        '--json shows each entry with its description, before/after and evidence',
      ].join('\n'),
    );
  });

  it('says when nothing was logged', () => {
    expect(printOptimizeLog({ window: WINDOW, entries: [] }, plain)).toBe(
      'Optimization log, last 15 min\nnothing optimized or recommended in this window',
    );
  });

  it('shows a done action in green and a failed one in red', () => {
    const text = printOptimizeLog(result, makeStyle(true));
    expect(withoutColour(text)).toBe(printOptimizeLog(result, plain));
    expect(text).toContain('\u001b[32mdone\u001b[39m');
    expect(text).toContain('\u001b[31mfailed\u001b[39m');
  });
});

describe('optimizeLogRows', () => {
  it('gives one CSV row per entry, before/after/evidence as JSON and nulls kept', () => {
    const rows = optimizeLogRows(result);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ before: '{"heapUsedMb":80}', after: '{"heapUsedMb":48}', evidence: null });
    expect(rows[1]).toEqual({
      time_us: T0_US + 61_000_000,
      type: 'recommendation',
      component: 'vad',
      kind: 'latency',
      description: 'purged 4 cache entries and collected garbage',
      improvement: '-120 ms p95',
      improvement_basis: 'derived',
      success: null,
      recommendation_id: 'latency:vad',
      priority: 'high',
      before: null,
      after: null,
      evidence: '{"p95Ms":{"value":180,"unit":"ms","basis":"measured"}}',
    });
    expect(rows[2]).toMatchObject({ component: null, kind: null, success: false });
  });
});
