import { makeStyle } from '../../src/output/style';
import { printUi, uiRows } from '../../src/printers/uiPrinter';
import type { UiSummary } from '../../src/results/uiSummary';

const summary: UiSummary = {
  url: 'http://127.0.0.1:7777/',
  dataDir: '/home/user/.transcriber',
  stoppedBy: 'SIGINT',
  requests: 42,
};

describe('printUi', () => {
  it('says where the view was served, from which data, how many requests it answered and what stopped it', () => {
    expect(printUi(summary, makeStyle(false))).toBe(
      'transcriber ui served http://127.0.0.1:7777/ (/home/user/.transcriber): 42 request(s); stopped by SIGINT',
    );
  });
});

describe('uiRows', () => {
  it('gives the summary as one CSV row', () => {
    expect(uiRows(summary)).toEqual([
      { url: 'http://127.0.0.1:7777/', dataDir: '/home/user/.transcriber', requests: 42, stoppedBy: 'SIGINT' },
    ]);
  });
});
