import type { Style } from '../output/style';
import type { UiSummary } from '../results/uiSummary';

export function printUi(summary: UiSummary, style: Style): string {
  return `${style.bold('transcriber ui')} served ${summary.url} (${summary.dataDir}): ${summary.requests} request(s); stopped by ${summary.stoppedBy}`;
}

export function uiRows(summary: UiSummary) {
  return [{ url: summary.url, dataDir: summary.dataDir, requests: summary.requests, stoppedBy: summary.stoppedBy }];
}
