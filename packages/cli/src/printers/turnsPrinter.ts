import type { ListedTurn, TurnsResult } from '../results/turns';
import { clock, ms, serviceScope } from '../output/format';
import { stageBar, type BarSegment } from '../output/stageBar';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';

/** Digits of a trace id shown per turn: `traces show` takes them (8 hex digits: 4 billion ids). */
const SHORT_TRACE_ID_DIGITS = 8;

/** The letter each stage is drawn with in bars, and its short column name. */
export const STAGE_LETTERS: Readonly<Record<string, { letter: string; short: string }>> = {
  endpointing: { letter: 'e', short: 'endpoint' },
  transcription: { letter: 't', short: 'stt' },
  agent: { letter: 'a', short: 'agent' },
  tts: { letter: 's', short: 'tts' },
  playout: { letter: 'p', short: 'playout' },
  unexplained: { letter: 'u', short: 'unexpl' },
};

export function stageLegend(style: Style): string {
  const parts = Object.entries(STAGE_LETTERS).map(([stage, { letter }]) => `${letter} ${stage}`);
  return style.dim(`${parts.join(' · ')}; UPPER CASE: the slowest stage`);
}

export function segmentsOf(stages: readonly { stage: string; ms: number | null }[]): BarSegment[] {
  return stages.map((s) => ({ letter: STAGE_LETTERS[s.stage]?.letter ?? '?', ms: s.ms }));
}

export function printTurns(result: TurnsResult, style: Style): string {
  const what = result.order === 'slowest' ? 'Slowest' : 'Most recent';
  const heading = style.bold(`${what} voice turns, last ${result.window.minutes} min${serviceScope(result.service)}`);
  if (result.turns.length === 0) {
    return `${heading}\n${style.dim('no turns recorded in this window (turns are pipeline/turn operations)')}`;
  }
  const scaleMs = Math.max(0, ...result.turns.map((t) => t.voiceToVoiceMs ?? 0));
  const barWidth = Math.max(24, Math.min(40, style.columns - 60));
  const stageNames = result.turns[0].stages.map((s) => s.stage);
  const table = formatTable(
    [
      { header: 'started', value: (t) => clock(t.startUs).slice(11) },
      // The end of the trace id (its random part; the start is the time): `traces show` takes it.
      { header: 'trace', value: (t) => t.traceId.slice(-SHORT_TRACE_ID_DIGITS) },
      {
        header: 'voice-to-voice',
        align: 'right',
        value: (t) => (t.voiceToVoiceMs === null ? '-' : `${ms(t.voiceToVoiceMs)} ms`),
      },
      { header: 'breakdown', value: (t) => barOf(t, scaleMs, barWidth, style) },
      ...stageNames.map((stage, i) => ({
        header: STAGE_LETTERS[stage]?.short ?? stage,
        align: 'right' as const,
        value: (t: ListedTurn) => {
          const text = ms(t.stages[i].ms);
          return t.slowestStage === stage ? style.red(style.bold(text)) : text;
        },
      })),
      {
        header: 'int',
        align: 'right',
        value: (t) => (t.interruptions > 0 ? style.yellow(String(t.interruptions)) : '0'),
      },
      { header: 'source', value: (t) => t.source ?? '-' },
      { header: 'source v2v', align: 'right', value: (t) => sourceFigure(t, style) },
    ],
    result.turns,
    style,
  );
  const notes = ['stage times in ms', "source v2v: the framework's own voice-to-voice (Δ: ours less it)"];
  return `${heading}\n${table}\n${stageLegend(style)}\n${style.dim(`${notes.join('; ')}; transcriber traces show <trace> draws a turn with its marks and stages`)}`;
}

function barOf(turn: ListedTurn, scaleMs: number, width: number, style: Style): string {
  if (turn.error) return style.red(`failed: ${turn.errorType ?? 'error'}`);
  if (turn.voiceToVoiceMs === null) {
    const missing = turn.stages.filter((s) => s.ms === null && s.stage !== 'unexplained').map((s) => s.stage);
    return style.dim(missing.length > 0 ? `no voice-to-voice (no ${missing.join(', ')})` : 'no voice-to-voice');
  }
  const slowest = turn.stages.findIndex((s) => s.stage === turn.slowestStage);
  return stageBar(segmentsOf(turn.stages), slowest, scaleMs, width, style);
}

/** The framework's own voice-to-voice and how far ours is from it: `1052 Δ+0.4`. */
function sourceFigure(turn: ListedTurn, style: Style): string {
  if (turn.sourceVoiceToVoiceMs === null) return '-';
  const text = ms(turn.sourceVoiceToVoiceMs);
  if (turn.voiceToVoiceMs === null) return text;
  const delta = turn.voiceToVoiceMs - turn.sourceVoiceToVoiceMs;
  const shown = `${text} Δ${delta >= 0 ? '+' : '-'}${ms(Math.abs(delta))}`;
  // More than 10% (and 20 ms) apart: worth a look (a clock or an anchor differs).
  return Math.abs(delta) > Math.max(20, 0.1 * turn.sourceVoiceToVoiceMs) ? style.yellow(shown) : shown;
}

export function turnsRows(result: TurnsResult) {
  return result.turns.map((t) => {
    const row: Record<string, string | number | boolean | null> = {
      start_us: t.startUs,
      trace_id: t.traceId,
      span_id: t.spanId,
      service: t.serviceName,
      duration_ms: t.durationMs,
      error: t.error,
      source: t.source,
      voice_to_voice_ms: t.voiceToVoiceMs,
      source_voice_to_voice_ms: t.sourceVoiceToVoiceMs,
      complete: t.complete,
    };
    for (const s of t.stages) row[`${s.stage}_ms`] = s.ms;
    Object.assign(row, {
      slowest_stage: t.slowestStage,
      interruptions: t.interruptions,
      llm_time_to_first_chunk_ms: t.llmTimeToFirstChunkMs,
      llm_output_tokens_per_second: t.llmOutputTokensPerSecond,
      tts_time_to_first_byte_ms: t.ttsTimeToFirstByteMs,
      stt_real_time_factor: t.sttRealTimeFactor,
      stt_audio_seconds: t.sttAudioSeconds,
      tts_characters: t.ttsCharacters,
      tts_audio_seconds: t.ttsAudioSeconds,
      input_tokens: t.inputTokens,
      output_tokens: t.outputTokens,
    });
    return row;
  });
}
