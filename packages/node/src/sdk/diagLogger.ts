import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';

/**
 * Sends OTel diagnostics to stderr at `OTEL_LOG_LEVEL` (default `warn`): warnings about storage
 * faults or a bad configuration must reach the user, and OTel's default is to print nothing.
 */
export function installDiagLogger(): void {
  const level = (process.env.OTEL_LOG_LEVEL ?? 'warn').toUpperCase() as keyof typeof DiagLogLevel;
  diag.setLogger(new DiagConsoleLogger(), {
    logLevel: DiagLogLevel[level] ?? DiagLogLevel.WARN,
    suppressOverrideMessage: true,
  });
}
