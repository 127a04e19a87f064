import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  activeTurn,
  ATTR_COMPONENT,
  ATTR_GEN_AI_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_OPERATION,
  ATTR_STT_AUDIO_DURATION,
  ATTR_TTS_AUDIO_DURATION,
  ATTR_TTS_CHARACTERS,
  ATTR_TURN_STAGE,
  MARK_END_OF_UTTERANCE,
  MARK_FINAL_TRANSCRIPT,
  MARK_FIRST_AUDIO_BYTE,
  MARK_FIRST_AUDIO_PLAYED,
  MARK_FIRST_TOKEN,
  MARK_INTERRUPTION,
  MARK_USER_SPEECH_END,
  METRIC_LLM_OUTPUT_TOKENS_PER_SECOND,
  METRIC_STT_REAL_TIME_FACTOR,
  METRIC_TTS_TIME_TO_FIRST_BYTE,
  METRIC_TURN_INTERRUPTIONS,
  METRIC_TURN_STAGE_DURATION,
  METRIC_TURN_VOICE_TO_VOICE,
  timeOperation,
  ATTR_TURN_SOURCE,
  TURN_STAGES,
  TURN_UNEXPLAINED_STAGE,
  TurnHandle,
} from '@transcriber/instrumentation';
import { busyWait, counterValue, histogramPoint, installOtel, resetOtel, sleep, type TestOtel } from './helpers/otel';

const TURN = { [ATTR_COMPONENT]: 'pipeline', [ATTR_OPERATION]: 'turn' };

let otel: TestOtel;

beforeEach(() => {
  otel = installOtel();
});

afterEach(() => {
  resetOtel();
});

const attr = (span: ReadableSpan, name: string) => span.attributes[name] as number | undefined;

/** One exchange the way an agent runs it: each stage a nested operation marking its point. */
async function exchange(stageMs: number): Promise<void> {
  await timeOperation('pipeline', 'turn', async () => {
    timeOperation('vad', 'endpoint', (vad) => {
      vad.mark(MARK_USER_SPEECH_END);
      busyWait(stageMs);
      vad.mark(MARK_END_OF_UTTERANCE);
    });
    await timeOperation('stt', 'transcribe', async (stt) => {
      stt.addUsage(ATTR_STT_AUDIO_DURATION, 1.5);
      await sleep(stageMs);
      stt.mark(MARK_FINAL_TRANSCRIPT);
    });
    await timeOperation('agent', 'reply', async () => {
      await timeOperation('llm', 'chat', async (llm) => {
        await sleep(stageMs);
        llm.mark(MARK_FIRST_TOKEN);
        busyWait(stageMs);
        llm.addUsage(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, 20);
      });
    });
    await timeOperation('tts', 'synthesize', async (tts) => {
      tts.addUsage(ATTR_TTS_CHARACTERS, 42);
      await sleep(stageMs);
      tts.mark(MARK_FIRST_AUDIO_BYTE);
      tts.addUsage(ATTR_TTS_AUDIO_DURATION, 1.25);
      tts.addUsage(ATTR_TTS_AUDIO_DURATION, 1.25);
    });
    await timeOperation('audio_output', 'play', async (out) => {
      await sleep(stageMs);
      for (let frame = 0; frame < 5; frame++) out.mark(MARK_FIRST_AUDIO_PLAYED);
    });
  });
}

