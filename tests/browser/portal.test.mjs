// The portal's pages in headless Chromium, against a running portal:
//   CIVIC_URL=http://127.0.0.1:8090 node --test
// A resident searches, opens a dataset, sorts its table and narrows the
// catalog by facets, all by clicking as a person would.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = (process.env.CIVIC_URL ?? '').replace(/\/+$/, '');
const SCREENSHOT = process.env.CIVIC_SCREENSHOT ?? '/tmp/civic-dataset.png';

let browser;

before(async () => {
  assert.ok(BASE, 'set CIVIC_URL to a running portal, e.g. http://127.0.0.1:8090');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

/** The text of every result's title on a /browse page. */
async function resultTitles(page) {
  return page.locator('.results .result-title a').allTextContents();
}

/** The first data row's value in the column with this field name. */
async function firstValue(page, field) {
  const fields = await page
    .locator('table.data thead th')
    .evaluateAll((ths) => ths.map((th) => th.dataset.field));
  const column = fields.indexOf(field);
  assert.notEqual(column, -1, `no ${field} column in ${fields}`);
  const cell = page.locator('table.data tbody tr').first().locator('td').nth(column);
  return (await cell.textContent()).trim();
}

test('search for a dataset, open it and sort its table', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/browse`);

  // The first Tab reaches the skip link.
  await page.keyboard.press('Tab');
  assert.equal(
    await page.evaluate(() => document.activeElement.textContent.trim()),
    'Skip to main content',
  );

  await page.getByLabel('Search datasets').fill('hate');
  await page.getByLabel('Search datasets').press('Enter');
  await page.waitForURL(/\/browse\?q=hate$/);
  assert.ok((await resultTitles(page)).includes('NYPD Hate Crimes'));
  assert.ok(!(await resultTitles(page)).includes('Seattle Daily Weather'));

  await page.getByRole('link', { name: 'NYPD Hate Crimes' }).click();
  await page.waitForURL(/\/d\/nypd-hate$/);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'NYPD Hate Crimes');
  const about = page.locator('dl.meta');
  assert.match(await about.textContent(), /Department\s*Police/);
  assert.match(await about.textContent(), /License\s*Public Domain/);
  assert.equal(
    await about.getByRole('link', { name: 'opendata@nypd.example.org' }).getAttribute('href'),
    'mailto:opendata@nypd.example.org',
  );
  assert.equal(await page.locator('table.data tbody tr').count(), 50);
  assert.equal(
    await page.getByRole('link', { name: /^CSV/ }).getAttribute('href'),
    '/api/views/nypd-hate/rows.csv',
  );
  assert.ok(await page.locator('button.copy').count() > 0, 'copy buttons appear with JavaScript');

  const county = page.locator('th[data-field="county"]');
  await county.getByRole('link').click();
  await page.waitForURL(/sort=county&dir=asc/);
  assert.equal(await county.getAttribute('aria-sort'), 'ascending');
  assert.equal(await firstValue(page, 'county'), 'BRONX');
  assert.equal(await page.locator('table.data tbody tr').count(), 50);

  await county.getByRole('link').click();
  await page.waitForURL(/sort=county&dir=desc/);
  assert.equal(await county.getAttribute('aria-sort'), 'descending');
  assert.equal(await firstValue(page, 'county'), 'RICHMOND');

  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  await page.context().close();
});

test('facet links narrow the results and let go again', async () => {
  const page = await newPage();
  await page.goto(`${BASE}/browse`);
  const everything = await resultTitles(page);
  assert.ok(everything.length >= 3, `${everything}`);

  const topic = page.locator('[data-facet="topic"] a', { hasText: 'Public Safety' });
  const expected = Number(await topic.locator('.count').evaluate((n) => n.firstChild.textContent));
  await topic.click();
  await page.waitForURL(/topic=Public%20Safety/);
  const narrowed = await resultTitles(page);
  assert.equal(narrowed.length, expected);
  assert.ok(narrowed.includes('NYPD Hate Crimes'));
  assert.ok(!narrowed.includes('Seattle Daily Weather'));
  for (const meta of await page.locator('.results .result-meta').allTextContents()) {
    assert.match(meta, /Topic:?\s*Public Safety/);
  }

  // Departments count within the chosen topic.
  const police = page.locator('[data-facet="department"] a', { hasText: 'Police' });
  await police.click();
  await page.waitForURL(/topic=Public%20Safety&department=Police/);
  assert.ok((await resultTitles(page)).includes('NYPD Hate Crimes'));

  // Choosing the topic again lets it go and keeps the department.
  await page.locator('[data-facet="topic"] a[aria-current="true"]').click();
  await page.waitForURL(/\/browse\?department=Police$/);
  for (const meta of await page.locator('.results .result-meta').allTextContents()) {
    assert.match(meta, /Department:?\s*Police/);
  }
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await page.waitForURL(/\/browse$/);
  assert.deepEqual(await resultTitles(page), everything);
  await page.context().close();
});
