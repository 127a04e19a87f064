import type { ComponentSummary, ProcessResources, ResourceSnapshot } from '@transcriber/queries';
import { clock } from '../../src/output/format';
import { makeStyle, withoutColour } from '../../src/output/style';
import { performanceRows, printPerformance } from '../../src/printers/performancePrinter';
import { turnSummarySection } from '../../src/printers/turnSummaryPrinter';
import type { PerformanceReport, ProcessMemoryReport } from '../../src/results/performance';
import { T0_US, timeOfDay, turnSummary, WINDOW } from '../fixtures/results';

const plain = makeStyle(false);
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

function component(name: string, fields: Partial<ComponentSummary>): ComponentSummary {
  return {
    component: name,
    count: 0,
    errors: 0,
    errorRate: 0,
    avgMs: 0,
    minMs: 0,
    maxMs: 0,
    p50Ms: 0,
    p95Ms: 0,
    p99Ms: 0,
    percentiles: 'exact',
    ...fields,
  };
}

const components = [
  component('stt', { count: 1234, avgMs: 120.4, p50Ms: 110, p95Ms: 250, p99Ms: 300, minMs: 80.5, maxMs: 310 }),
  component('llm', {
    count: 56,
    errors: 3,
    errorRate: 3 / 56,
    avgMs: 850.4,
    p50Ms: 800,
    p95Ms: 1900,
    p99Ms: 2050,
    minMs: 400,
    maxMs: 2100.6,
  }),
];

function snapshot(fields: Partial<ResourceSnapshot>): ResourceSnapshot {
  return {
    timeUs: T0_US,
    pid: null,
    cpuUtilization: null,
    rssBytes: null,
    heapUsedBytes: null,
    heapTotalBytes: null,
    externalBytes: null,
    eventLoopDelayP50Ms: null,
    eventLoopDelayP99Ms: null,
    eventLoopDelayMaxMs: null,
    systemCpuUtilization: null,
    systemMemoryUsedBytes: null,
    systemMemoryTotalBytes: null,
    ...fields,
  };
}

const agent: ProcessResources = {
  pid: 4242,
  serviceName: 'voice-agent',
  samples: 120,
  firstUs: T0_US - 600_000_000,
  lastUs: T0_US - 1_000_000,
  latest: snapshot({
    timeUs: T0_US - 1_000_000,
    pid: 4242,
    cpuUtilization: 0.123,
    rssBytes: 150 * MIB,
    heapUsedBytes: 60 * MIB,
    heapTotalBytes: 80 * MIB,
    eventLoopDelayP99Ms: 12.5,
    systemCpuUtilization: 0.5,
    systemMemoryUsedBytes: 4 * GIB,
    systemMemoryTotalBytes: 8 * GIB,
  }),
  avgCpuUtilization: 0.2,
  maxCpuUtilization: 0.9,
  maxRssBytes: 160 * MIB,
  maxHeapUsedBytes: 70 * MIB,
  maxEventLoopDelayP99Ms: 40,
};
// A process that sampled nothing but its existence (a foreign exporter's resource rows).
const bare: ProcessResources = {
  pid: null,
  serviceName: null,
  samples: 3,
  firstUs: T0_US - 9_000_000,
  lastUs: T0_US - 5_000_000,
  latest: snapshot({ timeUs: T0_US - 5_000_000 }),
  avgCpuUtilization: null,
  maxCpuUtilization: null,
  maxRssBytes: null,
  maxHeapUsedBytes: null,
  maxEventLoopDelayP99Ms: null,
};

function report(fields: Partial<PerformanceReport>): PerformanceReport {
  return { window: WINDOW, component: null, service: null, components: [], resources: [], ...fields };
}

const until = clock(T0_US).slice(11, 19);

