/**
 * The worker thread of an `OtlpServerThread`: runs one `OtlpServer` with the options it was given,
 * tells the thread that started it when it listens (or why it cannot), passes on its notices,
 * flushes it and closes it when asked; the thread then ends once the server's last handle is closed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OtlpServer, type OtlpServerOptions } from './otlpServer';
import type { ServerThreadMessage, ServerThreadRequest } from './otlpServerThread';

const port = parentPort!;
const tell = (message: ServerThreadMessage) => port.postMessage(message);

async function serve(options: OtlpServerOptions): Promise<void> {
  let server: OtlpServer;
  try {
    server = await OtlpServer.start({ ...options, notify: (message) => tell({ kind: 'notice', message }) });
  } catch (err) {
    failed(err);
    return;
  }
  port.on('message', (request: ServerThreadRequest) => {
    if (request.kind === 'flush') {
      void server.flush().then(() => tell({ kind: 'flushed' }));
      return;
    }
    port.removeAllListeners('message');
    server.close().then((stats) => {
      tell({ kind: 'closed', stats });
      port.close();
    }, failed);
  });
  tell({ kind: 'listening', url: server.url, grpcTarget: server.grpcTarget, ...server.address });
}

/** Reports an error as the server threw it (see OtlpServerThread's `errorOf`), and lets the thread end. */
function failed(err: unknown): void {
  const { message, name, code, listener } = err as Error & { code?: string; listener?: string };
  tell({ kind: 'failed', message: String(message), name: String(name), code, listener });
  port.close();
}

void serve(workerData as OtlpServerOptions);
