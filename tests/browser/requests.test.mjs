// Open-records requests in headless Chromium, against a running demo portal:
//   CIVIC_URL=http://127.0.0.1:8090 CIVIC_DEMO_LOG=/path/to/demo.log node --test
// A resident asks for records, is first shown published datasets that may
// answer, files anyway and is told the tracking number and the response due
// date with how it was counted; the demo's records clerk takes the request
// in from the queue, starts work and writes to the resident, who reads the
// message by the secret link; the public log lists the request without
// saying who asked.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launchChromium, signInFirstTime } from './demo.mjs';

const RESIDENT = { name: 'Robin Quillfeather', email: 'robin.quillfeather@example.org' };
const DESCRIPTION =
  'E-mails between the Police and the City Manager about hate crimes reported in Aurora in 2024.';
const MESSAGE = 'We are searching the Police mailboxes and will write again by the due date.';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** The requester's view from the API, by the key in the secret link. */
async function requesterView(context, link) {
  const url = new URL(link);
  const reply = await context.request.get(`${BASE}/api${url.pathname}${url.search}`);
  assert.equal(reply.status(), 200, await reply.text());
  return reply.json();
}

/**
 * Submits the clerk's form headed `title` (after `fill`, if given) and
 * waits for the page it leads to: a notice matching `done`, or the refusal,
 * whose words then fail the test.
 */
async function act(page, title, done, fill) {
  const form = page.locator('form.card', {
    has: page.getByRole('heading', { name: title, exact: true }),
  });
  if (fill) await fill(form);
  await form.getByRole('button').click();
  const notice = page.locator('main > .notice[role="status"]', { hasText: done });
  const refusal = page.locator('main > .form-error[role="alert"]');
  await notice.or(refusal).waitFor();
  if (await refusal.count()) assert.fail(`${title}: ${await refusal.textContent()}`);
}

