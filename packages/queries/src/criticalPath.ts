/** A stretch of a trace's critical path: the time `spanId` itself was what the trace waited on. */
export interface CriticalSegment {
  spanId: string;
  startUs: number;
  endUs: number;
}

interface PathSpan {
  spanId: string;
  parentSpanId: string | null;
  startUs: number;
  endUs: number;
}

/**
 * The critical path of a trace, as Jaeger draws it: from the end of a root span back to its start,
 * the time goes to the child that finished last before the point reached (recursively, within the
 * part of it before that point), and to the span itself where no child was running. Children that
 * outlive their parent count up to the parent's end only. Segments come out in time order; they
 * never overlap, and each root's add up to its duration. A trace with several roots (a parent that
 * was not recorded) gets the path of each root, in start order.
 */
export function criticalPath(spans: readonly PathSpan[]): CriticalSegment[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, PathSpan[]>();
  const roots: PathSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId === null || !ids.has(span.parentSpanId)) roots.push(span);
    else {
      const list = children.get(span.parentSpanId) ?? [];
      list.push(span);
      children.set(span.parentSpanId, list);
    }
  }
  const segments: CriticalSegment[] = [];
  const visiting = new Set<string>();
  const walk = (span: PathSpan, fromUs: number, toUs: number) => {
    if (visiting.has(span.spanId)) return; // a cycle in bad data
    visiting.add(span.spanId);
    // Latest-ending children first; each takes the time from its end (clipped) back to its start.
    const kids = [...(children.get(span.spanId) ?? [])].sort((a, b) => b.endUs - a.endUs);
    const own: CriticalSegment[] = [];
    let cursor = toUs;
    for (const child of kids) {
      if (cursor <= fromUs) break;
      const childEnd = Math.min(child.endUs, cursor);
      const childStart = Math.max(child.startUs, fromUs);
      if (childEnd <= childStart || child.startUs >= cursor) continue;
      if (childEnd < cursor) own.push({ spanId: span.spanId, startUs: childEnd, endUs: cursor });
      walk(child, childStart, childEnd);
      cursor = childStart;
    }
    if (cursor > fromUs) own.push({ spanId: span.spanId, startUs: fromUs, endUs: cursor });
    segments.push(...own);
    visiting.delete(span.spanId);
  };
  for (const root of [...roots].sort((a, b) => a.startUs - b.startUs)) walk(root, root.startUs, root.endUs);
  return segments.sort((a, b) => a.startUs - b.startUs || a.endUs - b.endUs);
}
