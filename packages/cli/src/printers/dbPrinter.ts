import type { DbInfo, DbPruneResult, DbVacuumResult } from '../results/db';
import { bytes, clock, count } from '../output/format';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';

export function printDbInfo(info: DbInfo, style: Style): string {
  const blocks = [`${style.bold('data directory')} ${info.dataDir}`];
  for (const db of info.databases) {
    if (!db.exists) {
      blocks.push(`${style.bold(db.name)}  ${style.dim('not created yet')}`);
      continue;
    }
    const heading = `${style.bold(db.name)}  ${bytes(db.bytes)}${db.walBytes > 0 ? ` (${bytes(db.walBytes)} in the write-ahead log)` : ''}  schema v${db.schemaVersion}`;
    const table = formatTable(
      [
        { header: 'table', value: (t) => t.table },
        { header: 'rows', align: 'right', value: (t) => count(t.rows) },
        { header: 'oldest', value: (t) => (t.oldestUs === null ? '-' : clock(t.oldestUs)) },
        { header: 'newest', value: (t) => (t.newestUs === null ? '-' : clock(t.newestUs)) },
      ],
      db.tables,
      style,
    );
    blocks.push(`${heading}\n${indent(table)}`);
  }
  return blocks.join('\n\n');
}

export function dbInfoRows(info: DbInfo) {
  return info.databases.flatMap((db) =>
    db.tables.map((t) => ({
      database: db.name,
      bytes: db.bytes,
      table: t.table,
      rows: t.rows,
      oldest_us: t.oldestUs,
      newest_us: t.newestUs,
    })),
  );
}

export function printPrune(result: DbPruneResult, style: Style): string {
  const rules = [
    result.policy.maxAgeDays !== undefined ? `older than ${result.policy.maxAgeDays} days` : undefined,
    result.policy.maxRowsPerTable !== undefined
      ? `beyond the newest ${count(result.policy.maxRowsPerTable)} rows`
      : undefined,
  ].filter((r) => r !== undefined);
  const table = formatTable(
    [
      { header: 'database', value: (r) => r.database },
      { header: 'table', value: (r) => r.table },
      { header: 'deleted', align: 'right', value: (r) => count(r.deleted) },
    ],
    pruneRows(result),
    style,
  );
  const total = result.databases.reduce((n, db) => n + db.tables.reduce((m, t) => m + t.deleted, 0), 0);
  return `Deleted rows ${rules.join(' or ')}:\n${table}\n\n${count(total)} rows deleted; run \`transcriber db vacuum\` to give their space back to the disk.`;
}

export function pruneRows(result: DbPruneResult) {
  return result.databases.flatMap((db) =>
    db.tables.map((t) => ({ database: db.name, table: t.table, deleted: t.deleted })),
  );
}

export function printVacuum(result: DbVacuumResult, style: Style): string {
  return formatTable(
    [
      { header: 'database', value: (r) => r.name },
      { header: 'before', align: 'right', value: (r) => bytes(r.bytesBefore) },
      { header: 'after', align: 'right', value: (r) => bytes(r.bytesAfter) },
      { header: 'freed', align: 'right', value: (r) => bytes(r.bytesBefore - r.bytesAfter) },
    ],
    result.databases,
    style,
  );
}

export function vacuumRows(result: DbVacuumResult) {
  return result.databases.map((r) => ({ database: r.name, bytes_before: r.bytesBefore, bytes_after: r.bytesAfter }));
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
