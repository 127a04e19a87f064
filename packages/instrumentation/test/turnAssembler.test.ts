import {
  derivedTurnAttributes,
  derivedTurnSpanId,
  TurnAssembler,
  type DerivedTurn,
  type SpanShape,
} from '@transcriber/instrumentation/frameworkSpans';

const TRACE = 'a'.repeat(32);
let nextId = 1;
const id = () => (nextId++).toString(16).padStart(16, '0');

/** A finished span; `children` are ended (and so fed) before it, as an SDK exports them. */
interface Node {
  span: SpanShape;
  children: Node[];
}
function span(
  name: string,
  startMs: number,
  endMs: number,
  attributes: Record<string, unknown> = {},
  children: ((parent: string, language: string) => Node)[] = [],
) {
  return (parentSpanId: string | undefined, sdkLanguage: string): Node => {
    const spanId = id();
    return {
      span: { name, traceId: TRACE, spanId, parentSpanId, startMs, endMs, attributes, sdkLanguage },
      children: children.map((child) => child(spanId, sdkLanguage)),
    };
  };
}

/** The spans of a tree in the order they end (children first, then by end time). */
function endOrder(roots: Node[]): SpanShape[] {
  const all: SpanShape[] = [];
  const walk = (node: Node) => {
    node.children.forEach(walk);
    all.push(node.span);
  };
  roots.forEach(walk);
  return all.sort((a, b) => a.endMs - b.endMs);
}

function feed(assembler: TurnAssembler, spans: SpanShape[]): DerivedTurn[] {
  return spans.flatMap((s) => assembler.add(s));
}

const msOf = (turn: DerivedTurn) =>
  turn.figures.stages.map((s) => (s === undefined ? undefined : Math.round(s * 1e6) / 1e3));

/**
 * One LiveKit exchange as LiveKit Agents records it (names and attributes as observed from
 * @livekit/agents 1.9 and read in livekit-agents' Python sources): the user stops speaking at
 * 10,000; the turn ends 400 ms later; the model calls a tool, then answers; the TTS request (behind
 * LiveKit's stream adapter) gives its first audio 20 ms after it starts; playback starts at 10,990.
 * `delays`: the two user-turn delays in the unit of the SDK (Node: ms, Python: s).
 */
function liveKitExchange(at: number, delays: { endOfTurn: number; transcription: number }, interrupted = false) {
  const t = (ms: number) => at + ms;
  return [
    span(
      'user_turn',
      t(-1500),
      t(420),
      {
        'lk.end_of_turn_delay': delays.endOfTurn,
        'lk.transcription_delay': delays.transcription,
        'lk.pii.user_transcript': 'turn on the kitchen lights',
      },
      [span('user_speaking', t(-1500), t(0)), span('eou_detection', t(400), t(401), { 'lk.eou.probability': 0.9 })],
    ),
    span('agent_turn', t(420), t(690), { 'lk.speech_id': 'speech_1', 'lk.interrupted': false }, [
      span('llm_node', t(420), t(680), { 'lk.response.ttft': 0.25 }, [
        span('llm_request', t(421), t(679), { 'gen_ai.usage.input_tokens': 50, 'gen_ai.usage.output_tokens': 12 }, [
          span('llm_request_run', t(421), t(678)),
        ]),
      ]),
      span('function_tool', t(681), t(682), { 'lk.function_tool.name': 'lights' }),
    ]),
    span(
      'agent_turn',
      t(700),
      t(interrupted ? 3600 : 3000),
      { 'lk.speech_id': 'speech_1', 'lk.e2e_latency': 0.991, 'lk.interrupted': interrupted },
      [
        span('llm_node', t(700), t(1000), { 'lk.response.ttft': 0.2 }, [
          span('llm_request', t(701), t(999), { 'gen_ai.usage.input_tokens': 70, 'gen_ai.usage.output_tokens': 9 }),
        ]),
        span('tts_node', t(905), t(1100), { 'lk.response.ttfb': 0.02 }, [
          span(
            'tts_request',
            t(906),
            t(1099),
            {
              'lk.tts.streaming': true,
              'lk.tts_metrics': JSON.stringify({ charactersCount: 32, audioDurationMs: 2000 }),
            },
            [
              span('tts_request_run', t(906), t(1098), {}, [
                span('tts_request', t(950), t(1090), {
                  'lk.tts.streaming': false,
                  'lk.tts_metrics': JSON.stringify({ charactersCount: 32, audioDurationMs: 2000 }),
                }),
              ]),
            ],
          ),
        ]),
        span('agent_speaking', t(990), t(interrupted ? 3590 : 2990)),
      ],
    ),
  ];
}