describe('a voice turn (pipeline/turn) and the operations nested in it', () => {
  it('is a TurnHandle, and a handle without a function can be one too', () => {
    const turn = timeOperation('pipeline', 'turn');
    expect(turn).toBeInstanceOf(TurnHandle);
    expect(timeOperation('pipeline', 'process')).not.toBeInstanceOf(TurnHandle);
    turn.end();
  });

  it('breaks voice-to-voice down into stages that add up to it, from marks made by nested operations', async () => {
    await exchange(25);
    const turn = otel.span('pipeline.turn');
    const voiceToVoice = attr(turn, METRIC_TURN_VOICE_TO_VOICE)!;
    const stages = TURN_STAGES.map((s) => attr(turn, s.attribute));
    expect(stages.every((s) => typeof s === 'number')).toBe(true);
    // Every stage waited ~25 ms (the agent stage also includes the LLM's wait before its first token).
    for (const seconds of stages) expect(seconds!).toBeGreaterThanOrEqual(0.024);
    expect(Math.abs(stages.reduce((a, b) => a! + b!, 0)! - voiceToVoice)).toBeLessThan(1e-9);
    expect(voiceToVoice).toBeGreaterThanOrEqual(5 * 0.024);

    // The points are span events of the turn, at the times the nested operations marked them.
    const events = turn.events.map((e) => e.name);
    expect(events).toEqual([
      MARK_USER_SPEECH_END,
      MARK_END_OF_UTTERANCE,
      MARK_FINAL_TRANSCRIPT,
      MARK_FIRST_TOKEN,
      MARK_FIRST_AUDIO_BYTE,
      MARK_FIRST_AUDIO_PLAYED, // marked five times, kept once
    ]);
    const at = (name: string) => {
      const time = turn.events.find((e) => e.name === name)!.time;
      return time[0] + time[1] / 1e9;
    };
    expect(at(MARK_FIRST_AUDIO_PLAYED) - at(MARK_USER_SPEECH_END)).toBeCloseTo(voiceToVoice, 5);
    expect(otel.span('llm.chat').events.map((e) => e.name)).toEqual([MARK_FIRST_TOKEN]);

    // Usage of the nested operations is summed into the turn; per-operation figures are carried up.
    expect(attr(turn, ATTR_TTS_CHARACTERS)).toBe(42);
    expect(attr(turn, ATTR_TTS_AUDIO_DURATION)).toBe(2.5);
    expect(attr(turn, ATTR_STT_AUDIO_DURATION)).toBe(1.5);
    expect(attr(turn, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS)).toBe(20);
    expect(attr(turn, ATTR_GEN_AI_TIME_TO_FIRST_CHUNK)).toBe(
      attr(otel.span('llm.chat'), ATTR_GEN_AI_TIME_TO_FIRST_CHUNK),
    );
    expect(attr(turn, METRIC_TTS_TIME_TO_FIRST_BYTE)).toBe(
      attr(otel.span('tts.synthesize'), METRIC_TTS_TIME_TO_FIRST_BYTE),
    );
    expect(attr(turn, METRIC_STT_REAL_TIME_FACTOR)).toBe(
      attr(otel.span('stt.transcribe'), METRIC_STT_REAL_TIME_FACTOR),
    );
    expect(attr(turn, METRIC_LLM_OUTPUT_TOKENS_PER_SECOND)).toBeCloseTo(
      attr(otel.span('llm.chat'), METRIC_LLM_OUTPUT_TOKENS_PER_SECOND)!,
      9,
    );
    expect(attr(turn, METRIC_TURN_INTERRUPTIONS)).toBe(0);

    const all = await otel.collect();
    const voice = histogramPoint(all, METRIC_TURN_VOICE_TO_VOICE, TURN);
    expect(voice.count).toBe(1);
    expect(voice.sum).toBeCloseTo(voiceToVoice, 9);
    expect(histogramPoint(all, ATTR_TTS_CHARACTERS, TURN)).toMatchObject({ count: 1, sum: 42 });
    expect(histogramPoint(all, ATTR_TTS_AUDIO_DURATION, TURN)).toMatchObject({ count: 1, sum: 2.5 });
    expect(histogramPoint(all, ATTR_STT_AUDIO_DURATION, TURN)).toMatchObject({ count: 1, sum: 1.5 });
    for (const stage of TURN_STAGES) {
      const point = histogramPoint(all, METRIC_TURN_STAGE_DURATION, { ...TURN, [ATTR_TURN_STAGE]: stage.stage });
      expect(point.count).toBe(1);
      expect(point.sum).toBeCloseTo(attr(turn, stage.attribute)!, 9);
    }
  });

  it('derives each operation figure on its own span and histogram: TTFT, tokens/s, TTFB, real-time factor', async () => {
    await timeOperation('llm', 'chat', async (llm) => {
      await sleep(40);
      llm.mark(MARK_FIRST_TOKEN);
      busyWait(50);
      llm.addUsage(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, 10);
    });
    await timeOperation('tts', 'synthesize', async (tts) => {
      await sleep(30);
      tts.mark(MARK_FIRST_AUDIO_BYTE);
    });
    timeOperation('stt', 'transcribe', (stt) => {
      stt.addUsage(ATTR_STT_AUDIO_DURATION, 0.5);
      busyWait(100);
    });
    // The GenAI figure is the model's: an agent streaming its answer marks first_token as a point only.
    await timeOperation('agent', 'reply', async (agent) => agent.mark(MARK_FIRST_TOKEN));

    const seconds = (time: [number, number]) => time[0] + time[1] / 1e9;
    const llm = otel.span('llm.chat');
    const firstToken = seconds(llm.events[0].time);
    const ttft = attr(llm, ATTR_GEN_AI_TIME_TO_FIRST_CHUNK)!;
    expect(ttft).toBeGreaterThanOrEqual(0.039);
    expect(ttft).toBeCloseTo(firstToken - seconds(llm.startTime), 3);
    const perSecond = attr(llm, METRIC_LLM_OUTPUT_TOKENS_PER_SECOND)!;
    expect(perSecond).toBeLessThanOrEqual(10 / 0.049);
    expect(10 / perSecond).toBeCloseTo(seconds(llm.endTime) - firstToken, 2);
    expect(attr(otel.span('tts.synthesize'), METRIC_TTS_TIME_TO_FIRST_BYTE)!).toBeGreaterThanOrEqual(0.029);
    expect(attr(otel.span('agent.reply'), ATTR_GEN_AI_TIME_TO_FIRST_CHUNK)).toBeUndefined();
    const stt = otel.span('stt.transcribe');
    const rtf = attr(stt, METRIC_STT_REAL_TIME_FACTOR)!;
    expect(rtf).toBeGreaterThanOrEqual(0.099 / 0.5);
    expect(rtf * 0.5).toBeCloseTo(seconds(stt.duration), 2);

    const all = await otel.collect();
    const llmAttributes = { [ATTR_COMPONENT]: 'llm', [ATTR_OPERATION]: 'chat' };
    expect(histogramPoint(all, 'gen_ai.client.operation.time_to_first_chunk', llmAttributes).sum).toBeCloseTo(ttft, 9);
    expect(histogramPoint(all, METRIC_LLM_OUTPUT_TOKENS_PER_SECOND, llmAttributes).count).toBe(1);
    const sttAttributes = { [ATTR_COMPONENT]: 'stt', [ATTR_OPERATION]: 'transcribe' };
    expect(histogramPoint(all, METRIC_STT_REAL_TIME_FACTOR, sttAttributes).sum).toBeCloseTo(rtf, 9);
    // Usage is a span attribute of the operation; its histograms are per turn, and there is no turn here.
    expect(attr(otel.span('stt.transcribe'), ATTR_STT_AUDIO_DURATION)).toBe(0.5);
    expect(all.find((m) => m.descriptor.name === ATTR_STT_AUDIO_DURATION)?.dataPoints ?? []).toEqual([]);
    // No turn here: no turn figures were recorded.
    expect(all.find((m) => m.descriptor.name === METRIC_TURN_VOICE_TO_VOICE)?.dataPoints ?? []).toEqual([]);
  });

  it('counts the latest user speech end before the endpoint (the user paused and went on)', () => {
    const turn = timeOperation('pipeline', 'turn');
    turn.mark(MARK_USER_SPEECH_END);
    busyWait(40); // speech resumed, then ended again
    turn.mark(MARK_USER_SPEECH_END);
    busyWait(20);
    turn.mark(MARK_END_OF_UTTERANCE);
    busyWait(5);
    turn.mark(MARK_USER_SPEECH_END); // speaking over the agent: not this turn's speech end
    turn.end();
    const span = otel.span('pipeline.turn');
    const seconds = (time: [number, number]) => time[0] + time[1] / 1e9;
    const speechEnds = span.events.filter((e) => e.name === MARK_USER_SPEECH_END).map((e) => seconds(e.time));
    const endpoint = seconds(span.events.find((e) => e.name === MARK_END_OF_UTTERANCE)!.time);
    expect(speechEnds).toHaveLength(3);
    // From the second speech end (the last before the endpoint), not the first or the third.
    expect(attr(span, TURN_STAGES[0].attribute)!).toBeCloseTo(endpoint - speechEnds[1], 5);
    expect(endpoint - speechEnds[0]).toBeGreaterThan(endpoint - speechEnds[1] + 0.039);
  });

  it('ends the agent stage at the first token of the LLM call that answers, after a tool call', async () => {
    await timeOperation('pipeline', 'turn', async (turn) => {
      turn.mark(MARK_FINAL_TRANSCRIPT);
      await timeOperation('agent', 'reply', async () => {
        await timeOperation('llm', 'chat', async (llm) => llm.mark(MARK_FIRST_TOKEN)); // the tool call
        await timeOperation('tool', 'lights', () => sleep(40));
        await timeOperation('llm', 'chat', async (llm) => llm.mark(MARK_FIRST_TOKEN)); // the answer
      });
      await timeOperation('tts', 'synthesize', async (tts) => tts.mark(MARK_FIRST_AUDIO_BYTE));
      // A second sentence: its first byte and the LLM's next call do not move the breakdown.
      await timeOperation('llm', 'chat', async (llm) => llm.mark(MARK_FIRST_TOKEN));
      await timeOperation('tts', 'synthesize', async (tts) => tts.mark(MARK_FIRST_AUDIO_BYTE));
    });
    const turn = otel.span('pipeline.turn');
    const agent = attr(turn, TURN_STAGES[2].attribute)!;
    expect(agent).toBeGreaterThanOrEqual(0.039);
    const at = (name: string, nth = 0) => {
      const time = turn.events.filter((e) => e.name === name)[nth].time;
      return time[0] + time[1] / 1e9;
    };
    // From the transcript to the answering call's first token (the second of three).
    expect(agent).toBeCloseTo(at(MARK_FIRST_TOKEN, 1) - at(MARK_FINAL_TRANSCRIPT), 5);
    expect(attr(turn, TURN_STAGES[3].attribute)!).toBeCloseTo(at(MARK_FIRST_AUDIO_BYTE) - at(MARK_FIRST_TOKEN, 1), 5);
    // The first LLM call's time to first chunk is the turn's (the semconv figure of the first call).
    const firstCall = otel.spans().find((s) => s.name === 'llm.chat')!;
    expect(attr(turn, ATTR_GEN_AI_TIME_TO_FIRST_CHUNK)).toBe(attr(firstCall, ATTR_GEN_AI_TIME_TO_FIRST_CHUNK));
    expect(turn.events.filter((e) => e.name === MARK_FIRST_AUDIO_BYTE)).toHaveLength(1);
  });

  it('records only the stages whose two marks are there, and no voice-to-voice without both ends', async () => {
    const turn = timeOperation('pipeline', 'turn');
    turn.mark(MARK_USER_SPEECH_END);
    turn.mark(MARK_END_OF_UTTERANCE);
    turn.mark(MARK_FIRST_TOKEN);
    turn.end();
    const span = otel.span('pipeline.turn');
    expect(attr(span, TURN_STAGES[0].attribute)).toBeGreaterThanOrEqual(0);
    for (const stage of TURN_STAGES.slice(1)) expect(attr(span, stage.attribute)).toBeUndefined();
    expect(attr(span, METRIC_TURN_VOICE_TO_VOICE)).toBeUndefined();
    const all = await otel.collect();
    expect(histogramPoint(all, METRIC_TURN_STAGE_DURATION, { ...TURN, [ATTR_TURN_STAGE]: 'endpointing' }).count).toBe(
      1,
    );
  });

  it('puts the time of the stages it could not measure in unexplained, so the stages add up to voice-to-voice', async () => {
    const turn = timeOperation('pipeline', 'turn');
    turn.mark(MARK_USER_SPEECH_END);
    busyWait(20);
    turn.mark(MARK_END_OF_UTTERANCE);
    busyWait(30); // no final_transcript mark: neither the transcription nor the agent stage is known
    turn.mark(MARK_FIRST_TOKEN);
    busyWait(10);
    turn.mark(MARK_FIRST_AUDIO_BYTE);
    turn.mark(MARK_FIRST_AUDIO_PLAYED);
    turn.end();
    const span = otel.span('pipeline.turn');
    expect(span.attributes[ATTR_TURN_SOURCE]).toBe('transcriber');
    const [endpointing, transcription, agent, tts, playout] = TURN_STAGES.map((stage) => attr(span, stage.attribute));
    const unexplained = attr(span, TURN_UNEXPLAINED_STAGE.attribute)!;
    expect([transcription, agent]).toEqual([undefined, undefined]);
    expect(unexplained).toBeGreaterThanOrEqual(0.029);
    expect(endpointing! + tts! + playout! + unexplained).toBeCloseTo(attr(span, METRIC_TURN_VOICE_TO_VOICE)!, 9);
    const all = await otel.collect();
    const point = histogramPoint(all, METRIC_TURN_STAGE_DURATION, { ...TURN, [ATTR_TURN_STAGE]: 'unexplained' });
    expect(point.count).toBe(1);
    expect(point.sum).toBeCloseTo(unexplained, 9);
  });

  it('counts interruptions, marked by code without a handle through activeTurn()', async () => {
    expect(activeTurn()).toBeUndefined();
    await timeOperation('pipeline', 'turn', async () => {
      await sleep(1);
      activeTurn()?.mark(MARK_INTERRUPTION);
      await timeOperation('audio_output', 'play', async (out) => out.mark(MARK_INTERRUPTION));
    });
    expect(attr(otel.span('pipeline.turn'), METRIC_TURN_INTERRUPTIONS)).toBe(2);
    expect(counterValue(await otel.collect(), METRIC_TURN_INTERRUPTIONS, TURN)).toBe(2);
  });

  it('keeps concurrent turns apart: each nested mark reaches its own turn', async () => {
    const one = (waitMs: number) =>
      timeOperation('pipeline', 'turn', async (turn) => {
        turn.mark(MARK_USER_SPEECH_END);
        await sleep(waitMs);
        await timeOperation('audio_output', 'play', async (out) => out.mark(MARK_FIRST_AUDIO_PLAYED));
      });
    await Promise.all([one(60), one(10)]);
    const turns = otel.spans().filter((s) => s.name === 'pipeline.turn');
    expect(turns).toHaveLength(2);
    const latencies = turns.map((t) => attr(t, METRIC_TURN_VOICE_TO_VOICE)!).sort((a, b) => a - b);
    expect(latencies[0]).toBeGreaterThanOrEqual(0.009);
    expect(latencies[1]).toBeGreaterThanOrEqual(0.059);
    expect(latencies[1]).toBeGreaterThan(latencies[0]);
    for (const t of turns) {
      expect(t.events.map((e) => e.name)).toEqual([MARK_USER_SPEECH_END, MARK_FIRST_AUDIO_PLAYED]);
      const [end, played] = t.events.map((e) => e.time[0] + e.time[1] / 1e9);
      expect(attr(t, METRIC_TURN_VOICE_TO_VOICE)!).toBeCloseTo(played - end, 5);
    }
  });

  it('ignores marks and usage arriving after the turn ended, without throwing', async () => {
    let late: Promise<void> | undefined;
    timeOperation('pipeline', 'turn', (turn) => {
      turn.mark(MARK_USER_SPEECH_END);
      late = timeOperation('tts', 'synthesize', async (tts) => {
        await sleep(10);
        tts.mark(MARK_FIRST_AUDIO_BYTE);
        tts.addUsage(ATTR_TTS_CHARACTERS, 3);
      });
    });
    await late;
    const turn = otel.span('pipeline.turn');
    expect(turn.events.map((e) => e.name)).toEqual([MARK_USER_SPEECH_END]);
    expect(attr(turn, ATTR_TTS_CHARACTERS)).toBeUndefined();
    expect(attr(otel.span('tts.synthesize'), ATTR_TTS_CHARACTERS)).toBe(3);
  });

  it('ignores usage that is not a finite number', () => {
    timeOperation('pipeline', 'turn', (turn) => {
      timeOperation('tts', 'synthesize', (tts) => {
        tts.addUsage(ATTR_TTS_CHARACTERS, Number.NaN);
        tts.addUsage(ATTR_TTS_CHARACTERS, '7' as unknown as number);
        tts.addUsage(ATTR_TTS_CHARACTERS, 7);
      });
      turn.addUsage(ATTR_TTS_CHARACTERS, Number.POSITIVE_INFINITY);
    });
    expect(attr(otel.span('tts.synthesize'), ATTR_TTS_CHARACTERS)).toBe(7);
    expect(attr(otel.span('pipeline.turn'), ATTR_TTS_CHARACTERS)).toBe(7);
  });
});

