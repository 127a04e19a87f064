/** 16-bit PCM, one channel: what the VAD, the recognizer and the speaker work with. */
export interface PcmFormat {
  sampleRate: number;
}

export const WAV_HEADER_BYTES = 44;

/**
 * Reads the header of a PCM WAV file (or stream) and returns its format and where the samples
 * start. Only 16-bit mono PCM is accepted; anything else gets an error saying how to convert it.
 */
export function parseWavHeader(header: Buffer): PcmFormat & { dataOffset: number } {
  if (header.length < 12 || header.toString('ascii', 0, 4) !== 'RIFF' || header.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let offset = 12;
  let format: { channels: number; sampleRate: number; bits: number; encoding: number } | undefined;
  while (offset + 8 <= header.length) {
    const id = header.toString('ascii', offset, offset + 4);
    const size = header.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      format = {
        encoding: header.readUInt16LE(offset + 8),
        channels: header.readUInt16LE(offset + 10),
        sampleRate: header.readUInt32LE(offset + 12),
        bits: header.readUInt16LE(offset + 22),
      };
    } else if (id === 'data') {
      if (format === undefined) throw new Error('WAV data before its format');
      if (format.encoding !== 1 || format.channels !== 1 || format.bits !== 16) {
        throw new Error(
          `expected 16-bit mono PCM, got ${format.bits}-bit, ${format.channels} channel(s), encoding ${format.encoding}` +
            ' (convert with: sox in.wav -r 16000 -c 1 -b 16 out.wav)',
        );
      }
      return { sampleRate: format.sampleRate, dataOffset: offset + 8 };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('WAV header incomplete (no data chunk in the first bytes)');
}

/** A 44-byte header for 16-bit mono PCM. A stream whose length is not known yet writes it with 0 bytes first and writes it again, with the real size, when the stream ends. */
export function wavHeader(format: PcmFormat, dataBytes: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(Math.min(36 + dataBytes, 0xffffffff), 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** The samples of a buffer of little-endian 16-bit PCM (copied: the buffer may be pooled). */
export function samplesOf(bytes: Buffer): Int16Array {
  const samples = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
  return samples;
}

export function bytesOf(samples: Int16Array): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}
