// The main scenario's flow written in Playwright, as a speed baseline on the same machine:
// fresh browser, sign-in + Steps 1-8, a screenshot after each of the suite's 23 steps.
// cargo run --release -- serve --port 8099   (another shell), then:
// npm install --prefix bench playwright-core && node bench/playwright-flow.js http://127.0.0.1:8099
const { chromium } = require('playwright-core');
const base = process.argv[2] || 'http://127.0.0.1:8099';
const shots = require('fs').mkdtempSync(require('os').tmpdir() + '/pw-shots-');
(async () => {
  const t0 = Date.now();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--proxy-server=http://127.0.0.1:9'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const t1 = Date.now();
  let n = 0; const shot = async () => { await page.screenshot({ path: `${shots}/${++n}.png` }); };
  await page.goto(base + '/');
  await page.getByLabel('Email').fill('qa@duplocloud.test');
  await page.getByLabel('Password').fill('qa-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Open profile menu' }).waitFor(); await shot();
  await page.getByRole('link', { name: 'Access Control' }).click(); await shot();
  await page.getByRole('tab', { name: 'User Tokens' }).click(); await shot();
  await page.getByRole('table', { name: 'User Tokens' }).getByRole('row').nth(1).waitFor(); await shot();
  await page.getByRole('button', { name: 'Open profile menu' }).click(); await shot();
  await page.getByRole('menu').getByText('Administrator').first().waitFor(); await shot();
  await page.getByRole('menuitem', { name: 'Profile' }).click(); await shot();
  await page.getByText('User Info').first().waitFor(); await shot();
  await page.getByRole('button', { name: 'Create Token' }).click(); await shot();
  await page.getByRole('dialog', { name: 'Create API Token' }).waitFor(); await shot();
  const name = 'QA-Test-Token-pw-' + Date.now();
  await page.getByLabel('Token Name').fill(name); await shot();
  if (await page.getByLabel('Token Name').inputValue() !== name) throw new Error('name');
  await shot();
  const d = new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10);
  await page.getByLabel('Expiry Date').fill(d); await shot();
  if (await page.getByLabel('Expiry Date').inputValue() !== d) throw new Error('expiry');
  await shot();
  await page.getByRole('button', { name: 'Create', exact: true }).isEnabled(); await shot();
  await page.getByRole('button', { name: 'Create', exact: true }).click(); await shot();
  const token = await page.getByLabel('Token value').textContent(); if (!token.startsWith('dct_')) throw new Error('token'); await shot();
  await page.getByRole('button', { name: 'Copy' }).click(); await shot();
  await shot();
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' }); await shot();
  await page.getByRole('row').filter({ hasText: name }).getByText('Active').waitFor(); await shot();
  await page.reload(); await page.getByRole('row').filter({ hasText: name }).waitFor(); await shot();
  await page.getByRole('link', { name: 'Access Control' }).click();
  await page.getByRole('tab', { name: 'User Tokens' }).click();
  await page.getByRole('row').filter({ hasText: name }).waitFor(); await shot();
  await browser.close();
  console.log(`total ${Date.now() - t0} ms (launch+page ${t1 - t0} ms), ${n} screenshots`);
})().catch((e) => { console.error(e); process.exit(1); });
