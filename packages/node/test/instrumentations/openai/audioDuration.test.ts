import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDirs } from '../../../../../test/helpers/tempDir';
import { uploadDurationSeconds, wavDurationSeconds } from '../../../src/instrumentations/openai/audioDuration';

afterAll(removeTempDirs);

/** A PCM WAV: `seconds` at `sampleRate` Hz, `channels`, 16-bit, with an optional LIST chunk first. */
function wav(seconds: number, sampleRate = 16000, channels = 1, list = false, openSize = false): Buffer {
  const byteRate = sampleRate * channels * 2;
  const data = Buffer.alloc(Math.round(seconds * byteRate));
  const listChunk = list
    ? Buffer.concat([Buffer.from('LIST'), Buffer.from([5, 0, 0, 0]), Buffer.from('INFOx\0')])
    : Buffer.alloc(0);
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(sampleRate, 12);
  fmt.writeUInt32LE(byteRate, 16);
  fmt.writeUInt16LE(channels * 2, 20);
  fmt.writeUInt16LE(16, 22);
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0, 'latin1');
  dataHeader.writeUInt32LE(openSize ? 0xffffffff : data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE'), fmt, listChunk, dataHeader, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('wavDurationSeconds', () => {
  it('reads the duration from the fmt byte rate and the data size, past other chunks (odd sizes padded)', () => {
    expect(wavDurationSeconds(wav(1.5))).toBe(1.5);
    expect(wavDurationSeconds(wav(0.25, 48000, 2, true))).toBe(0.25);
  });

  it('uses the total size when a streamed WAV leaves the data size open', () => {
    const bytes = wav(2, 8000, 1, false, true);
    expect(wavDurationSeconds(bytes.subarray(0, 44), bytes.length)).toBe(2);
    expect(wavDurationSeconds(bytes.subarray(0, 44))).toBeUndefined();
  });

  it('gives undefined for what is not a WAV file', () => {
    expect(wavDurationSeconds(Buffer.from('ID3\x04 an mp3'))).toBeUndefined();
    expect(wavDurationSeconds(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('uploadDurationSeconds', () => {
  it('reads a File, a read stream and bytes without consuming them', async () => {
    const bytes = wav(0.5);
    const file = new File([bytes], 'turn.wav');
    expect(await uploadDurationSeconds(file)).toBe(0.5);
    expect((await file.arrayBuffer()).byteLength).toBe(bytes.length);

    const filePath = path.join(makeTempDir('transcriber-wav-'), 'turn.wav');
    fs.writeFileSync(filePath, bytes);
    const stream = fs.createReadStream(filePath);
    expect(await uploadDurationSeconds(stream)).toBe(0.5);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);

    expect(await uploadDurationSeconds(new Uint8Array(bytes))).toBe(0.5);
    expect(await uploadDurationSeconds('not a file')).toBeUndefined();
  });
});
