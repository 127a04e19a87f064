import { OtlpDecodeError } from '../src/otlpDecodeError';
import { ProtobufReader, signed64, tagOf, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from '../src/protobufReader';

/** Encodes a BigInt as a protobuf varint (two's complement for negatives, as int64 does). */
function varint(value: bigint): number[] {
  let v = BigInt.asUintN(64, value);
  const bytes: number[] = [];
  while (v >= 0x80n) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return bytes;
}

const reader = (...bytes: number[]) => new ProtobufReader(Buffer.from(bytes));
/** Runs `fn` once (readers keep state) and checks it threw an OtlpDecodeError matching `reason`. */
const fails = (fn: () => unknown, reason: RegExp) => {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(OtlpDecodeError);
  expect((thrown as Error).message).toMatch(reason);
};

describe('ProtobufReader', () => {
  it('reads varints of every length, as numbers while exact', () => {
    for (const value of [0n, 1n, 127n, 128n, 300n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n]) {
      expect(reader(...varint(value)).uint64()).toBe(Number(value));
    }
    expect(reader(...varint(2n ** 32n - 1n)).uint32()).toBe(2 ** 32 - 1);
  });

  it('reads int64 exactly: negatives from ten-byte varints, and decimal strings past 2^53', () => {
    const cases: [bigint, number | string][] = [
      [-1n, -1],
      [-300n, -300],
      [-(2n ** 53n) + 1n, -(2 ** 53) + 1],
      [2n ** 53n + 1n, '9007199254740993'],
      [-(2n ** 63n), '-9223372036854775808'],
      [2n ** 63n - 1n, '9223372036854775807'],
    ];
    for (const [value, expected] of cases) expect(reader(...varint(value)).int64()).toBe(expected);
  });

  it('signed64 agrees with BigInt on random 64-bit values', () => {
    for (let i = 0; i < 2000; i++) {
      const lo = Math.floor(Math.random() * 2 ** 32);
      const hi = Math.floor(Math.random() * 2 ** 32);
      const exact = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
      const got = signed64(lo, hi);
      expect(typeof got === 'number' ? BigInt(got) : BigInt(got)).toBe(exact);
      expect(typeof got === 'number').toBe(exact >= -(2n ** 53n) + 1n && exact <= 2n ** 53n - 1n);
    }
  });

  it('reads zigzag sint32', () => {
    const zigzag = (n: number) => (n << 1) ^ (n >> 31);
    for (const n of [0, -1, 1, -2, 2147483647, -2147483648]) {
      expect(reader(...varint(BigInt(zigzag(n) >>> 0))).sint32()).toBe(n);
    }
  });

  it('refuses a varint that runs past the end, or past 64 bits', () => {
    fails(() => reader(0x80, 0x80).uint64(), /varint at byte 0 runs past the end/);
    fails(() => reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02).uint64(), /longer than 64 bits/);
    fails(
      () => reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).uint64(),
      /longer than 64 bits/,
    );
    fails(() => reader(...varint(2n ** 32n)).uint32(), /does not fit in 32 bits/);
  });

  it('checks lengths against the enclosing message, not just the buffer', () => {
    // An outer message of 3 bytes holding a string that claims 5: the buffer has them, the message does not.
    const r = reader(
      tagOf(1, WIRE_LENGTH_DELIMITED),
      3,
      tagOf(1, WIRE_LENGTH_DELIMITED),
      5,
      0x61,
      0x62,
      0x63,
      0x64,
      0x65,
    );
    r.uint32();
    const outer = r.enter();
    r.uint32();
    fails(() => r.string(), /length 5 at byte 3 runs past the end of its message \(1 bytes left\)/);
    void outer;
    fails(() => reader(0x05, 0x61).string(), /runs past the end/);
    fails(() => reader(0x01, 0x02, 0x03).fixed64Parts(), /8-byte value at byte 0 runs past/);
    fails(() => reader(0x01, 0x02).double(), /8-byte value/);
    fails(() => reader(0x01).fixed32(), /4-byte value/);
  });

  it('enter/leave resume the outer message where the inner one ends', () => {
    const r = reader(tagOf(1, WIRE_LENGTH_DELIMITED), 2, tagOf(2, WIRE_VARINT), 7, tagOf(3, WIRE_VARINT), 9);
    expect(r.uint32()).toBe(tagOf(1, WIRE_LENGTH_DELIMITED));
    const outer = r.enter();
    expect(r.uint32()).toBe(tagOf(2, WIRE_VARINT));
    expect(r.uint32()).toBe(7);
    expect(r.more).toBe(false);
    r.leave(outer);
    expect(r.more).toBe(true);
    expect(r.uint32()).toBe(tagOf(3, WIRE_VARINT));
    expect(r.uint32()).toBe(9);
    expect(r.more).toBe(false);
  });

  it('refuses nesting deeper than 59 messages (the deepest attribute value the decoders read, and one)', () => {
    // 70 nested empty-ish messages: each is tag 1 (len) wrapping the next.
    let inner: number[] = [];
    for (let i = 0; i < 70; i++) inner = [tagOf(1, WIRE_LENGTH_DELIMITED), ...varint(BigInt(inner.length)), ...inner];
    const r = new ProtobufReader(Buffer.from(inner));
    fails(() => {
      for (;;) {
        r.uint32();
        r.enter();
      }
    }, /nest deeper than 59/);
  });

  it('skips unknown fields of every wire type, and refuses groups, bad wire types and field 0', () => {
    const r = reader(
      tagOf(9, 0), ...varint(123456789n),
      tagOf(9, 1), 1, 2, 3, 4, 5, 6, 7, 8,
      tagOf(9, 2), 2, 0xaa, 0xbb,
      tagOf(9, 5), 1, 2, 3, 4,
    ); // prettier-ignore
    while (r.more) r.skip(r.uint32(), 0, 'Test');
    expect(r.pos).toBe(r.buf.length);
    fails(() => reader(tagOf(9, 3)).skip(tagOf(9, 3), 0, 'Test'), /Test: unsupported wire type 3/);
    fails(() => reader(tagOf(9, 7)).skip(tagOf(9, 7), 0, 'Test'), /unsupported wire type 7/);
    fails(() => reader(0).skip(0, 0, 'Test'), /field number 0/);
    fails(() => reader(tagOf(9, 1), 1, 2).skip(tagOf(9, 1), 0, 'Test'), /runs past the end/);
  });

  it('calls a field it reads but with the wrong wire type malformed, not unknown', () => {
    fails(() => reader(5).skip(tagOf(5, 0), 1 << 5, 'Span'), /Span: field 5 has the wrong wire type \(0\)/);
  });

  it('gives back each short string exactly, interned or not', () => {
    const texts = [
      'gen_ai.operation.name',
      'gen_ai.operation.nams',
      'a',
      '',
      'x'.repeat(48),
      'y'.repeat(49),
      'ü',
      'chat',
    ];
    for (let round = 0; round < 3; round++) {
      for (const text of texts) {
        const bytes = Buffer.from(text, 'utf8');
        expect(reader(bytes.length, ...bytes).string()).toBe(text);
      }
    }
  });

  it('reads strings as UTF-8 and ids as lowercase hex', () => {
    const text = 'stt · 音声';
    const bytes = Buffer.from(text, 'utf8');
    expect(reader(bytes.length, ...bytes).string()).toBe(text);
    expect(reader(4, 0xde, 0xad, 0xbe, 0xef).hex()).toBe('deadbeef');
  });
});
