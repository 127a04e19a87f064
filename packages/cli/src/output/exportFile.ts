import { DATABASE_NAMES, databasePath } from '@transcriber/storage/files';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitError, UsageError, EXIT_FAILURE } from '../errors';

/** JSON of the data, CSV of the command's flat rows, or the text view without colour. */
export type ExportFormat = 'json' | 'csv' | 'text';

/** Where a command's data goes (`--export FILE`, `--output FILE`), and whether it may replace a file. */
export interface ExportTarget {
  /** Absolute path. */
  file: string;
  format: ExportFormat;
  /** `--force`: an existing regular file may be replaced (never anything else). */
  force: boolean;
  /** The data directory whose databases an export must never replace. */
  dataDir: string;
}

/** The format asked for, else the file's extension (`.csv`, `.txt`), else JSON. */
export function exportFormatOf(file: string, format: ExportFormat | undefined): ExportFormat {
  if (format !== undefined) return format;
  const extension = path.extname(file).toLowerCase();
  return extension === '.csv' ? 'csv' : extension === '.txt' ? 'text' : 'json';
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const DATABASE_SUFFIXES = ['', '-wal', '-shm', '-journal'];

/**
 * Refuses, before the command runs (a long profile must not be lost to a bad path), a target an
 * export must not write: a database of the data directory (even one not created yet), any SQLite
 * file, anything that is not a regular file (a FIFO, a device, a symbolic link, a directory), an
 * existing file without `--force`, or a path that cannot be written. A usage error: exit 2.
 */
export function checkExportTarget(target: ExportTarget): void {
  const { file } = target;
  const refuse = (why: string) => new UsageError(`will not write export file ${file}: ${why}`);
  if (isDataDirDatabase(file, target.dataDir)) throw refuse('it is a database of the data directory');
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(cannotWrite(file, err));
    checkDirectoryWritable(file);
    return;
  }
  if (stat.isSymbolicLink()) throw refuse('it is a symbolic link (an export replaces only a regular file)');
  if (!stat.isFile()) throw refuse(`it is ${kindOf(stat)} (an export replaces only a regular file)`);
  if (isSqliteFile(file)) throw refuse('it is an SQLite database');
  if (!target.force) throw refuse('it exists (add --force to replace it)');
  try {
    fs.accessSync(file, fs.constants.W_OK);
  } catch (err) {
    throw new UsageError(cannotWrite(file, err));
  }
}

/**
 * Writes the text whole: into a new temporary file beside the target, then linked in place (so a
 * file that appeared meanwhile is never replaced) or, with `--force`, renamed over the regular file
 * checked again just before. A failed export leaves no half-written file.
 */
export function writeExport(target: ExportTarget, text: string): void {
  const { file } = target;
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    if (target.force && fs.existsSync(file)) {
      checkExportTarget(target);
      fs.renameSync(temporary, file);
    } else {
      fs.linkSync(temporary, file);
      fs.rmSync(temporary);
    }
  } catch (err) {
    removeQuietly(temporary);
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`will not write export file ${file}: it exists (add --force to replace it)`);
    }
    throw new ExitError(EXIT_FAILURE, cannotWrite(file, err), { cause: err });
  }
}

function checkDirectoryWritable(file: string): void {
  const dir = path.dirname(file);
  try {
    if (!fs.statSync(dir).isDirectory()) {
      throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    }
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new UsageError(cannotWrite(file, err));
  }
}

/** Whether `file` is (or would be) one of the data directory's database files, by real location. */
function isDataDirDatabase(file: string, dataDir: string): boolean {
  const where = realLocation(file);
  return DATABASE_NAMES.some((name) =>
    DATABASE_SUFFIXES.some((suffix) => realLocation(databasePath(dataDir, name) + suffix) === where),
  );
}

/** The path with its directory's symbolic links resolved (the file itself need not exist). */
function realLocation(file: string): string {
  try {
    return path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
  } catch {
    return path.resolve(file);
  }
}

function isSqliteFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const header = Buffer.alloc(SQLITE_HEADER.length);
    return fs.readSync(fd, header, 0, header.length, 0) === header.length && header.equals(SQLITE_HEADER);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function cannotWrite(file: string, err: unknown): string {
  return `cannot write export file ${file}: ${describeFsError(err)}`;
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
