/**
 * Whether a frame belongs to the instrumentation rather than the app: our own packages, the
 * OpenTelemetry packages and the module hooks they load. Judged by the frame's script: under one
 * of the directories the profiled process reported (SampleAttribution.instrumentationDirs), or
 * under an installed package of those names.
 */
const PACKAGE_PATTERNS: readonly RegExp[] = [
  /[\\/]node_modules[\\/]@transcriber[\\/]/,
  /[\\/]node_modules[\\/]@opentelemetry[\\/]/,
  /[\\/]node_modules[\\/](require-in-the-middle|import-in-the-middle|shimmer|module-details-from-path)[\\/]/,
  /[\\/]preload\.bundle\.js$/,
];

export function isInstrumentationScript(url: string, instrumentationDirs: readonly string[] = []): boolean {
  if (url === '') return false;
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  for (const dir of instrumentationDirs) {
    if (dir !== '' && (file.startsWith(dir.endsWith('/') ? dir : `${dir}/`) || file === dir)) return true;
  }
  return PACKAGE_PATTERNS.some((pattern) => pattern.test(file));
}
