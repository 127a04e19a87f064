import type { ProfileReport } from '../results/profile';
import { bytes, count, ms, percent } from '../output/format';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';

const HOT_SPOTS_SHOWN = 15;

/** The text report of `transcriber profile`: CPU per component, hot spots, leaks, files. */
export function printProfile(report: ProfileReport, style: Style): string {
  const target = report.command === undefined ? `pid ${report.pid}` : `${report.command.join(' ')} (pid ${report.pid})`;
  const scope = report.component === undefined ? '' : ` · component ${report.component}`;
  const early = report.endedEarly ? style.yellow(' · the program ended before the duration was over') : '';
  const blocks = [
    style.bold(`Profile of ${target}${scope}`) +
      `\n${(report.durationMs / 1000).toFixed(1)} s · ${count(report.sampleCount)} samples · ${ms(report.cpuMs)} ms CPU${early}`,
    componentSection(report, style),
    hotSpotSection(report, style),
  ];
  if (report.memory !== undefined) blocks.push(memorySection(report, style));
  blocks.push(filesSection(report, style));
  return blocks.join('\n\n');
}

function componentSection(report: ProfileReport, style: Style): string {
  const title = style.bold('CPU by component');
  if (report.components.length === 0) {
    return `${title}\n${style.dim('no component operation ran while profiling (is the app instrumented and busy?)')}`;
  }
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
      cpuMs: NaN,
      samples: NaN,
      top: undefined,
    },
  ];
  const table = formatTable(
    [
      { header: 'component', value: (r) => r.component },
      { header: 'share', align: 'right', value: (r) => percent(r.share) },
      { header: 'cpu ms', align: 'right', value: (r) => ms(r.cpuMs) },
      { header: 'samples', align: 'right', value: (r) => (Number.isNaN(r.samples) ? '-' : count(r.samples)) },
      { header: 'hottest function', value: (r) => (r.top === undefined ? '' : `${r.top.function} ${location(r.top)}`) },
    ],
    rows,
    style,
  );
  return `${title}\n${table}`;
}

function hotSpotSection(report: ProfileReport, style: Style): string {
  const title = style.bold(report.component === undefined ? 'Hot spots' : `Hot spots of ${report.component}`);
  if (report.topFunctions.length === 0) return `${title}\n${style.dim('no samples')}`;
  const table = formatTable(
    [
      { header: 'function', value: (f) => f.function },
      { header: 'location', value: (f) => location(f) },
      { header: 'self ms', align: 'right', value: (f) => ms(f.selfMs) },
      { header: 'total ms', align: 'right', value: (f) => ms(f.totalMs) },
      { header: 'share', align: 'right', value: (f) => percent(f.share) },
    ],
    report.topFunctions.slice(0, HOT_SPOTS_SHOWN),
    style,
  );
  return `${title}\n${table}`;
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
