import { figure, percentChange, type Figure } from '../figure';
import { OptimizerInputError } from '../optimizerInputError';
import { audioCandidates, type AudioCandidateOptions } from './audioCandidates';
import { heuristicAudioSettings, hostFacts, type HostFacts } from './audioHeuristics';
import { parseAudioSettings, sameAudioSettings, type AudioSettings } from './audioSettings';
import { chooseAudioSettings, costOf } from './chooseAudioSettings';
import {
  measureCandidates,
  type CandidateMeasurement,
  type ChunkWorkload,
  type MeasurementOptions,
} from './measureChunkWorkload';

/**
 * Default budget for chunk duration + processing, ms: audio should reach VAD/STT within a small
 * share of the 500–800 ms voice-to-voice latency voice agents aim for.
 */
export const DEFAULT_AUDIO_LATENCY_BUDGET_MS = 50;

export interface AudioOptimizationOptions extends MeasurementOptions {
  /** Processes one chunk; when given, candidates are measured with it, otherwise heuristics apply. */
  workload?: ChunkWorkload;
  /** Budget for chunk duration + p95 processing time, ms. Default {@link DEFAULT_AUDIO_LATENCY_BUDGET_MS}. */
  latencyBudgetMs?: number;
  candidates?: AudioCandidateOptions;
}

/** The measured change from the current settings to the chosen ones. */
export interface AudioImprovement {
  /** Change of the median real-time factor candidates were compared by (CPU or wall; see the unit). */
  realTimeFactor: Figure;
  latencyP95Ms: Figure;
  /** e.g. `CPU RTF 0.420 → 0.120 (-71%), p95 latency 74.2 → 47.1 ms (-36%)`. */
  summary: string;
}

export interface AudioOptimizationResult {
  /** `measured` with a workload; `heuristic` without one. */
  basis: 'measured' | 'heuristic';
  /** The settings given, completed (camelCase). */
  previous: AudioSettings;
  /** The suggested settings. Nothing is applied: the app decides. */
  settings: AudioSettings;
  changed: boolean;
  latencyBudgetMs: number;
  /** Measured only: whether the suggested settings fit the budget and keep up with real time. */
  meetsBudget?: boolean;
  reasons: string[];
  /** Measured only: the current settings' measurement, and the suggested one's. */
  before?: CandidateMeasurement;
  after?: CandidateMeasurement;
  improvement?: AudioImprovement;
  /** Measured only: every candidate's measurement, current first. */
  candidates?: CandidateMeasurement[];
  /** Heuristic only: what the rules looked at. */
  host?: HostFacts;
}

/** Tunes sample rate and chunk size: measured when a workload is given, heuristic otherwise. */
export async function optimizeAudioProcessing(
  input: unknown,
  options: AudioOptimizationOptions = {},
): Promise<AudioOptimizationResult> {
  const previous = parseAudioSettings(input);
  const budget = options.latencyBudgetMs ?? DEFAULT_AUDIO_LATENCY_BUDGET_MS;
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0) {
    throw new OptimizerInputError(`invalid latencyBudgetMs ${String(budget)}: expected a positive number of ms`);
  }
  if (options.workload === undefined) {
    const host = hostFacts();
    const { settings, reasons } = heuristicAudioSettings(previous, host);
    return {
      basis: 'heuristic',
      previous,
      settings,
      changed: !sameAudioSettings(previous, settings),
      latencyBudgetMs: budget,
      reasons: ['no workload given: suggested by rules of thumb, not measured', ...reasons],
      host,
    };
  }
  const candidates = audioCandidates(previous, options.candidates);
  const measurements = await measureCandidates(options.workload, candidates, options);
  const choice = chooseAudioSettings(measurements, budget);
  if (choice === undefined) {
    throw new OptimizerInputError(
      `the workload failed on every candidate: ${measurements[0].error ?? 'no chunk was timed'}`,
    );
  }
  const before = measurements[0];
  const after = choice.chosen;
  const reasons = [
    choice.reason,
    choice.costBasis === 'cpu'
      ? 'compared by CPU time: the workload mostly computes'
      : 'compared by wall time: the workload mostly waits',
  ];
  if (before.state === 'errored') reasons.push(`the current settings failed: ${before.error}`);
  const errored = measurements.filter((m) => m.state === 'errored').length;
  if (errored > 0) reasons.push(`${errored} candidate(s) failed and were left out (see candidates[].error)`);
  const result: AudioOptimizationResult = {
    basis: 'measured',
    previous,
    settings: after.settings,
    changed: !sameAudioSettings(previous, after.settings),
    latencyBudgetMs: budget,
    meetsBudget: choice.meetsBudget,
    reasons,
    before,
    after,
    candidates: measurements,
  };
  if (before.state === 'completed') result.improvement = improvement(before, after, choice.costBasis);
  return result;
}

function improvement(
  before: CandidateMeasurement,
  after: CandidateMeasurement,
  basis: 'cpu' | 'wall',
): AudioImprovement {
  const cost = (m: CandidateMeasurement) => costOf(m, basis);
  const rtf = `${basis === 'cpu' ? 'CPU RTF' : 'RTF'} ${cost(before).toFixed(3)} → ${cost(after).toFixed(3)} (${percentChange(cost(before), cost(after))})`;
  const latency = `p95 latency ${before.latencyP95Ms.toFixed(1)} → ${after.latencyP95Ms.toFixed(1)} ms (${percentChange(before.latencyP95Ms, after.latencyP95Ms)})`;
  return {
    realTimeFactor: figure(cost(after) - cost(before), basis === 'cpu' ? 'CPU RTF' : 'RTF', 'derived'),
    latencyP95Ms: figure(after.latencyP95Ms - before.latencyP95Ms, 'ms', 'derived'),
    summary: `${rtf}, ${latency}`,
  };
}
