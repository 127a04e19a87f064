import { COMPONENT_TYPES } from '@transcriber/instrumentation/componentType';
import { badRequest } from './httpError';

/** A window of time, µs since the epoch. */
export interface Window {
  sinceUs: number;
  untilUs: number;
}

const MAX_TEXT = 200;
/** Far enough back for any retention (30 days by default), far enough ahead for a skewed clock. */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2200, 0, 1);

/**
 * The query string of an API request, read and checked: each getter returns the value or throws a
 * 400 naming the parameter and what it got. Parameters an endpoint does not know are refused too
 * (a typo must not silently mean "no filter").
 */
export class Params {
  private readonly query: URLSearchParams;

  constructor(query: URLSearchParams, known: readonly string[]) {
    this.query = query;
    for (const name of new Set(query.keys())) {
      if (!known.includes(name)) {
        throw badRequest(
          `unknown parameter ${JSON.stringify(name)}; this endpoint takes ${known.length === 0 ? 'none' : known.join(', ')}`,
        );
      }
    }
  }

  /** A text parameter (one value, 1–200 characters without control characters), or undefined. */
  text(name: string): string | undefined {
    const values = this.query.getAll(name);
    if (values.length === 0) return undefined;
    if (values.length > 1) throw badRequest(`parameter ${name} is given ${values.length} times`);
    const value = values[0];
    // eslint-disable-next-line no-control-regex
    if (value === '' || value.length > MAX_TEXT || /[\u0000-\u001f\u007f]/.test(value)) {
      throw badRequest(`parameter ${name} must be 1-${MAX_TEXT} printable characters, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  number(name: string, check: { min: number; max: number; integer?: boolean }): number | undefined {
    const raw = this.text(name);
    if (raw === undefined) return undefined;
    const value = raw.trim() === '' ? NaN : Number(raw);
    const kind = check.integer === true ? 'a whole number' : 'a number';
    if (!Number.isFinite(value) || (check.integer === true && !Number.isInteger(value))) {
      throw badRequest(`parameter ${name} must be ${kind}, got ${JSON.stringify(raw)}`);
    }
    if (value < check.min || value > check.max) {
      throw badRequest(
        `parameter ${name} must be ${kind} from ${check.min} to ${check.max}, got ${JSON.stringify(raw)}`,
      );
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.text(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw badRequest(`parameter ${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw as T;
  }

  /** `component`: a component type (plus `extra` words an endpoint accepts). */
  component(extra: readonly string[] = []): string | undefined {
    const raw = this.text('component');
    if (raw === undefined) return undefined;
    const valid = [...COMPONENT_TYPES, ...extra];
    if (!valid.includes(raw)) {
      throw badRequest(`parameter component must be one of ${valid.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw;
  }

  /** `service`: one service's telemetry; absent, every service but benchmark runs' (the queries' rule). */
  service(name = 'service'): string | undefined {
    return this.text(name);
  }

  /**
   * The window: `from` and `to` (ms since the epoch; `to` defaults to now), or the last `minutes`
   * (default `defaultMinutes`), up to now. Prefixed names (`aFrom`, `aTo`, `aMinutes`) for the
   * sides of a comparison.
   */
  window(defaultMinutes: number, prefix = '', nowMs = Date.now()): Window {
    const key = (name: string) => (prefix === '' ? name : `${prefix}${name[0].toUpperCase()}${name.slice(1)}`);
    const from = this.number(key('from'), { min: EARLIEST_MS, max: LATEST_MS });
    const to = this.number(key('to'), { min: EARLIEST_MS, max: LATEST_MS });
    const minutes = this.number(key('minutes'), { min: 1 / 60, max: 60 * 24 * 366 });
    if (minutes !== undefined && (from !== undefined || to !== undefined)) {
      throw badRequest(`give ${key('minutes')} or ${key('from')}/${key('to')}, not both`);
    }
    if (from === undefined) {
      if (to !== undefined) throw badRequest(`parameter ${key('to')} needs ${key('from')}`);
      const untilUs = nowMs * 1000 + 1;
      return { sinceUs: Math.round(untilUs - (minutes ?? defaultMinutes) * 60_000_000), untilUs };
    }
    const untilMs = to ?? nowMs;
    if (!(untilMs > from)) throw badRequest(`parameter ${key('to')} must be after ${key('from')}`);
    return { sinceUs: Math.round(from * 1000), untilUs: Math.round(untilMs * 1000) };
  }
}
