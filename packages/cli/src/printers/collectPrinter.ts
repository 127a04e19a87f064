import type { CollectSummary } from '../results/collectSummary';
import { count } from '../output/format';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';

interface Line {
  what: string;
  stored: number;
  rejected: number;
  note: string;
}

function lines(summary: CollectSummary): Line[] {
  const { spans, metricPoints, logRecords, turnsDerived } = summary.stats;
  return [
    {
      what: 'spans',
      stored: spans.accepted,
      rejected: spans.rejected,
      note: turnsDerived > 0 ? `and ${count(turnsDerived)} voice turns derived from them` : '',
    },
    {
      what: 'metric points',
      stored: metricPoints.accepted - metricPoints.baselines,
      rejected: metricPoints.rejected,
      note: metricPoints.baselines > 0 ? `${count(metricPoints.baselines)} cumulative points kept as baselines` : '',
    },
    {
      what: 'events',
      stored: logRecords.accepted,
      rejected: logRecords.rejected,
      note: logRecords.rejected > 0 ? 'other log records are not stored' : '',
    },
  ];
}

/** What the receiver took in, per kind of item, and its answers by HTTP status and gRPC status. */
export function printCollect(summary: CollectSummary, style: Style): string {
  const table = formatTable(
    [
      { header: 'received', value: (l: Line) => l.what },
      { header: 'stored', align: 'right', value: (l: Line) => count(l.stored) },
      {
        header: 'rejected',
        align: 'right',
        value: (l: Line) => (l.rejected > 0 ? style.yellow(count(l.rejected)) : '0'),
      },
      { header: '', value: (l: Line) => style.dim(l.note) },
    ],
    lines(summary),
    style,
  );
  const answers = Object.entries(summary.stats.requests)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status}: ${count(n)}`)
    .join(' · ');
  const calls = Object.entries(summary.stats.grpcCalls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}: ${count(n)}`)
    .join(' · ');
  const grpc = summary.grpcTarget === undefined ? '' : ` and ${summary.grpcTarget} (gRPC)`;
  const { cut, tooDeep } = summary.stats.values;
  const values =
    cut + tooDeep === 0
      ? []
      : [
          `${style.bold('values')} cut to the length limit: ${count(cut)} · nested too deep, dropped: ${count(tooDeep)}`,
        ];
  return [
    `${style.bold('collected')} at ${summary.url}${grpc} into ${summary.dataDir} (stopped by ${summary.stoppedBy})`,
    table,
    ...values,
    `${style.bold('requests')} by HTTP status: ${answers === '' ? 'none' : answers}` +
      (summary.grpcTarget === undefined
        ? ''
        : `\n${style.bold('gRPC calls')} by status: ${calls === '' ? 'none' : calls}`),
  ].join('\n\n');
}

export function collectRows(summary: CollectSummary) {
  return lines(summary).map((l) => ({ received: l.what, stored: l.stored, rejected: l.rejected }));
}
