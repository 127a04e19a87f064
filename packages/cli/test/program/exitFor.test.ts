import { ExitError, UsageError } from '../../src/errors';
import { exitFor } from '../../src/program/exitFor';

describe('exitFor', () => {
  it('maps each kind of error to its exit code and one line', () => {
    expect(exitFor(new UsageError('bad flag'), false)).toEqual({ code: 2, message: 'error: bad flag' });
    expect(exitFor(new ExitError(3, 'regression'), false)).toEqual({ code: 3, message: 'error: regression' });
    const query = Object.assign(new Error('x.db is locked'), { name: 'QueryError', reason: 'locked' });
    expect(exitFor(query, false)).toEqual({ code: 1, message: 'error: x.db is locked' });
    const config = Object.assign(new Error('invalid dataDir'), { name: 'ConfigError' });
    expect(exitFor(config, false)).toEqual({ code: 2, message: 'error: configuration: invalid dataDir' });
    expect(exitFor(new TypeError('oops'), false)).toEqual({
      code: 1,
      message: 'error: unexpected TypeError: oops (run with --debug for details)',
    });
    // Commander printed these itself.
    expect(exitFor(Object.assign(new Error(''), { code: 'commander.unknownOption', exitCode: 1 }), false)).toEqual({
      code: 2,
      message: undefined,
    });
    expect(exitFor(Object.assign(new Error(''), { code: 'commander.helpDisplayed', exitCode: 0 }), false)).toEqual({
      code: 0,
      message: undefined,
    });
  });

  it('adds the stack with --debug only', () => {
    const plan = exitFor(new UsageError('bad flag'), true);
    expect(plan.message).toMatch(/^error: bad flag\nUsageError: bad flag\n\s+at /);
  });
});
