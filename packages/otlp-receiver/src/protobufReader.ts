import { OtlpDecodeError } from './otlpDecodeError';
import { MAX_VALUE_DEPTH, type ValueLimits } from './valueLimits';

/** Wire types of the protobuf encoding (https://protobuf.dev/programming-guides/encoding/). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** The mask of known field numbers `ProtobufReader.skip` takes, e.g. `fieldMask(1, 2, 5)`. */
export function fieldMask(...numbers: number[]): number {
  return numbers.reduce((mask, n) => mask | (1 << n), 0);
}

/** A field's tag: its number and wire type in one varint, as it appears before the value. */
export function tagOf(field: number, wireType: number): number {
  return (field << 3) | wireType;
}

/**
 * Nesting deeper than this is refused: OTLP's own messages nest at most seven deep down to an
 * attribute's AnyValue (metrics: request → ResourceMetrics → ScopeMetrics → Metric → Histogram →
 * point → KeyValue → AnyValue), and each level of an AnyValue adds at most three (KeyValueList →
 * KeyValue → AnyValue). The decoders drop a value nested deeper than MAX_VALUE_DEPTH without
 * entering it, so a well-formed body never reaches this; unbounded recursion would let a small
 * hostile body overflow the stack.
 */
const MAX_DEPTH = 8 + 3 * (MAX_VALUE_DEPTH + 1);
const TWO_POW_32 = 4294967296;
/** Largest high word of a 64-bit integer whose value is still exact as a JS number (< 2^53). */
const MAX_SAFE_HIGH = 0x1fffff;

/**
 * Reads the protobuf wire format from one buffer. Every length is checked against the end of the
 * message being read (the enclosing length-delimited field, or the body), so a truncated, malformed
 * or hostile body fails with an {@link OtlpDecodeError} that says where, instead of reading out of
 * bounds. Nested messages are read between `enter()` and `leave()`.
 */
export class ProtobufReader {
  pos = 0;
  /** End (exclusive) of the message being read. */
  end: number;
  /** The two 32-bit halves of the last 64-bit value read by `varintParts` / `fixed64Parts`. */
  lo = 0;
  hi = 0;
  private depth = 0;

  /** `limits`: strings longer than its length are cut (and counted) as they are read. */
  constructor(
    readonly buf: Buffer,
    readonly limits?: ValueLimits,
  ) {
    this.end = buf.length;
  }

  /** Whether the message being read has more fields. */
  get more(): boolean {
    return this.pos < this.end;
  }

  /** A varint that must fit in 32 bits: tags, lengths, counts, enum values. */
  uint32(): number {
    const buf = this.buf;
    const pos = this.pos;
    // One-byte varints are most tags and small numbers.
    if (pos < this.end && buf[pos] < 0x80) {
      this.pos = pos + 1;
      return buf[pos];
    }
    this.varintParts();
    if (this.hi !== 0) this.fail(`varint at byte ${pos} does not fit in 32 bits`);
    return this.lo;
  }

  /** An unsigned 64-bit varint as a number (exact below 2^53; larger counts lose low bits). */
  uint64(): number {
    this.varintParts();
    return this.hi * TWO_POW_32 + this.lo;
  }

  /** A signed (two's complement) 64-bit varint: a number when exact, else its decimal string. */
  int64(): number | string {
    this.varintParts();
    return signed64(this.lo, this.hi);
  }

  /** A zigzag-encoded signed 32-bit varint (`sint32`). */
  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  bool(): boolean {
    this.varintParts();
    return this.lo !== 0 || this.hi !== 0;
  }

