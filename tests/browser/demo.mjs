// What the browser tests share about the demo portal they run against: its
// address, a headless Chromium, and signing in as one of the staff accounts
// the demo created, whose first passwords it printed to its log.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const BASE = (process.env.CIVIC_URL ?? '').replace(/\/+$/, '');

/** Headless Chromium, Debian's unless CHROMIUM names another. */
export function launchChromium() {
  assert.ok(BASE, 'set CIVIC_URL to a running demo portal');
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
}

/** The first password the demo printed for an account. */
export function demoPassword(email) {
  const log = process.env.CIVIC_DEMO_LOG;
  assert.ok(log, 'set CIVIC_DEMO_LOG to the demo\'s output');
  const line = readFileSync(log, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${email}\t`));
  assert.ok(line, `the demo printed no password for ${email}`);
  return line.split('\t')[2].trim();
}

/**
 * Signs a demo staff account in for the first time, in a new browser
 * context: the printed password must be replaced before any staff page, so
 * this chooses `newPassword` and answers the page left on `/account`.
 */
export async function signInFirstTime(browser, email, newPassword) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/signin`);
  const password = demoPassword(email);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/account\/password$/);
  await page.getByLabel('Current password').fill(password);
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Save the password' }).click();
  await page.waitForURL(/\/account$/);
  return page;
}
