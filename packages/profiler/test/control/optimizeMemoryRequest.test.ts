import { startProfilerControlServer } from '@transcriber/profiler';
import { ControlChannelError, requestMemoryOptimization } from '../../src/client';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('control channel: optimize-memory', () => {
  it('runs the memory optimization the process gave and returns its result', async () => {
    const socketDir = makeTempDir();
    let calls = 0;
    const server = startProfilerControlServer({
      dataDir: makeTempDir(),
      socketDir,
      optimizeMemory: async () => {
        calls++;
        return { freedMb: 12.5, pid: process.pid };
      },
    });
    try {
      expect(await server.ready).toBe(true);
      await expect(requestMemoryOptimization(process.pid, { socketDir })).resolves.toEqual({
        freedMb: 12.5,
        pid: process.pid,
      });
      expect(calls).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('refuses when the process has no memory optimizer, and passes on its failure', async () => {
    const socketDir = makeTempDir();
    const server = startProfilerControlServer({ dataDir: makeTempDir(), socketDir });
    try {
      await server.ready;
      const refused = requestMemoryOptimization(process.pid, { socketDir });
      await expect(refused).rejects.toThrow(ControlChannelError);
      await expect(refused).rejects.toThrow(`process ${process.pid}: this process has no memory optimizer`);
    } finally {
      await server.close();
    }
    const failingDir = makeTempDir();
    const failing = startProfilerControlServer({
      dataDir: makeTempDir(),
      socketDir: failingDir,
      optimizeMemory: () => Promise.reject(new Error('gc unavailable')),
    });
    try {
      await failing.ready;
      await expect(requestMemoryOptimization(process.pid, { socketDir: failingDir })).rejects.toThrow(
        `process ${process.pid}: gc unavailable`,
      );
    } finally {
      await failing.close();
    }
  });
});
