'use strict';
// Generates protobufjs static code, and its types, from the vendored opentelemetry-proto files
// (vendor/opentelemetry-proto) into generated/otlp.js and generated/otlp.d.ts: the independent
// encoder and decoder the conformance tests and bench/otlp-decoder.bench.js hold our own decoder
// to. Run by `npm run build`; skipped when the output is newer than every proto file and this script.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const packageDir = path.join(__dirname, '..');
const protoDir = path.join(packageDir, 'vendor', 'opentelemetry-proto');
const outDir = path.join(packageDir, 'generated');
const js = path.join(outDir, 'otlp.js');
const dts = path.join(outDir, 'otlp.d.ts');
const PROTOS = [
  'common/v1/common.proto',
  'resource/v1/resource.proto',
  'trace/v1/trace.proto',
  'metrics/v1/metrics.proto',
  'logs/v1/logs.proto',
  'collector/trace/v1/trace_service.proto',
  'collector/metrics/v1/metrics_service.proto',
  'collector/logs/v1/logs_service.proto',
].map((file) => path.join(protoDir, 'opentelemetry', 'proto', file));

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const newestInput = Math.max(mtime(path.join(__dirname, 'generateProtobufjs.js')), ...PROTOS.map(mtime));
if (Math.min(mtime(js), mtime(dts)) > newestInput) process.exit(0);

const cli = path.dirname(require.resolve('protobufjs-cli/package.json'));
fs.mkdirSync(outDir, { recursive: true });
// static-module: one class per message with generated encode/decode (no reflection at run time);
// 64-bit integers as Long (exact, as the nanosecond time stamps need).
execFileSync(
  process.execPath,
  [
    path.join(cli, 'bin', 'pbjs'),
    '--target',
    'static-module',
    '--wrap',
    'commonjs',
    '--path',
    protoDir,
    '--no-delimited',
    '--no-verify',
    '--out',
    js,
    ...PROTOS,
  ],
  { stdio: 'inherit' },
);
execFileSync(process.execPath, [path.join(cli, 'bin', 'pbts'), '--out', dts, js], { stdio: 'inherit' });
console.log(
  `${path.relative(process.cwd(), js)}: ${Math.round(fs.statSync(js).size / 1024)} KiB, from opentelemetry-proto`,
);