describe('printPerformance', () => {
  it('tables latency and errors per component, then resources per process ("-" for what was not sampled) and the machine', () => {
    expect(printPerformance(report({ components, resources: [bare, agent] }), plain)).toBe(
      [
        `Performance, last 15 min until ${until}`,
        '',
        'component  count  errors  error rate  avg ms  p50 ms  p95 ms  p99 ms  min ms  max ms',
        'stt        1,234       0        0.0%     120     110     250     300    80.5     310',
        'llm           56       3        5.4%     850     800    1900    2050     400    2101',
        '',
        'Resources',
        ' pid  service        cpu  cpu max        rss    rss max      heap used/total  loop p99 ms  samples  last sample',
        `   -  -                -        -          -          -                - / -            -        3  ${timeOfDay(bare.lastUs)}`,
        `4242  voice-agent  12.3%    90.0%  150.0 MiB  160.0 MiB  60.0 MiB / 80.0 MiB         12.5      120  ${timeOfDay(agent.lastUs)}`,
        'machine: cpu 50.0%, memory 4.0 GiB of 8.0 GiB',
      ].join('\n'),
    );
  });

  it('says when the window holds no operation and no resource sample, and names the scope', () => {
    expect(printPerformance(report({ component: 'stt', service: 'voice-agent' }), plain)).toBe(
      [
        `Performance, last 15 min until ${until} · stt · service voice-agent`,
        '',
        'no operations recorded in this window',
        '',
        'Resources',
        'no resource samples in this window',
      ].join('\n'),
    );
  });

  it('notes percentiles read from latency buckets', () => {
    const bucketed = report({ components: [{ ...components[0], percentiles: 'buckets' }] });
    expect(printPerformance(bucketed, plain)).toContain(
      '\nstt        1,234       0        0.0%     120     110     250     300    80.5     310\np50/p95/p99 from per-minute latency buckets (within 4.5%); the other figures are exact\n\n',
    );
  });

  it('adds the turns section, and says which turns it covers when the window held too many', () => {
    const turns = turnSummary(2500);
    const blocks = printPerformance(report({ components, turns, turnsSinceUs: T0_US - 60_000_000 }), plain).split(
      '\n\n',
    );
    expect(blocks[2]).toBe(
      `${turnSummarySection(turns, plain)}\n(the newest 2,000 pipeline operations of the window, since ${clock(T0_US - 60_000_000).slice(11, 19)})`,
    );
    expect(printPerformance(report({ turns: turnSummary(0) }), plain)).not.toContain('Voice turns');
  });

  it('shows errors in red, moving no column', () => {
    const full = report({ components, resources: [bare, agent], turns: turnSummary(2) });
    const text = printPerformance(full, makeStyle(true));
    expect(withoutColour(text)).toBe(printPerformance(full, plain));
    expect(text).toContain('\u001b[31m3\u001b[39m');
    expect(text).toContain('\u001b[31m5.4%\u001b[39m');
  });
});

const memory: ProcessMemoryReport = {
  pid: 4242,
  serviceName: 'voice-agent',
  samples: 30,
  firstUs: T0_US - 60_000_000,
  lastUs: T0_US,
  firstRssBytes: 100 * MIB,
  lastRssBytes: 130 * MIB,
  firstHeapUsedBytes: 40 * MIB,
  lastHeapUsedBytes: 38 * MIB,
  maxRssBytes: 131 * MIB,
  maxHeapUsedBytes: 45 * MIB,
  rssGrowthBytesPerMinute: 2 * MIB,
  heapUsedGrowthBytesPerMinute: -128 * 1024,
  rssTrend: 'growing',
  heapUsedTrend: 'stable',
  growth: { samples: 30, spanMs: 60_000, sufficient: true },
  history: [
    {
      timeUs: T0_US - 60_000_000,
      samples: 15,
      rssBytes: 100 * MIB,
      heapUsedBytes: 40 * MIB,
      heapTotalBytes: 64 * MIB,
      externalBytes: 2 * MIB,
    },
    {
      timeUs: T0_US,
      samples: 15,
      rssBytes: 130 * MIB,
      heapUsedBytes: 38 * MIB,
      heapTotalBytes: 64 * MIB,
      externalBytes: null,
    },
  ],
};

