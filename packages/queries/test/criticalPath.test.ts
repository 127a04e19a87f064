import { criticalPath } from '@transcriber/queries';

const span = (spanId: string, parentSpanId: string | null, startMs: number, endMs: number) => ({
  spanId,
  parentSpanId,
  startUs: startMs * 1000,
  endUs: endMs * 1000,
});
const ms = (segments: ReturnType<typeof criticalPath>) =>
  segments.map((s) => [s.spanId, s.startUs / 1000, s.endUs / 1000]);

describe('criticalPath', () => {
  it('follows the child that ends last, back to the start, and the parent where no child ran', () => {
    // turn 0–100: stt 10–30, agent 30–80 (llm 35–70 inside), tts 60–90 (overlaps agent, ends later).
    const segments = criticalPath([
      span('turn', null, 0, 100),
      span('stt', 'turn', 10, 30),
      span('agent', 'turn', 30, 80),
      span('llm', 'agent', 35, 70),
      span('tts', 'turn', 60, 90),
    ]);
    expect(ms(segments)).toEqual([
      ['turn', 0, 10],
      ['stt', 10, 30],
      ['agent', 30, 35],
      ['llm', 35, 60],
      ['tts', 60, 90],
      ['turn', 90, 100],
    ]);
  });

  it('adds up to the root’s duration without overlaps; a child outliving its parent counts to the parent’s end', () => {
    const segments = criticalPath([span('a', null, 0, 50), span('b', 'a', 20, 70), span('c', 'b', 25, 65)]);
    expect(ms(segments)).toEqual([
      ['a', 0, 20],
      ['b', 20, 25],
      ['c', 25, 50],
    ]);
    expect(segments.reduce((n, s) => n + s.endUs - s.startUs, 0)).toBe(50_000);
  });

  it('gives each root of a trace with several (a parent not recorded) its own path, and survives cycles', () => {
    const segments = criticalPath([span('x', 'missing', 0, 10), span('y', null, 20, 30), span('z', 'z', 0, 5)]);
    expect(ms(segments)).toEqual([
      ['x', 0, 10],
      ['y', 20, 30],
    ]);
    const cycle = criticalPath([span('p', null, 0, 10), span('q', 'r', 1, 9), span('r', 'q', 2, 8)]);
    expect(ms(cycle)).toEqual([['p', 0, 10]]);
  });
});
