import type { Missing } from '../../shared/apiTypes';
import { h } from '../dom';
import { clock } from '../format';

/** The note a page shows when its database is not there yet (the app has not written it). */
export function missingNote(data: Missing): HTMLElement | null {
  return data.missing === undefined
    ? null
    : h(
        'p',
        { class: 'note waiting', 'data-missing': '' },
        `${data.missing}. This page fills in as soon as data arrives.`,
      );
}

/** "last 60 min" or the window's times. */
export function windowText(window: { sinceUs: number; untilUs: number }, minutes?: number): string {
  return minutes !== undefined ? `last ${minutesText(minutes)}` : `${clock(window.sinceUs)} – ${clock(window.untilUs)}`;
}

export function minutesText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

export function serviceText(service: string | null | undefined): string {
  return service === null || service === undefined ? 'all services but benchmark runs' : `service ${service}`;
}
