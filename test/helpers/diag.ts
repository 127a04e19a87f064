import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

/** What the code under test reported through the OTel diagnostic logger. */
export interface CapturedDiag {
  readonly warnings: string[];
  readonly errors: string[];
  /** Unregisters the logger. */
  restore(): void;
}

/** Registers a diagnostic logger at WARN level (what users see by default) that records messages. */
export function captureDiag(): CapturedDiag {
  const warnings: string[] = [];
  const errors: string[] = [];
  const text = (message: string, args: unknown[]) => [message, ...args.map(String)].join(' ');
  const logger: DiagLogger = {
    error: (message, ...args) => errors.push(text(message, args)),
    warn: (message, ...args) => warnings.push(text(message, args)),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return { warnings, errors, restore: () => diag.disable() };
}
