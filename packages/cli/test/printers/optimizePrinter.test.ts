import type { Recommendation } from '@transcriber/optimizer';
import { makeStyle, withoutColour } from '../../src/output/style';
import { optimizeRows, printOptimize } from '../../src/printers/optimizePrinter';
import type { OptimizeResult } from '../../src/results/optimize';
import { T0_US } from '../fixtures/results';

const plain = makeStyle(false);
const FOOTER =
  'every figure says how it was obtained: measured, derived (from measured figures), heuristic or configured';

const recommendations: Recommendation[] = [
  {
    id: 'memory-growth:4242',
    component: 'memory',
    kind: 'memory-growth',
    priority: 'high',
    description: 'RSS of pid 4242 grew steadily over the window',
    expectedImprovement: 'stops 12.3 MiB/h',
    improvementBasis: 'derived',
    evidence: {
      growth: { value: 12.345, unit: 'MiB/h', basis: 'measured' },
      samples: { value: 40, unit: 'samples', basis: 'measured' },
    },
  },
  {
    id: 'latency:vad',
    component: 'vad',
    kind: 'latency',
    priority: 'medium',
    description: 'vad p95 is over its budget',
    expectedImprovement: '-40 ms p95',
    improvementBasis: 'heuristic',
    evidence: { p95Ms: { value: 80, unit: 'ms', basis: 'measured' }, operations: ['detect', 'reset'], note: 'spans' },
  },
  {
    id: 'errors:tool',
    component: 'tool',
    kind: 'errors',
    priority: 'low',
    description: 'tool calls fail now and then',
    expectedImprovement: '-2 errors/h',
    improvementBasis: 'derived',
    evidence: { errorTypes: [] },
  },
];

const listed: OptimizeResult = {
  mode: 'recommendations',
  report: {
    window: { minutes: 60, sinceUs: T0_US - 3_600_000_000, untilUs: T0_US },
    recommendations,
    notes: ['GC time not checked: no GC metrics recorded'],
  },
};

const applied: OptimizeResult = {
  mode: 'applied',
  pid: 4242,
  memory: {
    basis: 'measured',
    freedMb: 64.01,
    rssFreedMb: 12,
    before: {
      basis: 'measured',
      rssMb: 180.2,
      heapUsedMb: 60.5,
      heapTotalMb: 90,
      externalMb: 40.04,
      arrayBuffersMb: 33,
    },
    after: { basis: 'measured', rssMb: 168.2, heapUsedMb: 28.5, heapTotalMb: 50, externalMb: 8.03, arrayBuffersMb: 1 },
    actions: [
      { action: 'purge-cache', cache: 'speech-models', entries: 4, accountedMb: 32 },
      { action: 'gc', method: 'expose-gc', durationMs: 12.345 },
      { action: 'purge-cache', cache: 'tokens', error: 'purge threw' },
      { action: 'gc', error: 'no way to collect garbage' },
    ],
  },
};

describe('printOptimize: recommendations', () => {
  it('lists them by priority in a table, then each with its description and evidence, then the notes', () => {
    expect(printOptimize(listed, plain)).toBe(
      [
        'Optimization recommendations, last 60 min (3)',
        'priority  component  id                  expected improvement',
        'high      memory     memory-growth:4242  stops 12.3 MiB/h (derived)',
        'medium    vad        latency:vad         -40 ms p95 (heuristic)',
        'low       tool       errors:tool         -2 errors/h (derived)',
        '',
        'memory-growth:4242',
        '  RSS of pid 4242 grew steadily over the window',
        '  evidence: growth 12.345 MiB/h (measured) · samples 40 samples (measured)',
        '',
        'latency:vad',
        '  vad p95 is over its budget',
        '  evidence: p95Ms 80 ms (measured) · operations detect, reset · note spans',
        '',
        'errors:tool',
        '  tool calls fail now and then',
        '  evidence: errorTypes -',
        '',
        '· GC time not checked: no GC metrics recorded',
        '',
        FOOTER,
      ].join('\n'),
    );
  });

  it('says when there is nothing to recommend, with the notes', () => {
    const none: OptimizeResult = { mode: 'recommendations', report: { ...listed.report, recommendations: [] } };
    expect(printOptimize(none, plain)).toBe(
      [
        'Optimization recommendations, last 60 min (0)',
        'nothing to recommend from the recorded data',
        '',
        '· GC time not checked: no GC metrics recorded',
      ].join('\n'),
    );
  });

  it('shows high priority in red and medium in yellow', () => {
    const text = printOptimize(listed, makeStyle(true));
    expect(withoutColour(text)).toBe(printOptimize(listed, plain));
    expect(text).toContain('\u001b[31mhigh\u001b[39m');
    expect(text).toContain('\u001b[33mmedium\u001b[39m');
  });

  it('gives one CSV row per recommendation, its evidence as JSON', () => {
    const rows = optimizeRows(listed);
    expect(rows.map((r) => r.id)).toEqual(['memory-growth:4242', 'latency:vad', 'errors:tool']);
    expect(rows[1]).toEqual({
      id: 'latency:vad',
      component: 'vad',
      kind: 'latency',
      priority: 'medium',
      description: 'vad p95 is over its budget',
      expected_improvement: '-40 ms p95',
      improvement_basis: 'heuristic',
      evidence: '{"p95Ms":{"value":80,"unit":"ms","basis":"measured"},"operations":["detect","reset"],"note":"spans"}',
    });
  });
});

describe('printOptimize: memory applied', () => {
  it('shows what was freed, each figure before and after in MiB, and every action, failed ones too', () => {
    expect(printOptimize(applied, plain)).toBe(
      [
        'Memory optimization of process 4242 (measured in that process)',
        'freed 64.0 MiB in use (heap + external); RSS -12.0 MiB',
        '',
        'memory         before MiB  after MiB',
        'heap used            60.5       28.5',
        'heap total           90.0       50.0',
        'external             40.0        8.0',
        'array buffers        33.0        1.0',
        'rss                 180.2      168.2',
        '',
        'actions:',
        '  purged cache speech-models: 4 entries, 32.0 MiB by its accounting',
        '  garbage collection via expose-gc: 12.3 ms',
        '  purge-cache tokens failed: purge threw',
        '  gc failed: no way to collect garbage',
      ].join('\n'),
    );
  });

  it('says when nothing was done', () => {
    const idle: OptimizeResult = { ...applied, memory: { ...applied.memory, actions: [] } };
    expect(printOptimize(idle, plain)).toMatch(/\n\nactions:\n {2}none$/);
  });

  it('gives one CSV row per memory figure, measured', () => {
    expect(optimizeRows(applied)).toEqual([
      { pid: 4242, figure: 'rssMb', before: 180.2, after: 168.2, basis: 'measured' },
      { pid: 4242, figure: 'heapUsedMb', before: 60.5, after: 28.5, basis: 'measured' },
      { pid: 4242, figure: 'heapTotalMb', before: 90, after: 50, basis: 'measured' },
      { pid: 4242, figure: 'externalMb', before: 40.04, after: 8.03, basis: 'measured' },
      { pid: 4242, figure: 'arrayBuffersMb', before: 33, after: 1, basis: 'measured' },
    ]);
  });
});
