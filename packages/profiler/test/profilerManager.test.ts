import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { getOperationProfiler, monitorComponentPerformance } from '@transcriber/instrumentation';
import { ProfilerManager } from '@transcriber/profiler';
import { countPrimes, nextTurn } from './helpers/workloads';
import { profileRows } from './helpers/profileRows';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

/** A random source that returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

class SpeechToText {
  @monitorComponentPerformance('stt', 'transcribe', { enableProfiling: true })
  transcribe(limit: number): number {
    return countPrimes(limit);
  }

  @monitorComponentPerformance('stt', 'stream', { enableProfiling: true })
  async stream(limit: number): Promise<number> {
    await nextTurn();
    return countPrimes(limit);
  }
}

describe('ProfilerManager as the operation profiler', () => {
  const exporter = new InMemorySpanExporter();
  let provider: NodeTracerProvider;
  let dataDir: string;
  let profiler: ProfilerManager;

  beforeAll(() => {
    provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    removeTempDirs();
  });
  beforeEach(() => {
    exporter.reset();
    dataDir = makeTempDir();
  });
  afterEach(() => profiler.shutdown());

  it('profiles the calls that sampling picks, each with a span event and a stored result', async () => {
    profiler = new ProfilerManager(dataDir, { sampleRate: 0.5, random: sequence(0.1, 0.9, 0.2, 0.8) }).register();
    expect(getOperationProfiler()).toBe(profiler);
    const stt = new SpeechToText();
    // ~20 ms of work a call on an idle core: a loaded machine starves V8's sampling thread (2 samples
    // in 40 ms were seen), and the hot spot must still be clear from the samples that are taken.
    const limit = 300_000;
    const answers = [stt.transcribe(limit), stt.transcribe(limit), await stt.stream(limit), await stt.stream(limit)];
    expect(answers).toEqual([25997, 25997, 25997, 25997]);
    await profiler.flush();

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['stt.transcribe', 'stt.transcribe', 'stt.stream', 'stt.stream']);
    const profiled = spans.map((s) => s.events.some((e) => e.name === 'transcriber.profile'));
    expect(profiled).toEqual([true, false, true, false]);

    const rows = profileRows(dataDir);
    expect(rows.map((r) => [r.operation, r.span_id])).toEqual([
      ['transcribe', spans[0].spanContext().spanId],
      ['stream', spans[2].spanContext().spanId],
    ]);
    expect(JSON.parse(rows[1].top_functions as string)[0].function).toBe('countPrimes');
  });

  it('profiles nothing at sample rate 0, and unregisters on shutdown', async () => {
    profiler = new ProfilerManager(dataDir, { sampleRate: 0 }).register();
    new SpeechToText().transcribe(1000);
    await profiler.shutdown();
    expect(getOperationProfiler()).toBeUndefined();
    expect(exporter.getFinishedSpans()[0].events).toEqual([]);
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => new ProfilerManager(dataDir, { sampleRate: 1.5 })).toThrow(
      'sampleRate must be between 0 and 1, got 1.5',
    );
    expect(() => new ProfilerManager(dataDir, { samplingIntervalUs: 0 })).toThrow(
      /samplingIntervalUs must be a positive integer/,
    );
    profiler = new ProfilerManager(dataDir);
  });
});
