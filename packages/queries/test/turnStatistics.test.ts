import {
  histogramOf,
  niceBinMs,
  percentilesOf,
  stageDistributions,
  turnSamples,
  type TurnRecord,
} from '@transcriber/queries';
import { turnRecord } from '../../../test/helpers/turnRecord';

function turn(voiceToVoiceMs: number | null, stages: [string, string, number | null][]): TurnRecord {
  return turnRecord({
    traceId: 't',
    spanId: 's',
    voiceToVoiceMs,
    stages: stages.map(([stage, component, ms]) => ({ stage, component, ms })),
    complete: stages.every(([, , ms]) => ms !== null),
  });
}

describe('turn statistics', () => {
  it('takes whatever stages the turns list, in order, a stage only later turns have appended', () => {
    const samples = turnSamples([
      turn(600, [
        ['endpointing', 'vad', 300],
        ['agent', 'agent', 300],
      ]),
      turn(700, [
        ['endpointing', 'vad', 350],
        ['agent', 'agent', null],
        ['unexplained', 'pipeline', 50],
      ]),
      turn(null, [['endpointing', 'vad', 200]]),
    ]);
    expect(samples.voiceToVoiceMs).toEqual([600, 700]);
    expect(samples.stages).toEqual([
      { stage: 'endpointing', component: 'vad', ms: [300, 350, 200] },
      { stage: 'agent', component: 'agent', ms: [300] },
      { stage: 'unexplained', component: 'pipeline', ms: [50] },
    ]);
    expect(stageDistributions(samples).map((d) => [d.stage, d.count, d.p50])).toEqual([
      ['endpointing', 3, 300],
      ['agent', 1, 300],
      ['unexplained', 1, 50],
    ]);
  });

  it('percentiles by the definition; none without values', () => {
    expect(percentilesOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toEqual({ count: 11, p50: 6, p95: 10.5, p99: 10.9 });
    expect(percentilesOf([])).toBeNull();
  });

  it('bins every value from 0 up, empty bins included; nice widths', () => {
    const bins = histogramOf([10, 49.9, 50, 199, 0, -3], 50);
    expect(bins).toEqual([
      { fromMs: 0, toMs: 50, count: 4 },
      { fromMs: 50, toMs: 100, count: 1 },
      { fromMs: 100, toMs: 150, count: 0 },
      { fromMs: 150, toMs: 200, count: 1 },
    ]);
    expect(histogramOf([], 10)).toEqual([]);
    expect(() => histogramOf([1], 0)).toThrow(/binMs must be positive/);
    expect(niceBinMs(2000, 40)).toBe(50);
    expect(niceBinMs(1000, 40)).toBe(50);
    expect(niceBinMs(130, 40)).toBe(5);
    expect(niceBinMs(0.5, 40)).toBe(0.05);
  });
});
