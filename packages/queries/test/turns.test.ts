import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import {
  ATTR_TTS_CHARACTERS,
  MARK_END_OF_UTTERANCE,
  MARK_FINAL_TRANSCRIPT,
  MARK_FIRST_AUDIO_BYTE,
  MARK_FIRST_AUDIO_PLAYED,
  MARK_FIRST_TOKEN,
  MARK_INTERRUPTION,
  MARK_USER_SPEECH_END,
  METRIC_TURN_INTERRUPTIONS,
  METRIC_TURN_VOICE_TO_VOICE,
  timeOperation,
  TURN_BREAKDOWN_STAGES,
  TURN_STAGES,
} from '@transcriber/instrumentation';
import BetterSqlite3 from 'better-sqlite3';
import { openForQuery, recentTurns, summarizeTurns } from '@transcriber/queries';
import { databasePath } from '@transcriber/storage/files';
import { startTracing } from '../../../test/helpers/sqliteTelemetry';
import { recordSpans } from '../../../test/helpers/recordSpans';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const busyWait = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a stage that takes a known time
  }
};

function query<T>(dataDir: string, read: (db: ReturnType<typeof openForQuery>) => T): T {
  const db = openForQuery(dataDir, 'performance_metrics');
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('turns recorded by TurnHandle and read back from SQLite', () => {
  it('gives each turn its breakdown as the turn wrote it, newest first', async () => {
    const dataDir = makeTempDir();
    const seen = new InMemorySpanExporter();
    let spans: ReadableSpan[] = [];
    const tracing = startTracing({ dataDir }, { alsoTo: new SimpleSpanProcessor(seen) });
    try {
      for (const stageMs of [4, 8]) {
        timeOperation('pipeline', 'turn', (turn) => {
          timeOperation('vad', 'listen', (vad) => {
            vad.mark(MARK_USER_SPEECH_END);
            busyWait(stageMs);
            vad.mark(MARK_END_OF_UTTERANCE);
          });
          busyWait(stageMs);
          turn.mark(MARK_FINAL_TRANSCRIPT);
          busyWait(stageMs);
          timeOperation('llm', 'chat', (llm) => llm.mark(MARK_FIRST_TOKEN));
          timeOperation('tts', 'synthesize', (tts) => {
            tts.addUsage(ATTR_TTS_CHARACTERS, 30);
            busyWait(stageMs);
            tts.mark(MARK_FIRST_AUDIO_BYTE);
          });
          busyWait(stageMs);
          turn.mark(MARK_FIRST_AUDIO_PLAYED);
          if (stageMs === 8) turn.mark(MARK_INTERRUPTION);
        });
      }
      // Not a turn: another pipeline operation.
      timeOperation('pipeline', 'process', () => busyWait(1));
      await tracing.flush();
      // (Shutting down clears the in-memory exporter: take its spans first.)
      spans = seen.getFinishedSpans().filter((s) => s.name === 'pipeline.turn');
    } finally {
      await tracing.shutdown();
    }
    const turns = query(dataDir, (db) => recentTurns(db, { sinceUs: 0 }));
    expect(turns).toHaveLength(2);
    expect(turns.map((t) => t.spanId)).toEqual(spans.map((s) => s.spanContext().spanId).reverse());
    for (const turn of turns) {
      const span = spans.find((s) => s.spanContext().spanId === turn.spanId)!;
      expect(turn.voiceToVoiceMs).toBeCloseTo((span.attributes[METRIC_TURN_VOICE_TO_VOICE] as number) * 1000, 9);
      expect(turn.complete).toBe(true);
      expect(turn.source).toBe('transcriber');
      expect(turn.sourceVoiceToVoiceMs).toBeNull();
      expect(turn.stages.map((s) => s.stage)).toEqual(TURN_BREAKDOWN_STAGES.map((s) => s.stage));
      for (const [i, stage] of TURN_BREAKDOWN_STAGES.entries()) {
        expect(turn.stages[i].ms).toBeCloseTo((span.attributes[stage.attribute] as number) * 1000, 9);
      }
      // Every mark was made: nothing is left unexplained.
      expect(turn.stages[TURN_STAGES.length].ms).toBe(0);
      const sum = turn.stages.reduce((ms, s) => ms + s.ms!, 0);
      expect(Math.abs(sum - turn.voiceToVoiceMs!)).toBeLessThan(1e-6);
      expect(turn.ttsCharacters).toBe(30);
      expect(turn.ttsTimeToFirstByteMs).toBeGreaterThanOrEqual(3.9);
      expect(turn.interruptions).toBe(span.attributes[METRIC_TURN_INTERRUPTIONS]);
      expect(turn.serviceName).toBe('voice-agent-test');
    }
    // Newest first: the second turn (the one interrupted) is listed first.
    expect(turns[0].interruptions).toBe(1);
  });
});

describe('summarizeTurns and recentTurns over chosen turns', () => {
  const T = Date.UTC(2026, 4, 6, 12);
  let dataDir: string;

  /** A turn whose stages are `stagesMs` (null = a missing mark), started at T + i seconds. */
  const turn = (i: number, stagesMs: (number | null)[], extra: Record<string, number> = {}) => {
    const attributes: Record<string, number> = { ...extra };
    stagesMs.forEach((ms, s) => {
      if (ms !== null) attributes[TURN_STAGES[s].attribute] = ms / 1000;
    });
    if (stagesMs.every((ms) => ms !== null)) {
      attributes[METRIC_TURN_VOICE_TO_VOICE] = stagesMs.reduce((a, b) => a! + b!, 0)! / 1000;
    }
    return { component: 'pipeline', operation: 'turn', startMs: T + i * 1000, durationMs: 3000, attributes };
  };

  beforeAll(async () => {
    dataDir = makeTempDir();
    await recordSpans(dataDir, [
      turn(0, [500, 100, 200, 100, 100]), // 1000
      turn(1, [500, 200, 300, 100, 100]), // 1200
      turn(2, [500, 100, 100, 100, 0], { [METRIC_TURN_INTERRUPTIONS]: 2 }), // 800
      turn(3, [500, 300, null, null, null]), // incomplete: no voice-to-voice, not in the breakdown
      // Written before the unexplained stage existed: no first_token mark, 200 ms its stages do not cover.
      turn(4, [500, 100, null, 100, 100], { [METRIC_TURN_VOICE_TO_VOICE]: 1 }),
      { component: 'pipeline', operation: 'run', startMs: T + 4000, durationMs: 9000 },
      { component: 'stt', operation: 'transcribe', startMs: T + 4000, durationMs: 100 },
      turn(9, [400, 100, 100, 100, 100]), // outside the window below
    ]);
  });

  it('gives voice-to-voice percentiles and the average breakdown over the turns that have voice-to-voice', () => {
    const summary = query(dataDir, (db) => summarizeTurns(db, { sinceUs: T * 1000, untilUs: (T + 5000) * 1000 }));
    expect(summary.turns).toBe(5);
    expect(summary.completeTurns).toBe(3);
    expect(summary.interruptions).toBe(2);
    expect(summary.failedTurns).toBe(0);
    expect(summary.sources).toEqual([{ source: 'unknown', turns: 5 }]);
    expect(summary.sourceDifferenceMs).toBeNull();
    expect(summary.voiceToVoiceMs).toMatchObject({ count: 4, min: 800, max: 1200, p50: 1000 });
    expect(summary.voiceToVoiceMs!.avg).toBeCloseTo(1000, 9);
    expect(summary.voiceToVoiceMs!.p95).toBeCloseTo(1170, 9);
    expect(summary.breakdown!.turns).toBe(4);
    const stages = summary.breakdown!.stages;
    expect(stages.map((s) => s.stage)).toEqual(TURN_BREAKDOWN_STAGES.map((s) => s.stage));
    // The turn without a first_token mark counts 0 for its agent stage and 200 ms unexplained.
    expect(stages.map((s) => Math.round(s.avgMs * 1000) / 1000)).toEqual([500, 125, 150, 100, 75, 50]);
    expect(stages.reduce((ms, s) => ms + s.avgMs, 0)).toBeCloseTo(summary.breakdown!.avgVoiceToVoiceMs, 9);
    expect(stages.reduce((share, s) => share + s.share, 0)).toBeCloseTo(1, 9);
    expect(stages[0].share).toBeCloseTo(0.5, 9);
    expect(summary.ttsTimeToFirstByteMs).toBeNull();
  });

  it('lists the slowest turns first, and turns missing stages as incomplete, their gap unexplained', () => {
    const slowest = query(dataDir, (db) =>
      recentTurns(db, { sinceUs: T * 1000, untilUs: (T + 5000) * 1000, order: 'slowest', limit: 4 }),
    );
    expect(slowest.map((t) => t.voiceToVoiceMs)).toEqual([1200, 1000, 1000, 800]);
    const recent = query(dataDir, (db) => recentTurns(db, { sinceUs: T * 1000, untilUs: (T + 5000) * 1000 }));
    expect(recent[0]).toMatchObject({ complete: false, voiceToVoiceMs: 1000, startUs: (T + 4000) * 1000 });
    expect(recent[0].stages.map((s) => s.ms)).toEqual([500, 100, null, 100, 100, 200]);
    expect(recent[1]).toMatchObject({ complete: false, voiceToVoiceMs: null, startUs: (T + 3000) * 1000 });
    expect(recent[1].stages.map((s) => s.ms)).toEqual([500, 300, null, null, null, null]);
  });

  it('reads a turn whose attributes another writer left malformed or mistyped as a turn without them', async () => {
    const dir = makeTempDir();
    await recordSpans(dir, [turn(0, [500, 100, 200, 100, 100]), turn(1, [500, 100, 200, 100, 100])]);
    const db = new BetterSqlite3(databasePath(dir, 'performance_metrics'));
    const ids = db.prepare("SELECT id FROM spans WHERE operation = 'turn' ORDER BY start_us").pluck().all();
    db.prepare('UPDATE spans SET attributes = ? WHERE id = ?').run('{"transcriber.turn', ids[0]);
    db.prepare('UPDATE spans SET attributes = ? WHERE id = ?').run(
      JSON.stringify({ [METRIC_TURN_VOICE_TO_VOICE]: '1.0', [TURN_STAGES[0].attribute]: 0.5 }),
      ids[1],
    );
    db.close();
    const turns = query(dir, (q) => recentTurns(q, { sinceUs: T * 1000, untilUs: (T + 5000) * 1000 }));
    expect(turns.map((t) => [t.voiceToVoiceMs, t.stages[0].ms, t.complete])).toEqual([
      [null, 500, false],
      [null, null, false],
    ]);
    const slowest = query(dir, (q) => recentTurns(q, { sinceUs: T * 1000, order: 'slowest' }));
    expect(slowest).toHaveLength(2);
  });

  it('is empty for a window without turns', () => {
    const summary = query(dataDir, (db) => summarizeTurns(db, { sinceUs: (T + 20_000) * 1000 }));
    expect(summary).toMatchObject({ turns: 0, completeTurns: 0, voiceToVoiceMs: null, breakdown: null });
    expect(query(dataDir, (db) => recentTurns(db, { sinceUs: (T + 20_000) * 1000 }))).toEqual([]);
  });
});
