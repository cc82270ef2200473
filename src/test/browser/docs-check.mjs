// Usage: node docs-check.mjs http://127.0.0.1:8080
// Opens the docs page in Debian's headless Chromium, checks that the operations render, then uses
// "Try it out" on GET /health and expects the page to show a 200 answer. Exits non-zero otherwise.
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${base}/docs`);
  await page.waitForSelector('.opblock-summary-path', { timeout: 30000 });
  const operations = await page.locator('.opblock').count();
  if (operations < 20) {
    throw new Error(`the docs page shows ${operations} operations`);
  }
  const health = page.locator('#operations-Health-getHealth');
  await health.locator('.opblock-summary').click();
  await health.locator('button.try-out__btn').click();
  await health.locator('button.execute').click();
  const status = health.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor({ timeout: 15000 });
  const code = (await status.innerText()).trim();
  if (code !== '200') {
    throw new Error(`"Try it out" on GET /health answered ${code}`);
  }
  console.log(`docs page: ${operations} operations rendered; Try it out on GET /health answered ${code}`);
} finally {
  await browser.close();
}
