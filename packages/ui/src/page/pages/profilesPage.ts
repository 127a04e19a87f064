import type { ProfilesResponse } from '../../shared/apiTypes';
import { getJson } from '../api';
import { h, replace } from '../dom';
import { clock, ms, num } from '../format';
import { hashOf } from '../router';
import { missingNote, serviceText, windowText } from './common';
import type { PageFactory } from './page';

/** Profiles: every stored CPU (and memory) profile of the window; a click opens its flame graph. */
export const profilesPage: PageFactory = (root, { filters, navigate }) => ({
  databases: ['profile_results'],
  async load() {
    // Profiles are rare: the list looks back a day at least.
    const minutes = Math.max(filters.minutes, 24 * 60);
    const data = await getJson<ProfilesResponse>('/api/profiles', { minutes, service: filters.service });
    const rows = data.profiles.map((p) => {
      const row = h(
        'tr',
        { class: 'profile-row', 'data-profile': String(p.id), tabindex: 0 },
        h('td', {}, h('a', { href: hashOf('profile', String(p.id)) }, `#${p.id}`)),
        h('td', {}, clock(p.startUs)),
        h('td', {}, p.kind ?? '–'),
        h(
          'td',
          {},
          `${p.component ?? '–'}${p.operation === null || p.operation === 'process' ? '' : ` / ${p.operation}`}`,
        ),
        h('td', { class: 'num' }, ms(p.durationMs)),
        h('td', { class: 'num' }, ms(p.cpuMs)),
        h('td', { class: 'num' }, num(p.sampleCount, 0)),
        h('td', {}, p.leakSuspected ? h('span', { class: 'badge high' }, 'leak suspected') : ''),
        h('td', {}, p.hasCpuProfile ? 'flame graph' : ''),
        h('td', {}, p.serviceName ?? '–'),
      );
      row.addEventListener('click', (e) => {
        if (!(e.target instanceof HTMLAnchorElement)) navigate(hashOf('profile', String(p.id)));
      });
      return row;
    });
    replace(
      root,
      h('h2', {}, 'Profiles ', h('small', {}, `${windowText(data.window, minutes)} · ${serviceText(data.service)}`)),
      missingNote(data) ?? '',
      data.profiles.length === 0
        ? h(
            'p',
            { class: 'note', 'data-empty': '' },
            'No profiles in this window: `transcriber profile --pid <pid>` records one.',
          )
        : h(
            'table',
            { class: 'grid profiles' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...[
                  'id',
                  'started',
                  'kind',
                  'component / operation',
                  'duration',
                  'CPU',
                  'samples',
                  'memory',
                  'file',
                  'service',
                ].map((t, i) => h('th', { class: i >= 4 && i <= 6 ? 'num' : undefined }, t)),
              ),
            ),
            h('tbody', {}, ...rows),
          ),
    );
  },
});
