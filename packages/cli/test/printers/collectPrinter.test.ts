import { makeStyle, withoutColour } from '../../src/output/style';
import { collectRows, printCollect } from '../../src/printers/collectPrinter';
import type { CollectSummary } from '../../src/results/collectSummary';

const plain = makeStyle(false);

const summary: CollectSummary = {
  url: 'http://127.0.0.1:4318',
  grpcTarget: '127.0.0.1:4317',
  dataDir: '/home/user/.transcriber',
  stoppedBy: 'SIGINT',
  stats: {
    spans: { accepted: 1234, rejected: 0 },
    metricPoints: { accepted: 520, rejected: 3, baselines: 20 },
    logRecords: { accepted: 7, rejected: 2 },
    values: { cut: 4, tooDeep: 1 },
    requests: { '429': 2, '200': 40, '400': 1 },
    grpcCalls: { UNAVAILABLE: 1, OK: 12 },
    turnsDerived: 3,
  },
};

// Received with --grpc-port off.
const idle: CollectSummary = {
  url: summary.url,
  dataDir: summary.dataDir,
  stoppedBy: summary.stoppedBy,
  stats: {
    spans: { accepted: 0, rejected: 0 },
    metricPoints: { accepted: 0, rejected: 0, baselines: 0 },
    logRecords: { accepted: 0, rejected: 0 },
    values: { cut: 0, tooDeep: 0 },
    requests: {},
    grpcCalls: {},
    turnsDerived: 0,
  },
};

describe('printCollect', () => {
  it('counts what was stored and rejected per kind, baselines apart, turns derived, and the answers by HTTP and gRPC status in order', () => {
    expect(printCollect(summary, plain)).toBe(
      [
        'collected at http://127.0.0.1:4318 and 127.0.0.1:4317 (gRPC) into /home/user/.transcriber (stopped by SIGINT)',
        '',
        'received       stored  rejected',
        'spans           1,234         0  and 3 voice turns derived from them',
        'metric points     500         3  20 cumulative points kept as baselines',
        'events              7         2  other log records are not stored',
        '',
        'values cut to the length limit: 4 · nested too deep, dropped: 1',
        '',
        'requests by HTTP status: 200: 40 · 400: 1 · 429: 2',
        'gRPC calls by status: OK: 12 · UNAVAILABLE: 1',
      ].join('\n'),
    );
  });

  it('says no gRPC call came when it listened for them', () => {
    const text = printCollect({ ...summary, stats: { ...summary.stats, grpcCalls: {} } }, plain);
    expect(text.endsWith('\ngRPC calls by status: none')).toBe(true);
  });

  it('says no request came, and leaves out the values line when none was cut and gRPC when it was off', () => {
    expect(printCollect(idle, plain)).toBe(
      [
        'collected at http://127.0.0.1:4318 into /home/user/.transcriber (stopped by SIGINT)',
        '',
        'received       stored  rejected',
        'spans               0         0',
        'metric points       0         0',
        'events              0         0',
        '',
        'requests by HTTP status: none',
      ].join('\n'),
    );
  });

  it('with gRPC, says where it listened and counts the calls by status, in order of name', () => {
    const both: CollectSummary = {
      ...idle,
      grpcTarget: '127.0.0.1:4317',
      stats: { ...idle.stats, requests: { '200': 1 }, grpcCalls: { UNAVAILABLE: 2, OK: 40, 'ended early': 1 } },
    };
    const text = printCollect(both, plain);
    expect(text).toMatch(/^collected at http:\/\/127\.0\.0\.1:4318 and 127\.0\.0\.1:4317 \(gRPC\) into /);
    expect(text).toMatch(
      /\n\nrequests by HTTP status: 200: 1\ngRPC calls by status: ended early: 1 · OK: 40 · UNAVAILABLE: 2$/,
    );
    expect(printCollect({ ...both, stats: { ...both.stats, grpcCalls: {} } }, plain)).toMatch(
      /\ngRPC calls by status: none$/,
    );
  });

  it('shows the values line when only nested values were dropped', () => {
    const deep = { ...idle, stats: { ...idle.stats, values: { cut: 0, tooDeep: 2 } } };
    expect(printCollect(deep, plain)).toContain(
      '\n\nvalues cut to the length limit: 0 · nested too deep, dropped: 2\n\n',
    );
  });

  it('shows rejected items in yellow, and no colour for none', () => {
    const text = printCollect(summary, makeStyle(true));
    expect(withoutColour(text)).toBe(printCollect(summary, plain));
    expect(text).toContain('\u001b[33m3\u001b[39m');
    expect(text).not.toContain('\u001b[33m0\u001b[39m');
  });
});

describe('collectRows', () => {
  it('gives one CSV row per kind, metric points without the baselines', () => {
    expect(collectRows(summary)).toEqual([
      { received: 'spans', stored: 1234, rejected: 0 },
      { received: 'metric points', stored: 500, rejected: 3 },
      { received: 'events', stored: 7, rejected: 2 },
    ]);
  });
});
