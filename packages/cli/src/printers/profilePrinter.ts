import type { ProfileReport } from '../results/profile';
import { bytes, count, ms, percent } from '../output/format';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';

const HOT_SPOTS_SHOWN = 15;

/**
 * The text report of `transcriber profile`: CPU per component, hot spots, leaks, files. Every
 * figure is said of what: CPU ms are the time of V8's samples of the main thread (idle left out),
 * every share is by that time, and each sample is counted once, in one row of the component table.
 */
export function printProfile(report: ProfileReport, style: Style): string {
  const target = report.command === undefined ? `pid ${report.pid}` : `${report.command.join(' ')} (pid ${report.pid})`;
  const scope = report.component === undefined ? '' : ` · component ${report.component}`;
  const early = report.endedEarly ? style.yellow(' · the program ended before the duration was over') : '';
  const lines = [
    style.bold(`Profile of ${target}${scope}`),
    `${(report.durationMs / 1000).toFixed(1)} s · ${ms(report.totalCpuMs)} ms CPU in ${count(report.totalSampleCount)} samples${early}`,
    style.dim(
      "CPU: the main thread's time in V8's samples (each counts as their mean interval), idle left out; every share below is of it",
    ),
  ];
  if (report.component !== undefined) {
    lines.push(
      `${report.component}: ${ms(report.cpuMs)} ms CPU in ${count(report.sampleCount)} samples (${percent(shareOfTotal(report, report.cpuMs))})`,
    );
  }
  const blocks = [
    lines.join('\n'),
    componentSection(report, style),
    hotSpotSection(report, style),
    overheadSection(report, style),
  ];
  if (report.memory !== undefined) blocks.push(memorySection(report, style));
  blocks.push(filesSection(report, style));
  return blocks.join('\n\n');
}

function shareOfTotal(report: ProfileReport, cpuMs: number): number {
  return report.totalCpuMs === 0 ? 0 : cpuMs / report.totalCpuMs;
}

function componentSection(report: ProfileReport, style: Style): string {
  const title = style.bold('CPU by component');
  const rows = [
    ...report.components.map((c) => ({
      component: c.component,
      share: c.share,
      cpuMs: c.cpuMs,
      samples: c.sampleCount,
      top: c.topFunctions.find((f) => f.file !== '') ?? c.topFunctions[0],
    })),
    {
      component: style.dim('(no operation)'),
      share: report.unattributedShare,
      cpuMs: report.unattributedCpuMs,
      samples: report.unattributedSampleCount,
      top: undefined,
    },
    {
      component: style.dim('(instrumentation)'),
      share: report.instrumentation.share,
      cpuMs: report.instrumentation.cpuMs,
      samples: report.instrumentation.sampleCount,
      top: undefined,
    },
  ];
  const table = formatTable(
    [
      { header: 'component', value: (r) => r.component },
      { header: 'cpu ms', align: 'right', value: (r) => ms(r.cpuMs) },
      { header: 'share', align: 'right', value: (r) => percent(r.share) },
      { header: 'samples', align: 'right', value: (r) => count(r.samples) },
      { header: 'hottest function', value: (r) => (r.top === undefined ? '' : `${r.top.function} ${location(r.top)}`) },
    ],
    rows,
    style,
  );
  const none =
    report.components.length === 0
      ? `\n${style.dim('no component operation ran while profiling (is the app instrumented and busy?)')}`
      : '';
  const legend = style.dim(
    "(no operation): the app's code outside any component operation · (instrumentation): our own code (preload, OpenTelemetry), the cost of measuring",
  );
  return `${title}\n${table}${none}\n${legend}`;
}

function hotSpotSection(report: ProfileReport, style: Style): string {
  const of = report.component === undefined ? 'the app' : report.component;
  const title = style.bold(`Hot spots of ${of}`);
  if (report.topFunctions.length === 0) return `${title}\n${style.dim('no samples')}`;
  const table = formatTable(
    [
      { header: 'function', value: (f) => f.function },
      { header: 'location', value: (f) => location(f) },
      { header: 'self ms', align: 'right', value: (f) => ms(f.selfMs) },
      { header: 'total ms', align: 'right', value: (f) => ms(f.totalMs) },
      { header: 'self share', align: 'right', value: (f) => percent(f.share) },
    ],
    report.topFunctions.slice(0, HOT_SPOTS_SHOWN),
    style,
  );
  const legend = style.dim(
    `self: in the function itself; total: with what it calls; self share: of the ${ms(report.cpuMs)} ms CPU of ${of}`,
  );
  return `${title}\n${table}\n${legend}`;
}

function overheadSection(report: ProfileReport, style: Style): string {
  const overhead = report.instrumentation;
  const title = style.bold('Instrumentation overhead');
  const head = `${ms(overhead.cpuMs)} ms CPU in ${count(overhead.sampleCount)} samples (${percent(overhead.share)}): our own code and what it called (Node's module loader for our modules, SQLite for our writes)`;
  const top = overhead.topFunctions.slice(0, 3).map((f) => `  ${f.function} ${location(f)}: ${ms(f.selfMs)} ms`);
  return [title, head, ...top].join('\n');
}

function memorySection(report: ProfileReport, style: Style): string {
  const memory = report.memory!;
  const leak = memory.leak;
  const lines = [
    style.bold('Memory'),
    `heap after GC: ${bytes(memory.heapUsedBeforeBytes)} → ${bytes(memory.heapUsedAfterBytes)} (${signed(memory.heapGrowthBytes)})`,
  ];
  if (leak.status === 'suspected') {
    lines.push(
      style.red(
        `suspected leak: the app keeps ${bytes(leak.medianGrowthBytes)} more per interval after GC, in ${leak.growingRuns} of ${leak.runs} intervals`,
      ),
    );
    for (const s of leak.suspects) lines.push(`  ${s.function}: holds ${bytes(s.bytesPerRun)} per interval`);
  } else if (leak.status === 'clean') {
    lines.push(style.green('no leak suspected: what the app allocated was not kept, interval after interval'));
  } else {
    lines.push(style.dim(`too few intervals (${leak.runs}) to judge leaks`));
  }
  const top = memory.allocationHotSpots.slice(0, 5);
  if (top.length > 0) {
    lines.push('live allocations at the end, by function:');
    for (const a of top) lines.push(`  ${bytes(a.bytes).padStart(10)}  ${percent(a.share).padStart(6)}  ${a.function}`);
  }
  return lines.join('\n');
}

function filesSection(report: ProfileReport, style: Style): string {
  const lines = [style.bold('Files')];
  if (report.cpuProfilePath !== undefined) lines.push(`cpu profile:  ${report.cpuProfilePath}`);
  if (report.heapProfilePath !== undefined) lines.push(`heap profile: ${report.heapProfilePath}`);
  if (report.outputFile !== undefined) lines.push(`report:       ${report.outputFile}`);
  if (lines.length === 1) lines.push(style.dim('none written'));
  else lines.push(style.dim('open .cpuprofile / .heapprofile in Chrome DevTools, VS Code or speedscope'));
  return lines.join('\n');
}

function location(f: { file: string; line: number }): string {
  if (f.file === '') return '';
  const short = f.file.split(/[\\/]/).slice(-2).join('/');
  return f.line > 0 ? `${short}:${f.line}` : short;
}

function signed(value: number): string {
  return value >= 0 ? `+${bytes(value)}` : bytes(value);
}