describe('one timeline for a turn and its operations', () => {
  it("stores a nested mark at the same instant on the operation's span and on the turn's, and children inside parents", () => {
    // Spans timed by the SDK alone each anchor their clock on Date.now() (1 ms steps): over many
    // turns, some child's mark would land a fraction of a millisecond away from the turn's copy.
    for (let i = 0; i < 100; i++) {
      timeOperation('pipeline', 'turn', () => {
        timeOperation('llm', 'complete', (llm) => {
          busyWait(0.05);
          llm.mark(MARK_FIRST_TOKEN);
        });
      });
    }
    const turns = otel.spans().filter((s) => s.name === 'pipeline.turn');
    const calls = otel.spans().filter((s) => s.name === 'llm.complete');
    expect(turns).toHaveLength(100);
    for (const [i, turn] of turns.entries()) {
      const call = calls[i];
      expect(call.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
      expect(turn.events.find((e) => e.name === MARK_FIRST_TOKEN)!.time).toEqual(call.events[0].time);
      expect(nanos(call.startTime)).toBeGreaterThanOrEqual(nanos(turn.startTime));
      expect(nanos(call.endTime)).toBeLessThanOrEqual(nanos(turn.endTime));
    }
  });
});

function nanos([seconds, nanoseconds]: [number, number]): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
}
