import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { ByteBudget } from './byteBudget';

/** An oversized or refused body is read (and thrown away) up to this many times the limit, then cut off. */
const DISCARD_FACTOR = 4;

export interface BodyLimits {
  /** Largest body as sent (compressed or not), bytes. */
  maxBodyBytes: number;
  /** Largest body after gzip decompression, bytes. */
  maxDecompressedBytes: number;
}

/**
 * What reading a body gave: the body (its `size` taken from the budget, to be given back by the
 * caller), or why there is none. `cut`: the sender went on past DISCARD_FACTOR × the limit, and the
 * read stopped (the connection should be closed).
 */
export type BodyRead =
  | { kind: 'body'; body: Buffer }
  | { kind: 'too-large'; cut: boolean }
  | { kind: 'decompressed-too-large'; cut: boolean }
  | { kind: 'busy'; cut: boolean }
  | { kind: 'bad-gzip'; message: string }
  | { kind: 'aborted' };

/**
 * Reads a request body within its limits, taking each decompressed byte it keeps from the budget as
 * it arrives (so a sender trickling a body holds only what it sent). gzip bodies are inflated as
 * they stream in, with back-pressure on the socket, so only the inflated bytes are kept. Past a
 * limit, or when the budget is spent, the rest is read and thrown away, so that a sender that writes
 * its whole body before reading the answer (as the OTel exporters do) gets the answer rather than a
 * broken pipe; whatever was taken is given back before the promise resolves, except the body's.
 * `declaredBytes`: the Content-Length, when the request has one.
 */
export function readBody(
  req: Readable,
  gzip: boolean,
  limits: BodyLimits,
  budget: ByteBudget,
  declaredBytes = Number.NaN,
): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let sent = 0;
    // A body declared (Content-Length) over the limit is refused from its first byte: nothing of
    // it is kept or inflated.
    let refused: 'too-large' | 'decompressed-too-large' | 'busy' | undefined =
      declaredBytes > limits.maxBodyBytes ? 'too-large' : undefined;
    let ended = false;
    let settled = false;
    const inflate = gzip && refused === undefined ? zlib.createGunzip() : undefined;

    const finish = (read: BodyRead) => {
      if (settled) return;
      settled = true;
      if (read.kind !== 'body') budget.give(kept);
      resolve(read);
    };
    /** Stops keeping the body: what was kept is given back; the rest is read and dropped. */
    const refuse = (why: 'too-large' | 'decompressed-too-large' | 'busy') => {
      refused ??= why;
      chunks.length = 0;
      budget.give(kept);
      kept = 0;
      if (inflate !== undefined) {
        req.unpipe(inflate);
        inflate.destroy();
        req.resume();
      }
      // A small gzip body may have arrived whole before its inflated bytes went past a limit.
      if (ended) finish({ kind: refused, cut: false });
    };
    const keep = (chunk: Buffer) => {
      if (refused !== undefined) return;
      if (gzip && kept + chunk.length > limits.maxDecompressedBytes) return refuse('decompressed-too-large');
      if (!budget.take(chunk.length)) return refuse('busy');
      kept += chunk.length;
      chunks.push(chunk);
    };

    req.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (sent > DISCARD_FACTOR * limits.maxBodyBytes) {
        req.pause();
        if (inflate !== undefined) req.unpipe(inflate);
        finish({ kind: refused ?? 'too-large', cut: true });
        return;
      }
      if (sent > limits.maxBodyBytes) refuse('too-large');
      else if (inflate === undefined) keep(chunk);
    });
    req.on('error', () => finish({ kind: 'aborted' }));
    req.on('aborted', () => finish({ kind: 'aborted' }));
    // Once refused, the answer waits for the end of what the sender sends; a gzip body's own end
    // is its inflated stream's.
    req.on('end', () => {
      ended = true;
      if (refused !== undefined) finish({ kind: refused, cut: false });
      else if (inflate === undefined) finish({ kind: 'body', body: Buffer.concat(chunks, kept) });
    });
    if (inflate === undefined) return;
    inflate.on('data', keep);
    inflate.on('error', (err) => {
      if (refused === undefined) finish({ kind: 'bad-gzip', message: err.message });
    });
    inflate.on('end', () => {
      if (refused === undefined) finish({ kind: 'body', body: Buffer.concat(chunks, kept) });
    });
    req.pipe(inflate);
  });
}
