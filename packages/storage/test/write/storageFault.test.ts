import { classifyStorageError, describeFault, type StorageFault } from '../../src/write/storageFault';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('classifyStorageError', () => {
  it.each<[string, StorageFault]>([
    ['SQLITE_NOTADB', 'corrupt'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_CORRUPT_INDEX', 'corrupt'],
    ['SQLITE_BUSY', 'locked'],
    ['SQLITE_BUSY_SNAPSHOT', 'locked'],
    ['SQLITE_LOCKED', 'locked'],
    ['SQLITE_FULL', 'full'],
    ['ENOSPC', 'full'],
    ['SQLITE_IOERR_WRITE', 'full'],
    ['EACCES', 'unwritable'],
    ['EPERM', 'unwritable'],
    ['EROFS', 'unwritable'],
    ['ENOTDIR', 'unwritable'],
    ['EEXIST', 'unwritable'],
    ['SQLITE_CANTOPEN', 'unwritable'],
    ['SQLITE_READONLY_DBMOVED', 'unwritable'],
    ['SQLITE_PERM', 'unwritable'],
    ['SQLITE_IOERR', 'other'],
    ['SQLITE_CONSTRAINT', 'other'],
  ])('%s is %s', (code, fault) => {
    expect(classifyStorageError(withCode(code))).toBe(fault);
  });

  it('recognises a newer schema by its message and calls anything else other', () => {
    expect(classifyStorageError(new Error('database schema version 9 is newer than this software (1)'))).toBe('schema');
    expect(classifyStorageError(new Error('boom'))).toBe('other');
    expect(classifyStorageError('a string')).toBe('other');
    expect(classifyStorageError(undefined)).toBe('other');
  });
});

describe('describeFault', () => {
  it('gives one line naming the file, the cause and what happens next', () => {
    const file = '/data/performance_metrics.db';
    expect(describeFault('unwritable', file, withCode('EACCES', 'permission denied'))).toBe(
      `cannot write ${file} (permission denied); telemetry is kept in memory and retried — check the data directory's permissions`,
    );
    expect(describeFault('corrupt', file, new Error('file is not a database'))).toMatch(/moved aside/);
    expect(describeFault('locked', file, new Error('database is locked'))).toMatch(/locked by another process/);
    expect(describeFault('full', file, new Error('database or disk is full'))).toMatch(/no space left/);
    for (const fault of ['unwritable', 'corrupt', 'locked', 'full', 'schema', 'other'] as const) {
      const line = describeFault(fault, file, new Error('why'));
      expect(line).toContain(file);
      expect(line).not.toContain('\n');
    }
  });
});
