import type { TestInfo } from '@playwright/test';

/** Records a measured duration: as a test annotation (HTML report) and on stdout (list reporter). */
export function recordDuration(testInfo: TestInfo, what: string, ms: number): void {
  const description = `${what}: ${ms} ms`;
  testInfo.annotations.push({ type: 'measured', description });
  console.log(`  measured — ${description}`);
}
