import { TimeOrderedIdGenerator } from '@transcriber/storage';

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const NONZERO = /[1-9a-f]/;

/** Busy-waits into the next millisecond of Date.now() (at most about one millisecond). */
function nextMillisecond(): number {
  const now = Date.now();
  let t = now;
  while (t === now) t = Date.now();
  return t;
}

describe('TimeOrderedIdGenerator', () => {
  const ids = new TimeOrderedIdGenerator();

  it('makes valid W3C ids: 32 (trace) and 16 (span) lowercase hex digits, never all zero', () => {
    for (let i = 0; i < 1000; i++) {
      const traceId = ids.generateTraceId();
      const spanId = ids.generateSpanId();
      expect(traceId).toMatch(HEX32);
      expect(traceId).toMatch(NONZERO);
      expect(spanId).toMatch(HEX16);
      expect(spanId).toMatch(NONZERO);
    }
  });

  it('starts each trace id with the epoch milliseconds, big-endian, in 48 bits', () => {
    const before = Date.now();
    const traceId = ids.generateTraceId();
    const after = Date.now();
    const ms = parseInt(traceId.slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('orders trace ids by time across milliseconds, as strings (how SQLite compares them)', () => {
    const made: string[] = [];
    for (let i = 0; i < 20; i++) {
      nextMillisecond();
      made.push(ids.generateTraceId());
    }
    expect([...made].sort()).toEqual(made);
    expect(new Set(made.map((id) => id.slice(0, 12))).size).toBe(20);
  });

  it('keeps the 80 bits after the time random: unique over many, different within one millisecond', () => {
    const many = Array.from({ length: 100_000 }, () => ids.generateTraceId());
    expect(new Set(many).size).toBe(many.length);
    expect(new Set(many.map((id) => id.slice(12))).size).toBe(many.length);
    // Ids of one millisecond share the time and differ in the rest (a few tries: a loaded machine
    // may deschedule us for a whole millisecond).
    let inMs: string[] = [];
    for (let attempt = 0; attempt < 100 && inMs.length < 2; attempt++) {
      const ms = nextMillisecond();
      const made: string[] = [];
      while (Date.now() === ms && made.length < 50) made.push(ids.generateTraceId());
      inMs = made.filter((id) => id.startsWith(ms.toString(16).padStart(12, '0')));
    }
    expect(inMs.length).toBeGreaterThan(1);
    expect(new Set(inMs.map((id) => id.slice(12))).size).toBe(inMs.length);
    // Every hex digit of the random part takes many values (not a counter, not constant bits).
    for (let digit = 12; digit < 32; digit++) {
      expect(new Set(many.slice(0, 1000).map((id) => id[digit])).size).toBe(16);
    }
  });

  it('keeps span ids random (nothing indexes them)', () => {
    const spans = Array.from({ length: 10_000 }, () => ids.generateSpanId());
    expect(new Set(spans).size).toBe(spans.length);
    expect([...spans].sort()).not.toEqual(spans);
  });
});
