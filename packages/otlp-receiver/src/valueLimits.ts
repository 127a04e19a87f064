/**
 * Arrays and key-value lists nested deeper than this inside one attribute value are dropped (the
 * rest of the value is kept), the same for protobuf and JSON bodies. OTel SDKs produce flat values
 * or one level of nesting; 16 leaves room for any structured log body, and bounds the recursion a
 * small hostile body could otherwise drive (see MAX_DEPTH in protobufReader.ts).
 */
export const MAX_VALUE_DEPTH = 16;

/**
 * The limits one request's attribute values are held to, and what they cut or dropped: values are
 * cut and counted, never the request refused (the counts go back to the sender as a warning in the
 * response's partial success). One instance per request.
 */
export class ValueLimits {
  /** String values cut to `maxLength` (and bytes values to the bytes whose base64 fits it). */
  cut = 0;
  /** Nested values dropped for being deeper than MAX_VALUE_DEPTH. */
  tooDeep = 0;
  /** Bytes of the body not kept (cut or dropped), for the estimate of what the kept rows take. */
  droppedBytes = 0;

  /** `maxLength`: UTF-16 code units of a string value, as the OTel JS SDK counts them. */
  constructor(readonly maxLength: number) {}

  /** A decoded string within the limit. */
  cutString(value: string): string {
    if (value.length <= this.maxLength) return value;
    this.cut++;
    this.droppedBytes += value.length - this.maxLength;
    return value.slice(0, this.maxLength);
  }

  /**
   * A UTF-8 string read from `buf[start, end)` within the limit, without decoding more than the
   * limit needs: a UTF-16 code unit takes 1 to 3 bytes, so `maxLength` units lie in the first
   * 3 × `maxLength` bytes (an 8 MB value costs what a 4 KB one does).
   */
  stringOf(buf: Buffer, start: number, end: number): string {
    if (end - start <= this.maxLength) return buf.toString('utf8', start, end);
    const read = buf.toString('utf8', start, Math.min(end, start + 3 * this.maxLength + 3));
    if (read.length <= this.maxLength) return read;
    this.cut++;
    const text = read.slice(0, this.maxLength);
    this.droppedBytes += end - start - Buffer.byteLength(text);
    return text;
  }

  /** How many bytes of a bytes value are kept: those whose base64 fits `maxLength`. */
  bytesKept(length: number): number {
    const kept = Math.floor(this.maxLength / 4) * 3;
    if (length <= kept) return length;
    this.cut++;
    this.droppedBytes += length - kept;
    return kept;
  }

  /** The warning for the response, e.g. `2 attribute values cut to 4096 characters`; '' when none. */
  message(): string {
    const notes: string[] = [];
    if (this.cut > 0) notes.push(`${this.cut} attribute values cut to ${this.maxLength} characters`);
    if (this.tooDeep > 0) notes.push(`${this.tooDeep} values nested deeper than ${MAX_VALUE_DEPTH} levels dropped`);
    return notes.join('; ');
  }
}