describe('printPerformance --component memory', () => {
  it('shows each process: first → last, peak, growth per minute and trend, then its history', () => {
    const text = printPerformance(report({ component: 'memory', memory: [memory] }), plain);
    expect(text).toBe(
      [
        `Performance, last 15 min until ${until} · memory`,
        '',
        'pid 4242 (voice-agent)',
        '  RSS        100.0 MiB → 130.0 MiB, peak 131.0 MiB, +2.0 MiB/min  growing',
        '  heap used  40.0 MiB → 38.0 MiB, peak 45.0 MiB, -128.0 KiB/min  stable',
        '',
        '  time                rss  heap used  heap total  external  samples',
        `  ${timeOfDay(T0_US - 60_000_000)}  100.0 MiB   40.0 MiB    64.0 MiB   2.0 MiB       15`,
        `  ${timeOfDay(T0_US)}  130.0 MiB   38.0 MiB    64.0 MiB         -       15`,
        '',
        'Resources',
        'no resource samples in this window',
      ].join('\n'),
    );
  });

  it('says why growth was not judged from too few samples, shows a fitted flat line as +0 B, and says when no process sampled memory', () => {
    const few: ProcessMemoryReport = {
      ...memory,
      pid: null,
      serviceName: null,
      rssGrowthBytesPerMinute: null,
      heapUsedGrowthBytesPerMinute: null,
      rssTrend: 'unknown',
      heapUsedTrend: 'unknown',
      growth: {
        samples: 3,
        spanMs: 400,
        sufficient: false,
        reason: '3 sample(s) over 400 ms; growth is judged from at least 8 samples over at least 30 s',
      },
    };
    expect(
      printPerformance(report({ component: 'memory', memory: [few] }), plain)
        .split('\n')
        .slice(2, 6),
    ).toEqual([
      'pid -',
      '  RSS        100.0 MiB → 130.0 MiB, peak 131.0 MiB',
      '  heap used  40.0 MiB → 38.0 MiB, peak 45.0 MiB',
      '  growth not judged: 3 sample(s) over 400 ms; growth is judged from at least 8 samples over at least 30 s',
    ]);
    const flat = { ...memory, heapUsedGrowthBytesPerMinute: -0.4 };
    expect(printPerformance(report({ component: 'memory', memory: [flat] }), plain).split('\n')[4]).toBe(
      '  heap used  40.0 MiB → 38.0 MiB, peak 45.0 MiB, +0 B/min  stable',
    );
    expect(printPerformance(report({ component: 'memory', memory: [] }), plain).split('\n\n')[1]).toBe(
      'no memory samples in this window',
    );
  });
});

describe('performanceRows', () => {
  it('gives CSV rows per component, turns, process and memory point, tagged by section', () => {
    const rows = performanceRows(report({ components, resources: [agent], turns: turnSummary(2), memory: [memory] }));
    expect(rows.map((r) => r.section)).toEqual(['component', 'component', 'turns', 'resources', 'memory', 'memory']);
    expect(rows[1]).toEqual({
      section: 'component',
      component: 'llm',
      count: 56,
      errors: 3,
      error_rate: 3 / 56,
      avg_ms: 850.4,
      p50_ms: 800,
      p95_ms: 1900,
      p99_ms: 2050,
      min_ms: 400,
      max_ms: 2100.6,
    });
    expect(rows[3]).toEqual({
      section: 'resources',
      pid: 4242,
      service: 'voice-agent',
      time_us: T0_US - 1_000_000,
      cpu_utilization: 0.123,
      max_cpu_utilization: 0.9,
      rss_bytes: 150 * MIB,
      max_rss_bytes: 160 * MIB,
      heap_used_bytes: 60 * MIB,
      heap_total_bytes: 80 * MIB,
      event_loop_delay_p99_ms: 12.5,
      samples: 120,
    });
    expect(rows[5]).toEqual({
      section: 'memory',
      pid: 4242,
      service: 'voice-agent',
      time_us: T0_US,
      rss_bytes: 130 * MIB,
      heap_used_bytes: 38 * MIB,
      heap_total_bytes: 64 * MIB,
      external_bytes: null,
      samples: 15,
      rss_growth_bytes_per_minute: 2 * MIB,
      heap_used_growth_bytes_per_minute: -128 * 1024,
      rss_trend: 'growing',
      heap_used_trend: 'stable',
    });
  });
});
