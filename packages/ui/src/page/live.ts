/**
 * New data without a reload: the server's change events (`/api/events`) ask the open page to fetch
 * again, at most once a `minIntervalMs`, never while it is still fetching.
 */
export class LiveUpdates {
  private source: EventSource | undefined;
  private last = 0;
  private pending: number | undefined;

  constructor(
    private readonly onChange: (databases: string[]) => void,
    private readonly minIntervalMs = 2000,
  ) {}

  start(): void {
    if (this.source !== undefined) return;
    this.source = new EventSource('/api/events');
    this.source.addEventListener('change', (event) => {
      let databases: string[] = [];
      try {
        databases = (JSON.parse((event as MessageEvent<string>).data) as { databases: string[] }).databases;
      } catch {
        // an event we cannot read still means something changed
      }
      this.schedule(databases);
    });
    this.source.addEventListener('open', () => document.body.classList.add('live'));
    this.source.addEventListener('error', () => document.body.classList.remove('live'));
  }

  stop(): void {
    this.source?.close();
    this.source = undefined;
    window.clearTimeout(this.pending);
  }

  private schedule(databases: string[]): void {
    const wait = Math.max(0, this.last + this.minIntervalMs - Date.now());
    window.clearTimeout(this.pending);
    this.pending = window.setTimeout(() => {
      this.last = Date.now();
      this.onChange(databases);
    }, wait);
  }
}
