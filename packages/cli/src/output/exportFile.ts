import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitError, UsageError, EXIT_FAILURE } from '../errors';
import { toCsv } from './csv';

export type ExportFormat = 'json' | 'csv';

/** The format asked for, else the file's extension, else JSON. */
export function exportFormatOf(file: string, format: ExportFormat | undefined): ExportFormat {
  if (format !== undefined) return format;
  return path.extname(file).toLowerCase() === '.csv' ? 'csv' : 'json';
}

/**
 * Writes a command's data to a file: JSON as returned, or CSV from the command's flat rows. The file
 * is written whole (temporary file, then rename) so a failed export never leaves half a file.
 */
export function writeExport(
  file: string,
  format: ExportFormat,
  data: unknown,
  rows: (() => Record<string, string | number | boolean | null>[]) | undefined,
): void {
  if (format === 'csv' && rows === undefined) throw new UsageError('this command can only export JSON');
  const text = format === 'csv' ? toCsv(rows!()) : JSON.stringify(data, null, 2) + '\n';
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, text, { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch (err) {
    removeQuietly(temporary);
    throw new ExitError(EXIT_FAILURE, `cannot write export file ${file}: ${describeFsError(err)}`, { cause: err });
  }
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'its directory does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of its path is not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Its directory is unusable too; the error that matters is the one being reported.
  }
}
