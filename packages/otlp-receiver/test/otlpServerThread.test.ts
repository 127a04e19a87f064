// The OTLP server in a worker thread of its own (what `transcriber collect` runs), over real HTTP
// and HTTP/2 on 127.0.0.1: requests served and written, the statistics back at close, and a port
// that cannot be bound reported as OtlpServer.start reports it, with nothing left open.
import * as net from 'node:net';
import { OtlpServerThread } from '@transcriber/otlp-receiver/thread';
import { closeClients, exportCall } from '../../../test/helpers/otlpGrpc';
import { request, spansJson } from '../../../test/helpers/otlpHttp';
import { countRows } from '../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);
afterEach(closeClients);

it('serves OTLP/HTTP and OTLP/gRPC from its thread, writes what it accepted when flushed, and returns the statistics at close', async () => {
  const dataDir = makeTempDir('transcriber-server-thread-');
  const server = await OtlpServerThread.start({ dataDir, port: 0, grpcPort: 0 });
  expect(server.url).toBe(`http://127.0.0.1:${server.address.port}`);
  const answer = await request(server.url, '/v1/traces', {
    headers: { 'Content-Type': 'application/json' },
    body: spansJson(3),
  });
  expect(answer.status).toBe(200);
  await server.flush();
  expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(3);
  // An empty protobuf ExportTraceServiceRequest: answered OK, nothing stored.
  const call = await exportCall(server.grpcTarget!, 'traces', Buffer.alloc(0));
  expect(call.code).toBe(0);
  const stats = await server.close();
  expect(stats.spans).toEqual({ accepted: 3, rejected: 0 });
  expect(stats.requests).toEqual({ 200: 1 });
  expect(stats.grpcCalls).toEqual({ OK: 1 });
  expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(3);
  // Asked again, the same answer (the thread has ended).
  await expect(server.close()).resolves.toEqual(stats);
});

it('rejects a gRPC port in use as OtlpServer.start does (code, listener), leaving the HTTP port free', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const grpcPort = (taken.address() as net.AddressInfo).port;
  const free = net.createServer();
  await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
  const httpPort = (free.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => free.close(() => resolve()));
  try {
    const started = OtlpServerThread.start({
      dataDir: makeTempDir('transcriber-server-thread-'),
      port: httpPort,
      grpcPort,
    });
    await expect(started).rejects.toMatchObject({ code: 'EADDRINUSE', listener: 'grpc' });
    // The HTTP port it had bound is closed again.
    const again = net.createServer();
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(httpPort, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => again.close(() => resolve()));
  } finally {
    taken.close();
  }
});