test('a resident files a request, the clerk answers, the public log hides who asked', async () => {
  const resident = await browser.newContext();
  const page = await resident.newPage();
  await page.goto(`${BASE}/requests/new`);
  await page.getByLabel('What records do you want?').fill(DESCRIPTION);
  await page.getByLabel(/Your name/).fill(RESIDENT.name);
  await page.getByLabel(/Your e-mail address/).fill(RESIDENT.email);
  await page.getByRole('button', { name: 'File the request', exact: true }).click();

  // The words match a published dataset, so it is offered first; nothing
  // typed is lost, and the request can still be filed.
  await page.getByRole('heading', { name: /may already answer it/ }).waitFor();
  const offered = page.locator('.notice .result-title a', { hasText: 'NYPD Hate Crimes' });
  assert.equal(await offered.getAttribute('href'), '/d/nypd-hate');
  assert.equal(await page.getByLabel('What records do you want?').inputValue(), DESCRIPTION);
  await page.getByRole('button', { name: 'File the request anyway' }).click();

  const heading = page.getByRole('heading', { level: 1, name: /^Your request is / });
  await heading.waitFor();
  const tracking = (await heading.textContent()).match(/R\d{2}-\d{6}/)?.[0];
  assert.ok(tracking, await heading.textContent());
  const link = (await page.locator('code.secret').textContent()).trim();
  assert.match(link, new RegExp(`/requests/${tracking}\\?key=[0-9a-f]{32,}$`));

  // The due date is counted on today's calendar: compare it with the API's.
  const filed = await requesterView(resident, link);
  assert.equal(filed.tracking, tracking);
  const response = filed.clocks.find((c) => c.clock === 'response');
  assert.ok(response, JSON.stringify(filed.clocks));
  assert.match(response.due, /^\d{4}-\d{2}-\d{2}$/);
  const promised = page.locator('.notice time');
  assert.equal(await promised.textContent(), response.due_text);
  assert.equal(await promised.getAttribute('datetime'), response.due);
  assert.match(await page.locator('.notice').textContent(), /We will answer by/);

  // How the date was counted, a line a step, in the response clock's <details>.
  const deadline = page.locator('details.clock', {
    has: page.locator('summary', { hasText: /^Response:/ }),
  });
  assert.equal(await deadline.getAttribute('open'), '', 'the response clock is shown open');
  assert.equal(await deadline.locator('summary time').textContent(), response.due_text);
  assert.equal(await deadline.locator('summary time').getAttribute('datetime'), response.due);
  const steps = await deadline.locator('ol.explanation li').allTextContents();
  assert.deepEqual(steps, response.explanation);
  assert.match(steps[0], /^Day 0: /);
  assert.match(steps.at(-1), new RegExp(`^Due: ${response.due_text}`));
  assert.ok(await deadline.locator('ol.explanation').isVisible(), 'the explanation is shown');

  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: `Request ${tracking}` }).waitFor();
  assert.equal((await page.locator('.message').first().textContent()).trim(), DESCRIPTION);
  await page.getByText('No messages yet.').waitFor();

  const desk = await signInFirstTime(
    browser,
    'clerk@demo.civic.local',
    'a records clerk of the demo portal',
  );
  await desk.getByRole('link', { name: 'Request queue', exact: true }).click();
  await desk.waitForURL(/\/clerk$/);
  const row = desk.locator('table.requests-queue tbody tr', { hasText: tracking });
  assert.equal(await row.locator('time').textContent(), response.due_text);
  assert.equal(await row.locator('td').nth(3).textContent(), 'Received');
  await row.getByRole('link', { name: tracking }).click();
  await desk.waitForURL(new RegExp(`/clerk/${tracking}$`));
  assert.match(await desk.locator('dl.meta').textContent(), new RegExp(RESIDENT.email));

  await act(desk, 'Acknowledge and route', /Acknowledged/, (form) =>
    form.getByLabel('Department').selectOption('Police'),
  );
  await act(desk, 'Move to another state', /moved to its new state/, (form) =>
    form.getByLabel('New state').selectOption('in_progress'),
  );
  await act(desk, 'Write to the requester', /message went to the requester/, (form) =>
    form.getByLabel('Message').fill(MESSAGE),
  );
  const state = desk.locator('dl.meta div', { has: desk.locator('dt', { hasText: 'State' }) });
  assert.equal(await state.locator('code').textContent(), 'in_progress');
  assert.match(
    await desk.locator('dl.meta div', { hasText: 'Assigned' }).textContent(),
    /Police/,
  );

  await page.reload();
  const answer = page.locator('ol.messages li.from-staff');
  await answer.waitFor();
  assert.equal((await answer.locator('.message').textContent()).trim(), MESSAGE);
  assert.match(await page.locator('dl.meta').textContent(), /In progress/);
  const later = await requesterView(resident, link);
  assert.equal(later.state, 'in_progress');
  assert.equal(later.state_words, 'In progress');
  assert.deepEqual(
    later.messages.map((m) => [m.body, m.staff]),
    [[MESSAGE, true]],
  );

  // The public log lists the request, never who asked or their words.
  const visitor = await browser.newContext();
  const log = await visitor.newPage();
  await log.goto(`${BASE}/requests`);
  const entry = log.locator(`table.requests-log tr[id="${tracking}"]`);
  assert.equal(await entry.locator('th').textContent(), tracking);
  assert.match(await entry.textContent(), /In progress/);
  const shown = await log.locator('main').textContent();
  for (const secret of [RESIDENT.name, RESIDENT.email, DESCRIPTION, MESSAGE]) {
    assert.ok(!shown.includes(secret), `the public log shows ${secret}`);
  }
  const listed = await (await visitor.request.get(`${BASE}/api/requests`)).text();
  assert.match(listed, new RegExp(`"tracking":"${tracking}"`));
  for (const secret of [RESIDENT.name, RESIDENT.email, DESCRIPTION]) {
    assert.ok(!listed.includes(secret), `/api/requests shows ${secret}`);
  }

  await visitor.close();
  await desk.context().close();
  await resident.close();
});
