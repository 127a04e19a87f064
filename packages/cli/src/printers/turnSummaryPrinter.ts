import type { Distribution, TurnSummary } from '@transcriber/queries';
import { slowestStageOf } from '../results/turns';
import { count, ms, percent } from '../output/format';
import { stageBar } from '../output/stageBar';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';
import { segmentsOf, stageLegend } from './turnsPrinter';

/** The turns section of `transcriber performance`: voice-to-voice percentiles and the average breakdown. */
export function turnSummarySection(summary: TurnSummary, style: Style): string {
  const counts = [`${count(summary.completeTurns)} complete`];
  if (summary.failedTurns > 0) counts.push(style.red(`${count(summary.failedTurns)} failed`));
  if (summary.interruptions > 0)
    counts.push(style.yellow(`${count(summary.interruptions)} interruption${summary.interruptions === 1 ? '' : 's'}`));
  const lines = [style.bold(`Voice turns: ${count(summary.turns)}`) + ` (${counts.join(', ')})`];
  if (summary.sources.length > 1 || (summary.sources.length === 1 && summary.sources[0].source !== 'transcriber')) {
    lines.push(`from ${summary.sources.map((s) => `${s.source} ${count(s.turns)}`).join(', ')}`);
  }
  const v2v = summary.voiceToVoiceMs;
  if (v2v !== null) {
    lines.push(
      `voice-to-voice  p50 ${ms(v2v.p50)} ms  p95 ${ms(v2v.p95)} ms  p99 ${ms(v2v.p99)} ms  avg ${ms(v2v.avg)} ms  (${count(v2v.count)} turns)`,
    );
  } else {
    lines.push(style.dim('no turn has both user_speech_end and first_audio_played marks: no voice-to-voice latency'));
  }
  const difference = summary.sourceDifferenceMs;
  if (difference !== null) {
    const signed = (x: number) => `${x >= 0 ? '+' : '-'}${ms(Math.abs(x))}`;
    lines.push(
      `ours less the framework's own figure  avg ${signed(difference.avg)} ms  min ${signed(difference.min)}  max ${signed(difference.max)}  (${count(difference.count)} turns)`,
    );
  }
  if (summary.breakdown !== null) {
    const { stages, avgVoiceToVoiceMs, turns } = summary.breakdown;
    const timed = stages.map((s) => ({ stage: s.stage, ms: s.avgMs }));
    const slowest = slowestStageOf(timed);
    const bar = stageBar(
      segmentsOf(timed),
      stages.findIndex((s) => s.stage === slowest),
      avgVoiceToVoiceMs,
      Math.max(10, Math.min(60, style.columns - 4)),
      style,
    );
    lines.push(
      '',
      `average breakdown of the ${count(turns)} turn${turns === 1 ? '' : 's'} with voice-to-voice (${ms(avgVoiceToVoiceMs)} ms)`,
      bar,
    );
    lines.push(
      formatTable(
        [
          { header: 'stage', value: (s) => (s.stage === slowest ? style.red(style.bold(s.stage)) : s.stage) },
          { header: 'component', value: (s) => s.component },
          { header: 'avg ms', align: 'right', value: (s) => ms(s.avgMs) },
          { header: 'share', align: 'right', value: (s) => percent(s.share) },
        ],
        stages,
        style,
      ),
      stageLegend(style),
    );
  }
  const figures = [
    figure('LLM time to first chunk', summary.llmTimeToFirstChunkMs, (d) => `${ms(d.avg)} ms`),
    figure('LLM output', summary.llmOutputTokensPerSecond, (d) => `${d.avg.toFixed(1)} tokens/s`),
    figure('TTS time to first byte', summary.ttsTimeToFirstByteMs, (d) => `${ms(d.avg)} ms`),
    figure('STT real-time factor', summary.sttRealTimeFactor, (d) => d.avg.toFixed(2)),
  ].filter((f): f is string => f !== undefined);
  if (figures.length > 0) lines.push('', `averages per turn: ${figures.join(' · ')}`);
  return lines.join('\n');
}

function figure(name: string, d: Distribution | null, show: (d: Distribution) => string): string | undefined {
  return d === null ? undefined : `${name} ${show(d)}`;
}

/** CSV rows of the turns section: voice-to-voice and each stage of the average breakdown. */
export function turnSummaryRows(summary: TurnSummary) {
  const rows: Record<string, string | number | boolean | null>[] = [];
  const v2v = summary.voiceToVoiceMs;
  rows.push({
    section: 'turns',
    turns: summary.turns,
    complete_turns: summary.completeTurns,
    failed_turns: summary.failedTurns,
    interruptions: summary.interruptions,
    voice_to_voice_avg_ms: v2v?.avg ?? null,
    voice_to_voice_p50_ms: v2v?.p50 ?? null,
    voice_to_voice_p95_ms: v2v?.p95 ?? null,
    voice_to_voice_p99_ms: v2v?.p99 ?? null,
    source_difference_avg_ms: summary.sourceDifferenceMs?.avg ?? null,
  });
  for (const s of summary.breakdown?.stages ?? []) {
    rows.push({ section: 'turn_stage', stage: s.stage, component: s.component, avg_ms: s.avgMs, share: s.share });
  }
  return rows;
}
