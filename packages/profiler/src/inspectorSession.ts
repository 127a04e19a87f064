import { Session } from 'node:inspector';

/**
 * A connection to this thread's own V8 inspector. Commands on a same-thread session are
 * dispatched synchronously (the callback runs before `post` returns), which is what lets a
 * profile start and stop exactly around synchronous code.
 */
export class InspectorSession {
  private readonly session = new Session();
  private connected = false;

  connect(): void {
    if (this.connected) return;
    this.session.connect();
    this.connected = true;
  }

  /** Sends one command and returns its result. */
  post<T = unknown>(method: string, params?: object): T {
    this.connect();
    let done = false;
    let failure: Error | null = null;
    let result: unknown;
    this.session.post(method, params ?? {}, (err: Error | null, value?: unknown) => {
      done = true;
      failure = err;
      result = value;
    });
    if (!done) throw new Error(`inspector command ${method} did not complete synchronously`);
    if (failure !== null) throw failure;
    return result as T;
  }

  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.session.disconnect();
  }
}
