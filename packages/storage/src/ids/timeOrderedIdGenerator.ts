import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

const TRACE_ID_BYTES = 16;
const TIME_BYTES = 6;

/**
 * Trace ids that grow with time, like UUIDv7: the first 48 bits are the epoch milliseconds
 * (big-endian), the other 80 bits random. W3C Trace Context asks for the right-most 7 bytes to be
 * random; here the right-most 10 are. Why: `spans.trace_id` is indexed (`spans_trace`), and a
 * random key makes every insert dirty a random page of that index, which caps SQLite at a fraction
 * of its insert rate once the index outgrows the page cache; keys that grow with time append near
 * the end of the index instead (see docs/performance.md, "SQLite exporter"). Span ids stay random:
 * nothing indexes them. Ids of traces started elsewhere (a propagated `traceparent`) are kept as
 * they come.
 */
export class TimeOrderedIdGenerator implements IdGenerator {
  private readonly buffer = Buffer.alloc(TRACE_ID_BYTES);
  private readonly random = new RandomIdGenerator();

  generateTraceId(): string {
    const b = this.buffer;
    // Date.now() < 2^48 until the year 10889; writeUIntBE takes at most 6 bytes, which is what we need.
    b.writeUIntBE(Date.now(), 0, TIME_BYTES);
    // `>>> 0` keeps each value an unsigned 32-bit integer (Math.random() * 2^32 may round up to 2^32).
    b.writeUInt16BE((Math.random() * 2 ** 16) >>> 0, 6);
    b.writeUInt32BE((Math.random() * 2 ** 32) >>> 0, 8);
    b.writeUInt32BE((Math.random() * 2 ** 32) >>> 0, 12);
    return b.toString('hex');
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}
