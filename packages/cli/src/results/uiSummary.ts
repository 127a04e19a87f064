// The result of `transcriber ui` once it stops.

export interface UiSummary {
  /** Where the view was served, e.g. `http://127.0.0.1:7777/`. */
  url: string;
  dataDir: string;
  /** The signal that stopped it. */
  stoppedBy: string;
  /** Requests answered. */
  requests: number;
}
