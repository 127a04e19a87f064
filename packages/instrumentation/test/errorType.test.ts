import { errorTypeOf } from '@transcriber/instrumentation';

describe('errorTypeOf', () => {
  it('uses the name of built-in errors', () => {
    expect(errorTypeOf(new Error('x'))).toBe('Error');
    expect(errorTypeOf(new TypeError('x'))).toBe('TypeError');
    expect(errorTypeOf(new RangeError('x'))).toBe('RangeError');
  });

  it('uses the name a custom error sets', () => {
    class ApiError extends Error {
      override name = 'RateLimitError';
    }
    expect(errorTypeOf(new ApiError('429'))).toBe('RateLimitError');
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(errorTypeOf(abort)).toBe('AbortError');
    expect(errorTypeOf(new DOMException('stop', 'AbortError'))).toBe('AbortError');
  });

  it('uses the class name of a subclass that did not set a name', () => {
    class SttTimeoutError extends Error {}
    expect(errorTypeOf(new SttTimeoutError('late'))).toBe('SttTimeoutError');
  });

  it('falls back to Error for an anonymous subclass or an empty name', () => {
    const Anonymous = (() => class extends Error {})();
    expect(errorTypeOf(new Anonymous())).toBe('Error');
    const empty = new Error('x');
    empty.name = '';
    expect(errorTypeOf(empty)).toBe('Error');
  });

  it('uses the name of an error-like object', () => {
    expect(errorTypeOf({ name: 'GrpcError', code: 14 })).toBe('GrpcError');
  });

  it('never uses the message', () => {
    expect(errorTypeOf(new Error('user said: my card number is 1234'))).toBe('Error');
    expect(errorTypeOf({ message: 'secret' })).toBe('_OTHER');
  });

  it('reports _OTHER for values that are not errors', () => {
    for (const value of ['a string', 42, null, undefined, Symbol('s'), { name: '' }, { name: 3 }, []]) {
      expect(errorTypeOf(value)).toBe('_OTHER');
    }
  });
});
