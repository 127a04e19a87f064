const MAX_REASONS = 5;

/**
 * Items of a request that are well-formed OTLP but cannot be stored, counted by reason. They go back
 * to the sender as the response's partial success: the count, and a message listing the reasons.
 */
export class Rejections {
  private total = 0;
  private readonly byReason = new Map<string, number>();

  get count(): number {
    return this.total;
  }

  add(reason: string, count = 1): void {
    if (count <= 0) return;
    this.total += count;
    // A hostile request could make every item's reason unique; only the first few are kept.
    if (this.byReason.has(reason) || this.byReason.size < MAX_REASONS) {
      this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + count);
    }
  }

  /** e.g. `2 spans rejected: trace_id is not 16 bytes (1); end time before start time (1)`. */
  message(items: string): string {
    if (this.total === 0) return '';
    const reasons = [...this.byReason].map(([reason, n]) => `${reason} (${n})`).join('; ');
    return `${this.total} ${items} rejected: ${reasons}`;
  }
}
