import * as fs from 'node:fs/promises';

// Enough for the RIFF header, a `fmt ` chunk and the usual LIST/INFO chunks before `data`.
const HEADER_BYTES = 64 * 1024;

/**
 * Seconds of audio in a WAV file's bytes, from its header (`fmt ` byte rate, `data` size), or
 * undefined when it is not a WAV file. `totalBytes` is used when the header leaves the data size
 * open (streamed WAVs write 0 or 0xFFFFFFFF there).
 */
export function wavDurationSeconds(bytes: Uint8Array, totalBytes?: number): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.byteLength < 12 || text(0) !== 'RIFF' || text(8) !== 'WAVE') return undefined;
  let byteRate: number | undefined;
  for (let at = 12; at + 8 <= bytes.byteLength;) {
    const id = text(at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ' && at + 16 <= bytes.byteLength) {
      byteRate = view.getUint32(at + 16, true);
    } else if (id === 'data') {
      if (byteRate === undefined || byteRate === 0) return undefined;
      const open = size === 0 || size === 0xffffffff;
      const dataBytes = open ? (totalBytes !== undefined ? totalBytes - (at + 8) : undefined) : size;
      return dataBytes !== undefined && dataBytes > 0 ? dataBytes / byteRate : undefined;
    }
    at += 8 + size + (size % 2); // chunks are padded to an even size
  }
  return undefined;
}

/**
 * Seconds of audio in what the app uploads for transcription, when it is a WAV file given as a
 * `File`/`Blob` (e.g. from `toFile`), an `fs.ReadStream` or bytes. The upload itself is not touched:
 * a Blob is sliced, a ReadStream's file is read again through its own descriptor.
 */
export async function uploadDurationSeconds(file: unknown): Promise<number | undefined> {
  if (file instanceof Uint8Array) return wavDurationSeconds(file);
  if (file === null || typeof file !== 'object') return undefined;
  const blob = file as { slice?: unknown; arrayBuffer?: unknown; size?: unknown };
  if (typeof blob.slice === 'function' && typeof blob.arrayBuffer === 'function' && typeof blob.size === 'number') {
    const head = (blob as Blob).slice(0, HEADER_BYTES);
    return wavDurationSeconds(new Uint8Array(await head.arrayBuffer()), blob.size);
  }
  const stream = file as { path?: unknown; readable?: unknown };
  if ((typeof stream.path === 'string' || Buffer.isBuffer(stream.path)) && stream.readable !== undefined) {
    const handle = await fs.open(stream.path as string);
    try {
      const { size } = await handle.stat();
      const head = Buffer.alloc(Math.min(HEADER_BYTES, size));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return wavDurationSeconds(head.subarray(0, bytesRead), size);
    } finally {
      await handle.close();
    }
  }
  return undefined;
}
