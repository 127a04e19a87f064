import * as path from 'node:path';
import type { BenchmarkResult, BenchRunProblem, LoadedBenchFile } from '@transcriber/benchmarks';
import type { CommandContext, CommandModule, ExitStatus } from '../program/commandSpec';
import { ProgressBar } from '../output/progressBar';
import { benchmarkRows, printBenchmarkRun } from '../printers/benchmarkPrinter';
import { EXIT_FAILURE, EXIT_REGRESSION } from '../errors';
import type { BenchmarkRow, BenchmarkRunView } from '../results/benchmarkRun';

export interface BenchmarkCommandOptions {
  component?: string;
  iterations?: number;
  /** Smallest median change, %, reported as a regression or improvement. */
  minEffect: number;
  failOnRegression?: boolean;
  outputFile?: string;
  format?: 'json' | 'csv' | 'text';
  force?: boolean;
}

/**
 * Finds the bench files named by `benchmarkFiles`, runs them (a progress bar on a terminal's
 * stderr while they run), stores each result with its verdict against history, and returns what
 * happened; the exit status is derived from the returned data (see benchmarkExitStatus).
 */
export async function runBenchmarks(options: BenchmarkCommandOptions & CommandContext): Promise<BenchmarkRunView> {
  const { benchmarkSuiteOptions, loadConfig } = await import('@transcriber/node/config');
  const loaded = loadConfig({ cwd: options.cwd });
  const config = { ...loaded.config, dataDir: options.dataDir };
  const { BenchmarkSuite, currentEnvironment, findBenchFiles, runBenchFiles } = await import('@transcriber/benchmarks');
  const files = findBenchFiles(config.benchmarkFiles, options.cwd);
  const { environment, key } = currentEnvironment();
  const view: BenchmarkRunView = {
    cwd: options.cwd,
    patterns: config.benchmarkFiles,
    files: files.map((f) => relative(options.cwd, f)),
    component: options.component ?? null,
    environment,
    environmentKey: key,
    results: [],
    problems: [],
    failOnRegression: options.failOnRegression === true,
  };
  if (files.length === 0) return view;

  const suite = new BenchmarkSuite(config.dataDir, {
    ...benchmarkSuiteOptions(config),
    minEffect: options.minEffect / 100,
  });
  // The app's modules that the bench files load are instrumented as the preload would (the
  // config file's `instrument` map), so a pipeline benchmark sees the app's own operations.
  const configProblems: BenchRunProblem[] = [];
  const instrumentMap =
    loaded.sections.instrument === undefined
      ? undefined
      : (await import('@transcriber/node')).applyInstrumentMap(loaded.sections.instrument, options.cwd, (message) =>
          configProblems.push({ file: loaded.configFile ?? 'transcriber.config.json', kind: 'options', message }),
        );
  let telemetry: { shutdown(): Promise<void> } | undefined;
  // Pipeline benchmarks report each component's share from the spans of the run: they need an SDK
  // writing spans to the data dir, started only when such a benchmark is about to run. Its
  // telemetry is the benchmark's, not the app's (whatever OTEL_SERVICE_NAME says): recorded under
  // BENCHMARK_SERVICE_NAME, which views leave out unless asked for.
  const beforeFile = async (file: LoadedBenchFile) => {
    if (file.component !== 'pipeline' || telemetry !== undefined) return;
    const { startTelemetry } = await import('@transcriber/node');
    const { BENCHMARK_SERVICE_NAME } = await import('@transcriber/instrumentation/names');
    telemetry = startTelemetry(config, { resourceAttributes: { 'service.name': BENCHMARK_SERVICE_NAME } });
  };
  const bar = ProgressBar.on(process.stderr);
  let current = '';
  try {
    const report = await runBenchFiles({
      suite,
      files,
      component: options.component,
      iterations: options.iterations,
      beforeFile,
      listener: {
        benchmarkStart: (_file, name, component) => {
          current = `${component} / ${name}`;
          bar?.draw(current, 0, 1, 'starting');
        },
        progress: (p) => bar?.draw(current, p.done, p.total, `${p.phase} ${p.done}/${p.total}`),
        benchmarkEnd: () => bar?.clear(),
        problem: () => bar?.clear(),
      },
    });
    view.results = report.results.map(({ file, result }) => toRow(relative(options.cwd, file), result));
    view.problems = [...configProblems, ...report.problems].map((p) => ({ ...p, file: relative(options.cwd, p.file) }));
  } finally {
    instrumentMap?.unhook();
    bar?.clear();
    await telemetry?.shutdown();
    await suite.shutdown();
  }
  return view;
}

function toRow(file: string, result: BenchmarkResult): BenchmarkRow {
  const { samples, environment: _environment, environmentKey: _key, ...rest } = result;
  return { file, ...rest, sampleCount: samples.length } as BenchmarkRow;
}

function relative(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}

/** The run's exit status: a policy on its data (problems, regressions with --fail-on-regression). */
export function benchmarkExitStatus(view: BenchmarkRunView): ExitStatus | undefined {
  if (view.files.length === 0) return { code: EXIT_FAILURE, message: 'no bench files found' };
  const failed = view.problems.length + view.results.filter((r) => r.state !== 'completed').length;
  if (failed > 0) return { code: EXIT_FAILURE, message: `${failed} problem(s): see Problems above` };
  if (view.results.length === 0)
    return { code: EXIT_FAILURE, message: `no benchmark of component ${view.component} ran` };
  const regressions = view.results.filter((r) => r.state === 'completed' && r.regression.verdict === 'regression');
  if (view.failOnRegression && regressions.length > 0) {
    return {
      code: EXIT_REGRESSION,
      message: `${regressions.length} regression(s) against history: ${regressions.map((r) => `${r.component} / ${r.name}`).join(', ')}`,
    };
  }
  return undefined;
}

export const benchmarkCommand: CommandModule<BenchmarkCommandOptions, BenchmarkRunView> = {
  run: runBenchmarks,
  print: printBenchmarkRun,
  rows: benchmarkRows,
  exitStatus: benchmarkExitStatus,
};
