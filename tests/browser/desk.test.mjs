// The stewards' desk in headless Chromium, against a running demo portal:
//   CIVIC_URL=http://127.0.0.1:8090 CIVIC_DEMO_LOG=/path/to/demo.log node --test
// A resident reports personal data in a dataset; the demo's Police steward
// signs in with the password the demo printed, is made to choose their own,
// finds the report on their desk and hides the row at once; the row is gone
// from the API, and the resident reads the answer by their link.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launchChromium, signInFirstTime } from './demo.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function count(context) {
  const reply = await context.request.get(`${BASE}/resource/nypd-hate.json?$select=count(*)`);
  assert.equal(reply.status(), 200);
  return (await reply.json())[0].count;
}

test('a takedown request reaches the steward, who hides the row at once', async () => {
  const resident = await browser.newContext();
  const page = await resident.newPage();
  const before = await count(resident);
  await page.goto(`${BASE}/d/nypd-hate`);
  await page.getByRole('link', { name: /Report a problem/ }).click();
  await page.waitForURL(/\/d\/nypd-hate\/report$/);
  await page.getByLabel(/should not be public/).check();
  await page.getByLabel('What is wrong?').fill('Row 3 names a victim.');
  await page.getByLabel(/Which rows/).fill('3');
  await page.getByRole('button', { name: 'Send the report' }).click();
  await page.getByRole('heading', { level: 1, name: /is with the stewards/ }).waitFor();
  const link = (await page.locator('code.secret').textContent()).trim();
  assert.match(link, /\/reports\/\d+\?key=[0-9a-f]+$/);

  // The printed password must be replaced before any staff page.
  const desk = await signInFirstTime(
    browser,
    'steward@demo.civic.local',
    'a steward of the demo portal',
  );
  const steward = desk.context();

  await desk.getByRole('link', { name: 'Desk' }).click();
  await desk.waitForURL(/\/desk$/);
  const item = desk.locator('table.desk tbody tr', { hasText: 'NYPD Hate Crimes' }).first();
  assert.match(await item.textContent(), /Takedown request/);
  await item.getByRole('link').first().click();
  await desk.getByRole('heading', { name: 'Hide rows or columns now' }).waitFor();
  await desk.getByLabel(/Rows, by/).fill('3');
  await desk.getByRole('button', { name: 'Hide', exact: true }).click();
  await desk.getByText('Hidden now: rows 3.').waitFor();
  await desk.getByLabel('Your answer').fill('Row 3 is hidden while we correct the file.');
  await desk.getByRole('button', { name: 'Send the answer' }).click();
  await desk.getByText('Row 3 is hidden while we correct the file.').waitFor();

  assert.equal(Number(await count(resident)), Number(before) - 1);
  await page.goto(link);
  await page.getByText('Row 3 is hidden while we correct the file.').waitFor();
  assert.match(await page.locator('body').textContent(), /The stewards of Police/);
  await steward.close();
  await resident.close();
});
