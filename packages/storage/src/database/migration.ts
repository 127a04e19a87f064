/** One step of a database's schema history; `version` counts up from 1 without gaps. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  /** SQL run inside the migration's transaction. */
  readonly sql: string;
}
