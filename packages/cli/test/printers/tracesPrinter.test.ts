import type { OperationRecord } from '@transcriber/queries';
import { clock } from '../../src/output/format';
import { makeStyle, withoutColour } from '../../src/output/style';
import { printTraces, tracesRows } from '../../src/printers/tracesPrinter';
import type { TracesResult } from '../../src/results/traces';
import { T0_US, WINDOW } from '../fixtures/results';

const plain = makeStyle(false);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function operation(fields: Partial<OperationRecord>): OperationRecord {
  return {
    traceId: TRACE,
    spanId: '00f067aa0ba902b7',
    parentSpanId: null,
    name: 'stt.transcribe',
    component: 'stt',
    operation: 'transcribe',
    startUs: T0_US,
    durationMs: 12.345,
    error: false,
    errorType: null,
    serviceName: 'voice-agent',
    ...fields,
  };
}

const operations = [
  operation({}),
  // A span received over OTLP: no component, no operation (its name is shown), slow and failed.
  operation({
    name: 'POST /v1/chat',
    component: null,
    operation: null,
    startUs: T0_US + 1_000_000,
    durationMs: 1234.4,
    error: true,
    errorType: 'TimeoutError',
  }),
  operation({ component: 'llm', operation: 'chat', startUs: T0_US + 2_500, durationMs: 0.5, error: true }),
];

describe('printTraces', () => {
  it('lists operations in an aligned table: ms to the right and rounded by size, "-" for no component', () => {
    const result: TracesResult = { window: WINDOW, service: 'voice-agent', order: 'recent', operations };
    const [t1, t2, t3] = operations.map((o) => clock(o.startUs));
    expect(printTraces(result, plain)).toBe(
      [
        'Most recent operations, last 15 min · service voice-agent',
        'started                  component  operation        ms  status        trace',
        `${t1}  stt        transcribe     12.3  ok            ${TRACE}`,
        `${t2}  -          POST /v1/chat  1234  TimeoutError  ${TRACE}`,
        `${t3}  llm        chat           0.50  error         ${TRACE}`,
        '',
        'transcriber traces show <trace> draws one trace',
      ].join('\n'),
    );
  });

  it('says the window is empty, and names the slowest order', () => {
    const result: TracesResult = { window: WINDOW, service: null, order: 'slowest', operations: [] };
    expect(printTraces(result, plain)).toBe('Slowest operations, last 15 min\nno operations recorded in this window');
  });

  it('shows a failure in red and success in green', () => {
    const text = printTraces({ window: WINDOW, service: null, order: 'recent', operations }, makeStyle(true));
    expect(withoutColour(text)).toBe(
      printTraces({ window: WINDOW, service: null, order: 'recent', operations }, plain),
    );
    expect(text).toContain('\u001b[31mTimeoutError\u001b[39m');
    expect(text).toContain('\u001b[32mok\u001b[39m');
  });
});

describe('tracesRows', () => {
  it('gives one CSV row per operation with the raw values', () => {
    const rows = tracesRows({ window: WINDOW, service: null, order: 'recent', operations });
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual({
      start_us: T0_US + 1_000_000,
      component: null,
      operation: null,
      name: 'POST /v1/chat',
      duration_ms: 1234.4,
      error: true,
      error_type: 'TimeoutError',
      service: 'voice-agent',
      trace_id: TRACE,
      span_id: '00f067aa0ba902b7',
    });
  });
});
