import type { TestInfo } from '@playwright/test';

/** Records which of the allowed outcomes a test observed: as an annotation (HTML report) and on stdout. */
export function recordOutcome(testInfo: TestInfo, description: string): void {
  testInfo.annotations.push({ type: 'outcome', description });
  console.log(`  outcome — ${description}`);
}
