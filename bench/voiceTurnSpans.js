'use strict';
// The spans the collect benchmarks send: voice turns (a pipeline span with vad, stt, llm and tts
// children, GenAI attributes, a first_token event on the llm span, an error every 50 turns), made
// by a real tracer from a fixed schedule, so every process makes the same ones.

/** The same spans in every process: made by a real tracer from a fixed schedule. */
function makeSpans(count) {
  const { ROOT_CONTEXT, SpanStatusCode, trace } = require('@opentelemetry/api');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'voice-agent-bench',
      'process.pid': 4242,
      'host.name': 'bench',
    }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('voice-agent', '1.0.0');
  const t0 = Date.now() - 60_000;
  const stages = [
    ['vad', 'detect', {}],
    ['stt', 'transcribe', { 'gen_ai.provider.name': 'deepgram', language: 'en' }],
    [
      'llm',
      'complete',
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 812,
        'gen_ai.usage.output_tokens': 41,
      },
    ],
    ['tts', 'synthesize', { 'gen_ai.provider.name': 'cartesia', 'tts.characters': 118 }],
  ];
  let made = 0;
  for (let turn = 0; made < count; turn++) {
    const start = t0 + turn * 5;
    const root = tracer.startSpan(
      'pipeline.turn',
      {
        startTime: start,
        attributes: { 'transcriber.component': 'pipeline', 'transcriber.operation': 'turn', 'turn.number': turn },
      },
      ROOT_CONTEXT,
    );
    const parent = trace.setSpan(ROOT_CONTEXT, root);
    made++;
    for (let s = 0; s < stages.length && made < count; s++, made++) {
      const [component, operation, extra] = stages[s];
      const span = tracer.startSpan(
        `${component}.${operation}`,
        {
          startTime: start + s,
          attributes: { 'transcriber.component': component, 'transcriber.operation': operation, ...extra },
        },
        parent,
      );
      if (component === 'llm') span.addEvent('first_token', start + s + 0.4);
      if (turn % 50 === 0 && component === 'llm')
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
      span.end(start + s + 0.9);
    }
    root.end(start + 4.5);
  }
  return memory.getFinishedSpans().slice(0, count);
}

module.exports = { makeSpans };
