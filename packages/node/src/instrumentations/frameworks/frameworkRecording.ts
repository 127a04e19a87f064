// The recording side of the framework instrumentations (@transcriber/instrumentation/frameworks:
// derived turns, operations and figures as our spans and histograms), loaded with the first
// framework span or figure, so a process that meets no framework never loads it. Required from
// node_modules (not bundled): it shares the main entry's instruments, bound to the global providers.
type FrameworkRecording = typeof import('@transcriber/instrumentation/frameworks');
let recording: FrameworkRecording | undefined;

/** The recording side, loaded with the first framework span: a process with none never loads it. */
export function frameworkRecording(): FrameworkRecording {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use
  recording ??= require('@transcriber/instrumentation/frameworks') as FrameworkRecording;
  return recording;
}
