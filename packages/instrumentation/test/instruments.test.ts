import { metrics, trace } from '@opentelemetry/api';
import {
  ATTR_COMPONENT,
  ATTR_OPERATION,
  METRIC_OPERATION_DURATION,
  METRIC_OPERATIONS,
  timeOperation,
} from '@transcriber/instrumentation';
import { getOperationInstruments } from '../src/instruments';
import {
  collectMetrics,
  counterValue,
  histogramPoint,
  installContextManager,
  installMetrics,
  installTracing,
  resetOtel,
} from './helpers/otel';

const VAD = { [ATTR_COMPONENT]: 'vad', [ATTR_OPERATION]: 'detect' };

beforeEach(() => {
  resetOtel();
  installContextManager();
});

afterAll(() => {
  resetOtel();
});

describe('getOperationInstruments', () => {
  it('returns the same instruments while the providers stay the same', () => {
    installMetrics();
    installTracing();
    expect(getOperationInstruments()).toBe(getOperationInstruments());
  });

  it('starts recording into a MeterProvider registered after operations already ran', async () => {
    // Before any SDK: the instruments are the API's no-ops.
    const before = getOperationInstruments();
    timeOperation('vad', 'detect', () => undefined);

    const { reader } = installMetrics();
    expect(getOperationInstruments()).not.toBe(before);
    timeOperation('vad', 'detect', () => undefined);
    timeOperation('vad', 'detect', () => undefined);

    const all = await collectMetrics(reader);
    expect(counterValue(all, METRIC_OPERATIONS, VAD)).toBe(2);
    expect(histogramPoint(all, METRIC_OPERATION_DURATION, VAD).count).toBe(2);
  });

  it('starts tracing into a TracerProvider registered after operations already ran', () => {
    const early = timeOperation('vad', 'detect');
    expect(early.span.isRecording()).toBe(false);
    early.end();

    const { exporter } = installTracing();
    timeOperation('vad', 'detect', () => undefined);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['vad.detect']);
  });

  it('follows a provider replaced after metrics.disable() and trace.disable() (an SDK restarted)', async () => {
    const first = { metrics: installMetrics(), tracing: installTracing() };
    timeOperation('vad', 'detect', () => undefined);

    metrics.disable();
    trace.disable();
    const second = { metrics: installMetrics(), tracing: installTracing() };
    timeOperation('vad', 'detect', () => undefined);
    timeOperation('vad', 'detect', () => undefined);

    expect(first.tracing.exporter.getFinishedSpans()).toHaveLength(1);
    expect(second.tracing.exporter.getFinishedSpans()).toHaveLength(2);
    expect(counterValue(await collectMetrics(first.metrics.reader), METRIC_OPERATIONS, VAD)).toBe(1);
    expect(counterValue(await collectMetrics(second.metrics.reader), METRIC_OPERATIONS, VAD)).toBe(2);
  });

  it('stops recording into a provider once it is unregistered', async () => {
    const { reader } = installMetrics();
    const { exporter } = installTracing();
    timeOperation('vad', 'detect', () => undefined);
    metrics.disable();
    trace.disable();
    timeOperation('vad', 'detect', () => undefined);

    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(counterValue(await collectMetrics(reader), METRIC_OPERATIONS, VAD)).toBe(1);
  });
});
