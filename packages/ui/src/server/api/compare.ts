import type { Database } from 'better-sqlite3';
import { DEFAULT_REGRESSION_THRESHOLDS, detectRegression } from '@transcriber/benchmarks/stats';
import {
  histogramOf,
  newestStart,
  niceBinMs,
  percentilesOf,
  recentTurns,
  turnSamples,
  type TurnSamples,
} from '@transcriber/queries';
import type { CompareResponse, CompareSide, ComparedFigure } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { readOrMissing } from '../dataAccess';
import type { Window } from '../params';
import { MAX_SUMMARIZED_TURNS } from './turns';

/**
 * `/api/compare`: the turns of two windows, or of two services (A and B), side by side: voice-to-
 * voice and each stage, with the verdict benchmark regressions get (Mann–Whitney U, p < 0.05, and a
 * median change of at least 10%) for B against A. Default: B the last hour, A the hour before.
 * Each side is its newest 2,000 turns at most.
 */
export const compareApi: ApiHandler = {
  params: ['aFrom', 'aTo', 'aMinutes', 'aService', 'bFrom', 'bTo', 'bMinutes', 'bService'],
  handle({ dataDir, params }): CompareResponse {
    const now = Date.now();
    const b = params.window(60, 'b', now);
    const a = params.window(60, 'a', b.sinceUs / 1000);
    const aService = params.service('aService');
    const bService = params.service('bService');
    const side = (label: string, window: Window, service: string | undefined): CompareSide => ({
      label,
      window,
      service: service ?? null,
      turns: 0,
      cappedSinceUs: null,
    });
    const empty: CompareResponse = {
      a: side('A', a, aService),
      b: side('B', b, bService),
      minEffectPercent: DEFAULT_REGRESSION_THRESHOLDS.minEffect * 100,
      significance: DEFAULT_REGRESSION_THRESHOLDS.significance,
      figures: [],
    };
    return readOrMissing(
      dataDir,
      'performance_metrics',
      (db) => {
        const sa = samplesOf(db, a, aService);
        const sb = samplesOf(db, b, bService);
        return {
          ...empty,
          a: { ...empty.a, turns: sa.turns, cappedSinceUs: sa.cappedSinceUs },
          b: { ...empty.b, turns: sb.turns, cappedSinceUs: sb.cappedSinceUs },
          figures: figuresOf(sa.samples, sb.samples),
        };
      },
      empty,
    );
  },
};

function samplesOf(db: Database, window: Window, service: string | undefined) {
  const since = newestStart(db, { component: 'pipeline', ...window, count: MAX_SUMMARIZED_TURNS, service });
  const turns = recentTurns(db, { sinceUs: since, untilUs: window.untilUs, limit: MAX_SUMMARIZED_TURNS, service });
  return { turns: turns.length, cappedSinceUs: since > window.sinceUs ? since : null, samples: turnSamples(turns) };
}

/** Voice-to-voice, then every stage either side lists (A's order first). */
function figuresOf(a: TurnSamples, b: TurnSamples): ComparedFigure[] {
  const figures = [compared('voice_to_voice', null, a.voiceToVoiceMs, b.voiceToVoiceMs)];
  const names = [...new Set([...a.stages.map((s) => s.stage), ...b.stages.map((s) => s.stage)])];
  for (const stage of names) {
    const sa = a.stages.find((s) => s.stage === stage);
    const sb = b.stages.find((s) => s.stage === stage);
    figures.push(compared(stage, (sa ?? sb)!.component, sa?.ms ?? [], sb?.ms ?? []));
  }
  return figures;
}

function compared(figure: string, component: string | null, a: number[], b: number[]): ComparedFigure {
  const report = detectRegression(b, [a], DEFAULT_REGRESSION_THRESHOLDS);
  let max = 0;
  for (const v of [...a, ...b]) if (v > max) max = v;
  const binMs = niceBinMs(max, 30);
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    figure,
    component,
    a: percentilesOf(a),
    b: percentilesOf(b),
    histogram: { binMs, a: histogramOf(a, binMs), b: histogramOf(b, binMs) },
    verdict: report.verdict,
    effectPercent: finite(report.effectPercent),
    pValue: finite(report.pValue),
    summary: summaryOf(report, a.length, b.length),
  };
}

function summaryOf(report: ReturnType<typeof detectRegression>, na: number, nb: number): string {
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  if (report.verdict === 'insufficient-history') {
    return `too few turns to compare (A ${na}, B ${nb}; ${DEFAULT_REGRESSION_THRESHOLDS.minSamples} each needed)`;
  }
  const change = `median ${ms(report.medianMs)} ms in B vs ${ms(report.baselineMedianMs)} ms in A (${report.effectPercent >= 0 ? '+' : ''}${report.effectPercent.toFixed(1)}%)`;
  const p = `p = ${report.pValue < 0.001 ? report.pValue.toExponential(1) : report.pValue.toFixed(3)}`;
  switch (report.verdict) {
    case 'regression':
      return `B is slower: ${change}, ${p}`;
    case 'improvement':
      return `B is faster: ${change}, ${p}`;
    default:
      return `no real difference: ${change}, ${p} (needs p < ${DEFAULT_REGRESSION_THRESHOLDS.significance} and a change of at least ${DEFAULT_REGRESSION_THRESHOLDS.minEffect * 100}%)`;
  }
}
