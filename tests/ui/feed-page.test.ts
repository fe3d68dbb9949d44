import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeUserEvent, events, type Decoded } from '@recsys/contracts';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from './fleet.js';

// Debian's Chromium, driven by playwright-core (which downloads no browser);
// deploy/local/setup-system.sh installs it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const KEYS = { events: 'ui-events-key-0123', demo: 'ui-demo-key-01234' };

let profileDir: string;
let browser: BrowserContext;
let fleet: Fleet | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run deploy/local/setup-system.sh (installs chromium)`);
  }
  profileDir = mkdtempSync(join(tmpdir(), 'recsys-ui-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

afterAll(async () => {
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

/** The ids of the feed's items, top first. */
async function feedIds(page: Page): Promise<(string | null)[]> {
  const rows = await page.locator('#feed li').all();
  return Promise.all(rows.map((row) => row.getAttribute('data-item-id')));
}

async function waitForRender(page: Page, renders: number): Promise<void> {
  await page.waitForSelector(`#feed[data-renders="${renders}"]`);
  await page.waitForSelector('body[data-state="ready"]');
}

function published(fleet: Fleet): events.UserEvent[] {
  return fleet.bus.records('user-events').map((r) => {
    const decoded: Decoded<events.UserEvent> = decodeUserEvent(r.value!);
    if (!decoded.ok) throw new Error(decoded.reason);
    return decoded.value;
  });
}

describe('the feed page in headless Chromium', () => {
  it('shows a feed, sends a click, and shows the next feed following it', async () => {
    fleet = await startFleet(KEYS);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(fleet.url);
    await page.waitForSelector('body[data-state="ready"]');
    // The demo key came with the page, so no key field.
    expect(await page.isHidden('#key-field')).toBe(true);

    await page.fill('#user', 'ui-user-1');
    await page.selectOption('#surface', 'home');
    await page.fill('#n', '10');
    await page.click('button[type="submit"]');
    await waitForRender(page, 1);
    expect(await feedIds(page)).toEqual([
      'i1',
      'i2',
      'i3',
      'i4',
      'i5',
      'i6',
      'i7',
      'i8',
      'i9',
      'i10',
    ]);
    const third = page.locator('#feed li[data-item-id="i3"]');
    expect(await third.locator('.title').textContent()).toBe('Movie 3');
    expect(await third.locator('.reason').textContent()).toBe('Recommended for you');
    expect(await third.locator('.source').allTextContents()).toEqual(['ann']);
    const fourth = page.locator('#feed li[data-item-id="i4"]');
    expect(await fourth.locator('.reason').textContent()).toBe('Popular right now');

    await third.locator('.title').click();
    await waitForRender(page, 2);

    // One click event went through the API onto the bus...
    const sent = published(fleet);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      userId: 'ui-user-1',
      itemId: 'i3',
      type: events.UserEventType.USER_EVENT_TYPE_CLICK,
      surface: 'home',
      position: 2,
      device: 'web',
    });
    expect(Math.abs(sent[0]!.timestamp - Date.now())).toBeLessThan(60_000);
    // ...the stream processor applied it, and the re-rendered feed follows it:
    // the clicked item is gone and its neighbour leads, with its reason.
    expect(fleet.processor.stats().userEvents.applied).toBe(1);
    const ids = await feedIds(page);
    expect(ids[0]).toBe('i103');
    expect(ids).not.toContain('i3');
    const lead = page.locator('#feed li[data-item-id="i103"]');
    expect(await lead.locator('.reason').textContent()).toBe('Because you watched "Movie 3"');
    expect(await lead.locator('.move').textContent()).toBe('new');
    // i1 and i2 moved down one, i4.. kept their ranks.
    expect(await page.locator('#changes').textContent()).toBe(
      'After the click on Movie 3: 1 new, 2 moved, 1 gone. Gone: Movie 3. New: Like Movie 3.',
    );
    expect(await page.locator('#feed li[data-item-id="i1"] .move').textContent()).toBe('▼ 1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('asks for a key when the gateway hands none out, and uses the one typed', async () => {
    fleet = await startFleet({ events: KEYS.events });
    const page = await browser.newPage();
    await page.goto(`${fleet.url}/?user_id=ui-user-2&surface=home&n=5`);
    await waitForRender(page, 1);
    expect(await page.isVisible('#key-field')).toBe(true);

    await page.fill('#key', 'not-the-right-key');
    await page.locator('#key').dispatchEvent('change');
    await page.locator('#feed li[data-item-id="i2"] .title').click();
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.locator('#status').textContent()).toBe('Not sent: invalid API key');
    expect(published(fleet)).toHaveLength(0);

    await page.fill('#key', KEYS.events);
    await page.locator('#key').dispatchEvent('change');
    await page.locator('#feed li[data-item-id="i2"] button', { hasText: 'Skip' }).click();
    await waitForRender(page, 2);
    expect(published(fleet).map((e) => [e.itemId, e.type])).toEqual([
      ['i2', events.UserEventType.USER_EVENT_TYPE_SKIP],
    ]);
    expect(await feedIds(page)).not.toContain('i2'); // skipped items join the seen set
    await page.close();
  });
});
