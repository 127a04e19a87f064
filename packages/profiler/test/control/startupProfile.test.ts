import { parseProfileOnStart, PROFILE_ON_START_ENV, startProfilerControlServer } from '@transcriber/profiler';
import { collectStartupProfile, requestProcessProfile } from '../../src/client';
import { countPrimes } from '../helpers/workloads';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { profileRows } from '../helpers/profileRows';

afterAll(removeTempDirs);

describe('control channel: the start-up profile', () => {
  it('records from the moment the channel starts, and answers with it once complete', async () => {
    const socketDir = makeTempDir();
    const dataDir = makeTempDir();
    const server = startProfilerControlServer({ dataDir, socketDir, startupProfile: { durationMs: 400 } });
    try {
      // Work done before anyone asks (and before the socket listens) is in the profile.
      countPrimes(300_000);
      expect(await server.ready).toBe(true);
      const results = await collectStartupProfile(process.pid, { durationMs: 400 }, { socketDir });
      expect(results.endedEarly).toBe(false);
      expect(results.topFunctions.find((f) => f.file !== '')?.function).toBe('countPrimes');
      // Stored before the answer, as a profile by request is.
      expect(profileRows(dataDir).map((r) => r.kind)).toEqual(['process']);
      // The profiler is free again for requests.
      await expect(requestProcessProfile(process.pid, { durationMs: 50 }, { socketDir })).resolves.toMatchObject({
        endedEarly: false,
      });
    } finally {
      await server.close();
      await server.profiler.shutdown();
    }
  });

  it('is refused by a process that was not started with one', async () => {
    const socketDir = makeTempDir();
    const server = startProfilerControlServer({ dataDir: makeTempDir(), socketDir });
    try {
      await server.ready;
      await expect(collectStartupProfile(process.pid, { durationMs: 100 }, { socketDir })).rejects.toThrow(
        `process ${process.pid}: this process was not started with a profile`,
      );
    } finally {
      await server.close();
    }
  });
});

describe('parseProfileOnStart', () => {
  it('reads a profile request', () => {
    expect(parseProfileOnStart('{"durationMs":1500,"component":"stt","memory":true}')).toEqual({
      durationMs: 1500,
      component: 'stt',
      memory: true,
    });
    expect(parseProfileOnStart('{"durationMs":10,"command":"ping"}')).toEqual({ durationMs: 10 });
  });

  it.each([
    ['soon', `${PROFILE_ON_START_ENV} is not valid JSON`],
    ['null', `${PROFILE_ON_START_ENV}: request must be a JSON object`],
    ['{"durationMs":-1}', `${PROFILE_ON_START_ENV}: durationMs must be a positive number`],
    ['{"durationMs":10,"memory":"yes"}', `${PROFILE_ON_START_ENV}: memory must be true or false`],
  ])('refuses %s', (text, message) => {
    expect(() => parseProfileOnStart(text)).toThrow(message);
  });
});
