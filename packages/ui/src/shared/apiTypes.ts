/**
 * The JSON the API answers with, shared by the server (which builds it) and the page (which
 * draws it). Types only: the page's bundle takes nothing from here at run time.
 */
import type {
  ComponentTimeline,
  CoveringProfile,
  CriticalSegment,
  HistogramBin,
  OperationRecord,
  Percentiles,
  ProfileDetail,
  ProfileSummary,
  ResourceTimeline,
  ServiceInfo,
  StageDistribution,
  TraceView,
  TurnRecord,
  TurnTimeline,
  BenchmarkSeries,
} from '@transcriber/queries';
import type { FlameGraph } from '@transcriber/profiler/flame';
import type { RecommendationReport } from '@transcriber/optimizer/recommendations';
import type { RegressionVerdict } from '@transcriber/benchmarks/stats';

export type {
  ComponentTimeline,
  CoveringProfile,
  CriticalSegment,
  FlameGraph,
  HistogramBin,
  OperationRecord,
  Percentiles,
  ProfileDetail,
  ProfileSummary,
  RecommendationReport,
  RegressionVerdict,
  ResourceTimeline,
  ServiceInfo,
  StageDistribution,
  TraceView,
  TurnRecord,
  TurnTimeline,
  BenchmarkSeries,
};
export type { FlameNode } from '@transcriber/profiler/flame';
/** What ProfileDetail's JSON columns hold, as the profiler wrote them. */
export type { HotSpot, ComponentProfile, MemoryProfile, AllocationHotSpot, LeakVerdict } from '@transcriber/profiler';
export type { Recommendation } from '@transcriber/optimizer/recommendations';
export type { BenchmarkRunPoint, WaterfallSpan } from '@transcriber/queries';

/** Every error answer: one line. `reason` is set when the data is not there (yet). */
export interface ApiError {
  error: string;
  reason?: string;
}

/** The window an answer covers, µs since the epoch. */
export interface WindowInfo {
  sinceUs: number;
  untilUs: number;
}

/** A database the answer needed was not there: the answer is empty, and says why. */
export interface Missing {
  missing?: string;
}

export interface MetaResponse {
  dataDir: string;
  version: string;
  nowUs: number;
  databases: { name: string; file: string; exists: boolean }[];
  /** The rule for services: the one left out unless asked for. */
  benchmarkService: string;
}

export interface ServicesResponse extends Missing {
  services: ServiceInfo[];
}

export interface TurnsResponse extends Missing {
  window: WindowInfo;
  service: string | null;
  order: 'recent' | 'slowest';
  /**
   * Newest first, at most `limit`; or the slowest of the turns the summary covers (the window's,
   * or its newest `maxTurns` when `cappedSinceUs` is set).
   */
  turns: TurnRecord[];
  summary: {
    /** Turns the figures are over: the window's, or its newest `maxTurns` when it holds more. */
    turns: number;
    /** Set when the window held more turns: the figures cover those since this time. */
    cappedSinceUs: number | null;
    maxTurns: number;
    voiceToVoiceMs: Percentiles | null;
    stages: StageDistribution[];
    interruptions: number;
    failedTurns: number;
    histogram: { binMs: number; bins: HistogramBin[] };
    /** The usual voice-to-voice target, ms. */
    targetBandMs: [number, number];
  };
}

export interface OperationsResponse extends Missing {
  window: WindowInfo;
  service: string | null;
  operations: OperationRecord[];
}

/** A point of a turn (a span event named after a mark) as a waterfall tick. */
export interface TraceMark {
  name: string;
  timeUs: number;
  spanId: string;
}

/**
 * A turn's stage placed on the trace's time axis: the stages laid end to end, in the order the
 * turn lists them, ending where voice-to-voice ends (the first audio played).
 */
export interface StageSpan {
  stage: string;
  component: string;
  startUs: number;
  endUs: number;
  ms: number;
}

export interface TraceResponse {
  trace: TraceView;
  criticalPath: CriticalSegment[];
  /** The trace's turn, when it holds one (the first pipeline/turn span). */
  turn: TurnRecord | null;
  marks: TraceMark[];
  stages: StageSpan[];
  /** Profiles that recorded this trace's process while it ran (or the trace's own operation). */
  profiles: CoveringProfile[];
  profilesMissing?: string;
}

export interface OverTimeResponse extends Missing {
  window: WindowInfo;
  service: string | null;
  components: ComponentTimeline;
  turns: TurnTimeline;
  resources: ResourceTimeline;
}

export interface ProfilesResponse extends Missing {
  window: WindowInfo;
  service: string | null;
  profiles: ProfileSummary[];
}

export interface ProfileResponse {
  profile: ProfileDetail;
}

export type FlameResponse = FlameGraph;

export interface BenchmarksResponse extends Missing {
  window: WindowInfo;
  series: BenchmarkSeries[];
}

/** One figure compared between two sets of turns. */
export interface ComparedFigure {
  /** `voice_to_voice`, or a stage's name. */
  figure: string;
  component: string | null;
  a: Percentiles | null;
  b: Percentiles | null;
  histogram: { binMs: number; a: HistogramBin[]; b: HistogramBin[] };
  /** B against A, as benchmark regressions are judged: Mann–Whitney U and a minimum effect. */
  verdict: RegressionVerdict;
  /** Median change B vs A, %. */
  effectPercent: number | null;
  pValue: number | null;
  summary: string;
}

export interface CompareSide {
  label: string;
  window: WindowInfo;
  service: string | null;
  turns: number;
  cappedSinceUs: number | null;
}

export interface CompareResponse extends Missing {
  a: CompareSide;
  b: CompareSide;
  minEffectPercent: number;
  significance: number;
  figures: ComparedFigure[];
}

export interface RecommendationsResponse extends Missing {
  report: RecommendationReport | null;
}