  /** Reads a varint of up to 10 bytes into `lo` / `hi`. */
  varintParts(): void {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) this.fail(`varint at byte ${start} runs past the end of its message`);
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    if (pos >= end) this.fail(`varint at byte ${start} runs past the end of its message`);
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) {
      this.pos = pos;
      this.lo = lo >>> 0;
      this.hi = hi;
      return;
    }
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= end) this.fail(`varint at byte ${start} runs past the end of its message`);
      b = buf[pos++];
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        if (shift === 31 && b > 1) break; // an 11th significant bit: more than 64 bits
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    this.fail(`varint at byte ${start} is longer than 64 bits`);
  }

  /** Reads 8 little-endian bytes into `lo` / `hi` (fixed64, sfixed64, and time stamps). */
  fixed64Parts(): void {
    const pos = this.pos;
    if (pos + 8 > this.end) this.fail(`8-byte value at byte ${pos} runs past the end of its message`);
    this.lo = this.buf.readUInt32LE(pos);
    this.hi = this.buf.readUInt32LE(pos + 4);
    this.pos = pos + 8;
  }

  /** `fixed64` as a number (exact below 2^53). */
  fixed64(): number {
    this.fixed64Parts();
    return this.hi * TWO_POW_32 + this.lo;
  }

  /** `sfixed64`: a number when exact, else its decimal string. */
  sfixed64(): number | string {
    this.fixed64Parts();
    return signed64(this.lo, this.hi);
  }

  fixed32(): number {
    const pos = this.pos;
    if (pos + 4 > this.end) this.fail(`4-byte value at byte ${pos} runs past the end of its message`);
    this.pos = pos + 4;
    return this.buf.readUInt32LE(pos);
  }

  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.end) this.fail(`8-byte value at byte ${pos} runs past the end of its message`);
    this.pos = pos + 8;
    return this.buf.readDoubleLE(pos);
  }

  /** The length of a length-delimited field, checked against the end of the enclosing message. */
  length(): number {
    const at = this.pos;
    const length = this.uint32();
    if (length > this.end - this.pos) {
      this.fail(`length ${length} at byte ${at} runs past the end of its message (${this.end - this.pos} bytes left)`);
    }
    return length;
  }

  string(): string {
    const length = this.length();
    const start = this.pos;
    this.pos = start + length;
    if (length <= MAX_INTERNED_LENGTH && (this.limits === undefined || length <= this.limits.maxLength)) {
      const known = internedAscii(this.buf, start, start + length);
      if (known !== undefined) return known;
    }
    if (this.limits !== undefined) return this.limits.stringOf(this.buf, start, start + length);
    return this.buf.toString('utf8', start, start + length);
  }

  /** A bytes field as a view into the body (copy it to keep it past the request), cut to the limits. */
  bytes(): Buffer {
    const length = this.length();
    const start = this.pos;
    this.pos = start + length;
    const kept = this.limits === undefined ? length : this.limits.bytesKept(length);
    return this.buf.subarray(start, start + kept);
  }

  /** Skips a length-delimited value without reading it (a value the decoder drops); returns its length. */
  skipLengthDelimited(): number {
    const length = this.length(); // read first: `pos += length()` would add to the position before the length
    this.pos += length;
    return length;
  }

  /** A bytes field as lowercase hex (trace and span ids). */
  hex(): string {
    const length = this.length();
    const start = this.pos;
    this.pos = start + length;
    return this.buf.toString('hex', start, start + length);
  }

  /** Starts reading an embedded message; returns what `leave` needs to resume the outer one. */
  enter(): number {
    const length = this.length();
    if (++this.depth > MAX_DEPTH) this.fail(`messages nest deeper than ${MAX_DEPTH} levels at byte ${this.pos}`);
    const outerEnd = this.end;
    this.end = this.pos + length;
    return outerEnd;
  }

  /** Ends the embedded message started by `enter`. */
  leave(outerEnd: number): void {
    this.pos = this.end;
    this.end = outerEnd;
    this.depth--;
  }

  /**
   * Skips a field this decoder does not read. `knownFields` has bit N set for each field N the
   * caller reads: reaching here with one of those means it came with the wrong wire type, which is
   * malformed rather than unknown; `message` names the message in the error.
   */
  skip(tag: number, knownFields: number, message: string): void {
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 0) this.fail(`${message}: field number 0 at byte ${this.pos} is invalid`);
    if (field < 32 && (knownFields & (1 << field)) !== 0) {
      this.fail(`${message}: field ${field} has the wrong wire type (${wireType}) at byte ${this.pos}`);
    }
    switch (wireType) {
      case WIRE_VARINT:
        this.varintParts();
        return;
      case WIRE_FIXED64:
        this.skipBytes(8);
        return;
      case WIRE_LENGTH_DELIMITED:
        this.skipBytes(this.length());
        return;
      case WIRE_FIXED32:
        this.skipBytes(4);
        return;
      default:
        // 3 and 4 are proto2 groups, which no OTLP message uses; 6 and 7 do not exist.
        this.fail(`${message}: unsupported wire type ${wireType} (field ${field}) at byte ${this.pos}`);
    }
  }

  /** Throws an {@link OtlpDecodeError}. */
  fail(reason: string): never {
    throw new OtlpDecodeError(reason);
  }

  private skipBytes(count: number): void {
    if (count > this.end - this.pos) this.fail(`field at byte ${this.pos} runs past the end of its message`);
    this.pos += count;
  }
}

/**
 * Short ASCII strings are interned: attribute keys, span names and most values repeat from span to
 * span, and finding one in the table costs less than decoding it again (and keeps one copy in
 * memory). The table is bounded; once full, new strings are decoded as usual.
 */
const MAX_INTERNED_LENGTH = 48;
const MAX_INTERNED = 8192;
const interned = new Map<number, string>();

function internedAscii(buf: Buffer, start: number, end: number): string | undefined {
  // FNV-1a over the bytes, giving up on the first non-ASCII byte.
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b >= 0x80) return undefined;
    hash = Math.imul(hash ^ b, 0x01000193);
  }
  hash = (hash ^ (end - start)) >>> 0;
  const known = interned.get(hash);
  if (known !== undefined && known.length === end - start) {
    let same = true;
    for (let i = 0; i < known.length; i++) {
      if (known.charCodeAt(i) !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return known;
    return buf.toString('latin1', start, end); // a hash collision: decode, keep the first string
  }
  const text = buf.toString('latin1', start, end); // ASCII: latin1 decoding is the same, and cheaper
  if (interned.size < MAX_INTERNED) interned.set(hash, text);
  return text;
}

/** A 64-bit two's complement integer from its halves: a number when exact, else a decimal string. */
export function signed64(lo: number, hi: number): number | string {
  if ((hi & 0x80000000) === 0) {
    return hi <= MAX_SAFE_HIGH ? hi * TWO_POW_32 + lo : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }
  // Negative: the magnitude is the two's complement of the 64 bits.
  const magLo = (~lo + 1) >>> 0;
  const magHi = (~hi + (magLo === 0 ? 1 : 0)) >>> 0;
  return magHi <= MAX_SAFE_HIGH
    ? -(magHi * TWO_POW_32 + magLo)
    : (-((BigInt(magHi) << 32n) | BigInt(magLo))).toString();
}
