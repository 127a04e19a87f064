import * as vm from 'node:vm';
import { collectGarbage, collectGarbageWithInspector, exposeGcFunction } from '../../src/memory/collectGarbage';

const MB = 2 ** 20;

function external(): number {
  return process.memoryUsage().external;
}

describe('collectGarbage', () => {
  it('obtains gc() at run time without exposing it on any global object, now or later', () => {
    expect(typeof exposeGcFunction()).toBe('function');
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  });

  it.each(['expose-gc', 'inspector'] as const)('releases unreachable buffers through %s', async (method) => {
    let buffers: Buffer[] | undefined = Array.from({ length: 4 }, (_, i) => Buffer.alloc(8 * MB, i + 1));
    const held = external();
    expect(buffers.length).toBe(4);
    buffers = undefined;
    const run = await collectGarbage(method);
    expect(run.method).toBe(method);
    expect(run.durationMs).toBeGreaterThan(0);
    expect(held - external()).toBeGreaterThan(24 * MB);
  });

  it('uses global.gc when the app exposed it', async () => {
    const gc = exposeGcFunction()!;
    let calls = 0;
    (globalThis as { gc?: () => void }).gc = () => {
      calls++;
      gc();
    };
    try {
      expect((await collectGarbage()).method).toBe('global.gc');
      expect(calls).toBe(2);
    } finally {
      delete (globalThis as { gc?: unknown }).gc;
    }
  });

  it('runs a collection through the inspector protocol on its own', async () => {
    await expect(collectGarbageWithInspector()).resolves.toBeUndefined();
  });
});
