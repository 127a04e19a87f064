import { readOtelEnvironment } from '../../src/preload/otelEnvironment';

function read(env: NodeJS.ProcessEnv) {
  const warnings: string[] = [];
  return { environment: readOtelEnvironment(env, (w) => warnings.push(w)), warnings };
}

describe('readOtelEnvironment', () => {
  it('defaults to the SQLite exporter for every signal, http/protobuf, and Prometheus on 127.0.0.1:9464', () => {
    expect(read({})).toEqual({
      environment: {
        sdkDisabled: false,
        traces: ['sqlite'],
        metrics: ['sqlite'],
        logs: ['sqlite'],
        otlpProtocol: { traces: 'http/protobuf', metrics: 'http/protobuf', logs: 'http/protobuf' },
        prometheus: { host: '127.0.0.1', port: 9464 },
      },
      warnings: [],
    });
  });

  it('reads comma lists in order, once each, case-insensitive; none means none', () => {
    const { environment, warnings } = read({
      OTEL_TRACES_EXPORTER: ' OTLP, sqlite,otlp ',
      OTEL_METRICS_EXPORTER: 'prometheus,console',
      OTEL_LOGS_EXPORTER: 'none',
    });
    expect(environment).toMatchObject({ traces: ['otlp', 'sqlite'], metrics: ['prometheus', 'console'], logs: [] });
    expect(warnings).toEqual([]);
  });

  it('warns about unknown exporters and keeps the known ones', () => {
    const { environment, warnings } = read({ OTEL_TRACES_EXPORTER: 'zipkin,otlp', OTEL_LOGS_EXPORTER: 'prometheus' });
    expect(environment.traces).toEqual(['otlp']);
    expect(environment.logs).toEqual([]);
    expect(warnings).toEqual([
      'OTEL_TRACES_EXPORTER="zipkin,otlp": ignoring zipkin (known: sqlite, otlp, console, none)',
      'OTEL_LOGS_EXPORTER="prometheus": ignoring prometheus (known: sqlite, otlp, console, none)',
    ]);
  });

  it('takes the per-signal OTLP protocol over the general one, and warns about grpc only where OTLP is used', () => {
    const { environment, warnings } = read({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
    });
    expect(environment.otlpProtocol).toEqual({ traces: 'http/protobuf', metrics: 'http/json', logs: 'http/protobuf' });
    expect(warnings).toEqual(['OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not supported here; using http/protobuf']);
  });

  it('reads the Prometheus host and port, and warns about a bad port when Prometheus is on', () => {
    expect(
      read({ OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0', OTEL_EXPORTER_PROMETHEUS_PORT: '9999' }).environment.prometheus,
    ).toEqual({
      host: '0.0.0.0',
      port: 9999,
    });
    const { environment, warnings } = read({
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_PORT: '70000',
    });
    expect(environment.prometheus.port).toBe(9464);
    expect(warnings).toEqual(['OTEL_EXPORTER_PROMETHEUS_PORT="70000" is not a port number; using 9464']);
  });

  it('is disabled only by OTEL_SDK_DISABLED=true', () => {
    expect(read({ OTEL_SDK_DISABLED: 'TRUE' }).environment.sdkDisabled).toBe(true);
    expect(read({ OTEL_SDK_DISABLED: '1' }).environment.sdkDisabled).toBe(false);
  });
});
