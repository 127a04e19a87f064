// Our responses, read back by the deserializers the OTel JS exporters use on them.
import {
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { exportResponseBody, RPC_INVALID_ARGUMENT, statusBody } from '../src/otlpResponses';
import { ProtobufReader } from '../src/protobufReader';

describe('export responses', () => {
  it('full success is an empty message (protobuf) or {} (JSON)', () => {
    expect(exportResponseBody('traces', 'protobuf', 0, '')).toHaveLength(0);
    expect(exportResponseBody('traces', 'json', 0, '').toString()).toBe('{}');
    expect(ProtobufTraceSerializer.deserializeResponse(exportResponseBody('traces', 'protobuf', 0, ''))).toEqual({});
  });

  it('partial success carries the rejected count and message, as the exporters read them', () => {
    const message = '2 spans rejected: trace_id is not 16 bytes or is all zeros (2)';
    expect(ProtobufTraceSerializer.deserializeResponse(exportResponseBody('traces', 'protobuf', 2, message))).toEqual({
      partialSuccess: { rejectedSpans: 2, errorMessage: message },
    });
    expect(ProtobufMetricsSerializer.deserializeResponse(exportResponseBody('metrics', 'protobuf', 300, 'x'))).toEqual({
      partialSuccess: { rejectedDataPoints: 300, errorMessage: 'x' },
    });
    expect(ProtobufLogsSerializer.deserializeResponse(exportResponseBody('logs', 'protobuf', 1, 'y'))).toEqual({
      partialSuccess: { rejectedLogRecords: 1, errorMessage: 'y' },
    });
    expect(JsonTraceSerializer.deserializeResponse(exportResponseBody('traces', 'json', 2, message))).toEqual({
      partialSuccess: { rejectedSpans: '2', errorMessage: message },
    });
  });
});

describe('status bodies', () => {
  it('are google.rpc.Status: code 1, message 2', () => {
    expect(JSON.parse(statusBody('json', RPC_INVALID_ARGUMENT, 'bad').toString())).toEqual({ code: 3, message: 'bad' });
    const r = new ProtobufReader(statusBody('protobuf', RPC_INVALID_ARGUMENT, 'malformed: ü'));
    expect(r.uint32()).toBe(0x08);
    expect(r.uint32()).toBe(3);
    expect(r.uint32()).toBe(0x12);
    expect(r.string()).toBe('malformed: ü');
    expect(r.more).toBe(false);
  });
});
