// Senders that trickle a request must not starve the receiver (issue 18, item 3): eight connections
// sending a body at 1 byte a second made every valid export get 429 for minutes, since the time
// limit set after the server was created had no effect (Node 20 kept its 300 s default). Raw
// sockets against the real server on 127.0.0.1.
import { OtlpServer, type OtlpServerOptions } from '@transcriber/otlp-receiver';
import { countRows } from '../../../test/helpers/sqlite';
import { request, slowSender, spansJson, type SlowSender } from '../../../test/helpers/otlpHttp';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const servers: OtlpServer[] = [];
const senders: SlowSender[] = [];
afterEach(async () => {
  for (const sender of senders.splice(0)) sender.stop();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startServer(options: Partial<OtlpServerOptions> = {}) {
  const dataDir = makeTempDir('transcriber-slow-');
  const server = await OtlpServer.start({ dataDir, port: 0, ...options });
  servers.push(server);
  return { server, dataDir };
}

function slow(url: string, head: string, everyMs: number, trickle?: string): SlowSender {
  const sender = slowSender(url, head, everyMs, trickle);
  senders.push(sender);
  return sender;
}

const BODY_HEAD =
  'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{';
describe('time limits on receiving a request', () => {
  it('answers 408 and closes a connection that trickles its body past the request limit', async () => {
    const { server } = await startServer({ headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
    const { answer, elapsedMs } = await slow(server.url, BODY_HEAD, 100).closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // Checked every quarter of the headers limit: within 250 ms of the 2 s (plus a loaded machine).
    expect(elapsedMs).toBeGreaterThanOrEqual(1900);
    expect(elapsedMs).toBeLessThan(6000);
  });

  it('answers 408 and closes a connection that trickles its headers past the headers limit', async () => {
    const { server } = await startServer({ headersTimeoutMs: 1000, requestTimeoutMs: 5000 });
    const { answer, elapsedMs } = await slow(server.url, 'POST /v1/traces HTTP/1.1\r\n', 100, 'X: y\r\n').closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
    expect(elapsedMs).toBeLessThan(4500);
  });

  it('closes a connection that sends nothing', async () => {
    const { server } = await startServer({ headersTimeoutMs: 1000, requestTimeoutMs: 5000 });
    const { answer, elapsedMs } = await slow(server.url, '', 0, '').closed;
    expect(answer).toBe('');
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
    expect(elapsedMs).toBeLessThan(4500);
  });

  it('serves valid exports while 50 connections trickle bodies', async () => {
    // The default limits: the slow senders stay open for the whole test.
    const { server, dataDir } = await startServer();
    const trickling = Array.from({ length: 50 }, () => slow(server.url, BODY_HEAD, 200));
    let closedEarly = 0;
    for (const sender of trickling) void sender.closed.then(() => closedEarly++);
    // Let every slow connection get its headers in and start its body.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const answer = await request(server.url, '/v1/traces', {
        headers: { 'Content-Type': 'application/json' },
        body: spansJson(10),
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual(Array(20).fill(200));
    expect(closedEarly).toBe(0);
    for (const sender of trickling) sender.stop();
    await server.close();
    expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(200);
  });
});
