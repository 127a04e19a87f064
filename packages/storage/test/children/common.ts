import { diag, DiagLogLevel } from '@opentelemetry/api';

/** Records what the code under test reports through the OTel diagnostic logger, at WARN level. */
export function captureWarnings(): string[] {
  const warnings: string[] = [];
  const record = (message: string) => warnings.push(message);
  diag.setLogger(
    { error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  return warnings;
}

/** Waits until the wall clock reaches `epochMs`, so several children start work together. */
export function sleepUntil(epochMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves with the next line the parent writes to stdin. */
export function nextStdinLine(): Promise<string> {
  return new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      process.stdin.off('data', onData);
      process.stdin.pause();
      resolve(buffered.slice(0, end));
    };
    process.stdin.on('data', onData);
  });
}

/** Runs `main`, printing its result as the last stdout line (JSON); any failure exits non-zero. */
export function runMain(main: () => Promise<unknown>): void {
  main().then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
