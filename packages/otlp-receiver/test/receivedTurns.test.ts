import { resourceFromAttributes } from '@opentelemetry/resources';
import { ReceivedSpan } from '../src/receivedSpan';
import { ReceivedTurns } from '../src/receivedTurns';

const resource = resourceFromAttributes({ 'service.name': 'pipecat-bot', 'telemetry.sdk.language': 'python' });
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const BASE_S = 1_790_000_000;

function span(scope: string, name: string, id: string, parent: string, fromMs: number, toMs: number, attributes = {}) {
  const s = new ReceivedSpan(resource, { name: scope });
  s.name = name;
  s.traceId = TRACE;
  s.spanId = id;
  s.parentSpanContext = { traceId: TRACE, spanId: parent, traceFlags: 1 };
  s.startTime = [BASE_S + Math.floor(fromMs / 1000), (fromMs % 1000) * 1e6];
  s.endTime = [BASE_S + Math.floor(toMs / 1000), (toMs % 1000) * 1e6];
  s.attributes = attributes;
  return s;
}

describe('ReceivedTurns', () => {
  it("takes a request's spans in the order they ended, not as the request grouped them by scope", () => {
    // One OTLP request groups spans by resource and scope: Pipecat's turn (tracer `pipecat.turn`)
    // may come before the services that ended before it (tracer `pipecat`).
    const request = [
      span('pipecat.turn', 'turn', '00000000000000a1', '00000000000000c0', 1000, 6000, {
        'turn.number': 1,
        'turn.user_bot_latency_seconds': 1.3,
      }),
      span('pipecat', 'stt', '00000000000000b1', '00000000000000a1', 1000, 2450, { 'metrics.ttfb': 0.25 }),
      span('pipecat', 'llm', '00000000000000b2', '00000000000000a1', 2700, 3500, { 'metrics.ttfb': 0.35 }),
      span('pipecat', 'tts', '00000000000000b3', '00000000000000a1', 3100, 5900, { 'metrics.ttfb': 0.12 }),
    ];
    const [turn] = new ReceivedTurns().take(request);
    expect(turn.name).toBe('pipeline.turn');
    expect(turn.resource).toBe(resource);
    expect(turn.parentSpanContext?.spanId).toBe('00000000000000c0');
    expect(turn.attributes).toMatchObject({
      'transcriber.turn.source': 'pipecat',
      'transcriber.turn.transcription.duration': 0.25,
      'transcriber.turn.agent.duration': 0.35,
      'transcriber.turn.tts.duration': 0.12,
    });
    expect(turn.events.map((e) => e.name)).toEqual([
      'user_speech_end',
      'final_transcript',
      'first_token',
      'first_audio_byte',
      'first_audio_played',
    ]);
  });

  it('counts the turns a request may complete before taking it', () => {
    const spans = [
      span('livekit-agents', 'user_turn', '00000000000000a1', '00000000000000c0', 0, 10),
      span('pipecat.turn', 'turn', '00000000000000a2', '00000000000000c0', 0, 10),
      span('pipecat', 'stt', '00000000000000a3', '00000000000000a2', 0, 10),
    ];
    expect(ReceivedTurns.possibleTurns(spans)).toBe(2);
  });
});