describe('TurnAssembler: LiveKit Agents', () => {
  it('joins user_turn and the agent turns that answered it into one turn when the answer that spoke ends', () => {
    const assembler = new TurnAssembler();
    const session = id();
    const spans = endOrder(
      liveKitExchange(10_000, { endOfTurn: 400, transcription: 250 }).map((n) => n(session, 'nodejs')),
    );
    const answer = spans.findLast((s) => s.name === 'agent_turn')!;
    const turns = spans.map((s) => [s, assembler.add(s)] as const);
    // Nothing until the answering agent turn ends; then exactly one turn.
    expect(turns.filter(([, t]) => t.length > 0).map(([s]) => s)).toEqual([answer]);
    const [turn] = turns.flatMap(([, t]) => t);
    const userTurn = spans.find((s) => s.name === 'user_turn')!;
    expect(turn).toMatchObject({
      source: 'livekit',
      traceId: TRACE,
      parentSpanId: session,
      anchor: userTurn,
      startMs: 8_500,
      endMs: 13_000,
      sourceVoiceToVoice: 0.991,
    });
    expect(turn.figures.voiceToVoice).toBeCloseTo(0.99, 9);
    // endpointing 400 (end of speech → end of turn); transcription 0 (its final came within
    // endpointing); agent 480 (the first model request → the answer's first token: the tool round
    // included); tts 20 (the request's own time to first audio); playout 20; unexplained 70: the
    // 20 ms from the end of the turn to the first model request and the 50 ms from the first token
    // to the TTS request (waiting for a sentence), which no figure of LiveKit's covers.
    expect(msOf(turn)).toEqual([400, 0, 480, 20, 20, 70]);
    expect(turn.figures.interruptions).toBe(0);
    // The points as our marks name them: the same turn a timed exchange has.
    expect(turn.marks.map((m) => [m.name, Math.round(m.timeMs * 1000) / 1000])).toEqual([
      ['user_speech_end', 10_000],
      ['final_transcript', 10_250],
      ['end_of_utterance', 10_400],
      ['first_token', 10_900],
      ['first_audio_byte', 10_970],
      ['first_audio_played', 10_990],
    ]);
    expect(Object.fromEntries(turn.figures.values)).toEqual({
      'gen_ai.response.time_to_first_chunk': 0.2,
      'transcriber.tts.time_to_first_byte': 0.02,
    });
    // Both model rounds' tokens; the TTS request behind the adapter counted once.
    expect(Object.fromEntries(turn.figures.usage)).toEqual({
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 21,
      'transcriber.tts.characters': 32,
      'transcriber.tts.audio.duration': 2,
    });
    expect(derivedTurnAttributes(turn)).toMatchObject({
      'transcriber.component': 'pipeline',
      'transcriber.operation': 'turn',
      'transcriber.turn.source': 'livekit',
      'transcriber.turn.source.voice_to_voice.duration': 0.991,
      'transcriber.turn.endpointing.duration': 0.4,
      'transcriber.turn.interruptions': 0,
    });
    expect(derivedTurnAttributes(turn)['transcriber.turn.unexplained.duration']).toBeCloseTo(0.07, 9);
  });

  it("reads LiveKit Python's user-turn delays in seconds", () => {
    const python = endOrder(
      liveKitExchange(10_000, { endOfTurn: 0.4, transcription: 0.25 }).map((n) => n(id(), 'python')),
    );
    const [turn] = feed(new TurnAssembler(), python);
    expect(msOf(turn)).toEqual([400, 0, 480, 20, 20, 70]);
  });

  it('gives transcription the part of its delay that outlasts endpointing', () => {
    const [turn] = feed(
      new TurnAssembler(),
      endOrder(liveKitExchange(10_000, { endOfTurn: 400, transcription: 450 }).map((n) => n(id(), 'nodejs'))),
    );
    expect(msOf(turn).slice(0, 3)).toEqual([400, 50, 450]);
  });

  it('counts an interrupted answer, and a next user turn that ends before the interrupted answer', () => {
    const assembler = new TurnAssembler();
    const session = id();
    const first = liveKitExchange(10_000, { endOfTurn: 400, transcription: 250 }, true).map((n) =>
      n(session, 'nodejs'),
    );
    const second = liveKitExchange(13_000, { endOfTurn: 400, transcription: 250 }).map((n) => n(session, 'nodejs'));
    // The user barges in at 11,500, while the answer plays: their new turn (ending at 13,420) ends
    // before the interrupted answer does (at 13,600).
    const spans = endOrder([...first, ...second]);
    const secondUserTurn = spans.filter((s) => s.name === 'user_turn')[1];
    const interruptedAnswer = spans.find((s) => s.attributes['lk.interrupted'] === true)!;
    expect(spans.indexOf(secondUserTurn)).toBeLessThan(spans.indexOf(interruptedAnswer));
    const turns = feed(assembler, spans);
    expect(turns.map((t) => [t.startMs, t.figures.interruptions])).toEqual([
      [8_500, 1],
      [11_500, 0],
    ]);
  });

  it('makes no turn of an agent turn before any user turn (a greeting), nor of spans of other frameworks', () => {
    const assembler = new TurnAssembler();
    const session = id();
    const greeting = span('agent_turn', 0, 2000, { 'lk.e2e_latency': 0.5 }, [span('agent_speaking', 100, 1900)])(
      session,
      'nodejs',
    );
    expect(feed(assembler, endOrder([greeting]))).toEqual([]);
    expect(TurnAssembler.wants('pipeline.turn')).toBe(false);
    expect(TurnAssembler.wants('HTTP GET')).toBe(false);
    expect(feed(assembler, endOrder([span('turn', 0, 10)(session, 'python')]))).toEqual([]); // no turn.number: not Pipecat's
  });

  it('gives a user turn the agent never answered as it is when its session ends', () => {
    const assembler = new TurnAssembler();
    const session = span('agent_session', 0, 20_000)(undefined, 'nodejs');
    const [userTurn] = liveKitExchange(10_000, { endOfTurn: 400, transcription: 250 }).map((n) =>
      n(session.span.spanId, 'nodejs'),
    );
    expect(feed(assembler, endOrder([userTurn]))).toEqual([]);
    const [turn] = assembler.add(session.span);
    expect(turn.figures.voiceToVoice).toBeUndefined();
    expect(msOf(turn)).toEqual([400, 0, undefined, undefined, undefined, undefined]);
    expect(assembler.flush()).toEqual([]);
  });

  it('keeps what it waits for within its bounds', () => {
    const assembler = new TurnAssembler({ maxPendingSpans: 10, maxOpenExchanges: 2, maxExchangeAgeMs: 60_000 });
    // Pieces whose turn never comes: the oldest go.
    for (let i = 0; i < 50; i++)
      assembler.add(span('llm_node', i, i + 1, { 'lk.response.ttft': 0.1 })(id(), 'nodejs').span);
    // Three sessions' unanswered user turns: the oldest is given as it is when the third opens.
    const sessions = [0, 1, 2].map((i) =>
      endOrder([
        span('user_turn', i * 1000, i * 1000 + 500, { 'lk.end_of_turn_delay': 400 }, [
          span('user_speaking', i * 1000, i * 1000 + 100),
        ])(id(), 'nodejs'),
      ]).map((s) => ({ ...s, traceId: String(i).repeat(32) })),
    );
    expect(feed(assembler, [...sessions[0], ...sessions[1]])).toEqual([]);
    expect(feed(assembler, sessions[2]).map((t) => t.traceId)).toEqual(['0'.repeat(32)]);
    // An exchange unanswered for longer than its age limit (by the spans' own clock) is given too.
    const late = span('llm_node', 100_000, 100_001)(id(), 'nodejs').span;
    expect(assembler.add(late).map((t) => t.traceId)).toEqual(['1'.repeat(32), '2'.repeat(32)]);
  });

  it('derives the same span id for the same exchange, and different ones for different exchanges', () => {
    expect(derivedTurnSpanId('00f067aa0ba902b7')).toBe(derivedTurnSpanId('00f067aa0ba902b7'));
    expect(derivedTurnSpanId('00f067aa0ba902b7')).not.toBe(derivedTurnSpanId('00f067aa0ba902b8'));
    expect(derivedTurnSpanId('00f067aa0ba902b7')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('TurnAssembler: Pipecat', () => {
  /**
   * A Pipecat turn as its turn trace observer and service decorators record it: the STT span from
   * the user's speech start to the final transcript (its TTFB from the end of speech, seconds), the
   * LLM and TTS spans with their TTFB, the turn's user-to-bot latency.
   */
  const turn = (attributes: Record<string, unknown>) =>
    span(
      'turn',
      3000,
      9000,
      { 'turn.number': 1, 'turn.type': 'conversation', 'conversation.id': 'c1', ...attributes },
      [
        span('stt', 3500, 5300, {
          'metrics.ttfb': 0.3,
          is_final: true,
          transcript: 'what time is it',
          'metrics.audio_seconds': 1.6,
        }),
        span('llm', 5500, 6500, {
          'metrics.ttfb': 0.4,
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 8,
        }),
        span('tts', 5950, 8900, { 'metrics.ttfb': 0.1, 'metrics.character_count': 24 }),
      ],
    );

  it("derives a turn from the turn span and its services, voice-to-voice being Pipecat's own figure", () => {
    const conversation = id();
    const [derived] = feed(
      new TurnAssembler(),
      endOrder([turn({ 'turn.user_bot_latency_seconds': 1.2, 'turn.was_interrupted': false })(conversation, 'python')]),
    );
    expect(derived).toMatchObject({
      source: 'pipecat',
      parentSpanId: conversation,
      startMs: 3000,
      endMs: 9000,
      sourceVoiceToVoice: 1.2,
    });
    expect(derived.figures.voiceToVoice).toBeCloseTo(1.2, 9);
    // No figure for endpointing or playout: the transcription is the STT's 300 ms from the end of
    // speech, the agent the LLM's 400 ms, the TTS its 100 ms; the other 400 ms are unexplained.
    expect(msOf(derived)).toEqual([undefined, 300, 400, 100, undefined, 400]);
    expect(derived.marks.map((m) => [m.name, Math.round(m.timeMs)])).toEqual([
      ['user_speech_end', 5000],
      ['final_transcript', 5300],
      ['first_token', 5900],
      ['first_audio_byte', 6050],
      ['first_audio_played', 6200],
    ]);
    expect(Object.fromEntries(derived.figures.usage)).toEqual({
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 8,
      'transcriber.tts.characters': 24,
      'transcriber.stt.audio.duration': 1.6,
    });
  });

  it('counts a barge-in, not the turn cut off by the end of the conversation', () => {
    const [bargeIn] = feed(new TurnAssembler(), endOrder([turn({ 'turn.was_interrupted': true })(id(), 'python')]));
    const [cutOff] = feed(
      new TurnAssembler(),
      endOrder([turn({ 'turn.was_interrupted': true, 'turn.ended_by_conversation_end': true })(id(), 'python')]),
    );
    expect(bargeIn.figures.interruptions).toBe(1);
    expect(cutOff.figures.interruptions).toBe(0);
    expect(cutOff.figures.voiceToVoice).toBeUndefined();
  });
});
