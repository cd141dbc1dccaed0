/**
 * The "Đăng sản phẩm lên Tiki / Publish to Tiki" tab in headless Chromium against the real stack: the products a
 * link run found missing on Tiki, the category picker (search), the attribute form generated from the category
 * (required first, dictionary choices), the pre-check's problem beside its field, submit, and the request's state
 * moving live to approved and linked. Screenshots go to test-output/screenshots/.
 */
import type { Page } from 'playwright-core';
import { MESSAGES } from '../../domain/messages';
import { publishDemoProducts } from '../../sandbox/publish-demo';
import { connectBody, post, seedDemoShop, SeededShop } from '../helpers/seed';
import { openBrowserPage, screenshot, type BrowserPage } from '../helpers/browser';
import { eventually, startStack, TestStack } from '../helpers/stack';

jest.setTimeout(240_000);


let stack: TestStack;
let shop: SeededShop;
let browser: BrowserPage;
let page: Page;
let shirt: { id: number; barcode: string };
let conn: string;

const shot = (name: string) => screenshot(page, name);

beforeAll(async () => {
  process.env.PUBLISH_FIRST_CHECK_MS = '300';
  process.env.PUBLISH_MAX_CHECK_MS = '1000';
  stack = await startStack();
  shop = await seedDemoShop(stack.haravan.url, stack.tiki.url, { products: 20 });
  const [body] = publishDemoProducts(1, { shopSlot: shop.shopId % 100_000, locationId: shop.haravanSeed.locations[0].id });
  const { product } = await post(`${stack.haravan.url}/_sandbox/shops/${shop.shopId}/products`, body);
  shirt = { id: product.id, barcode: product.variants[0].barcode };
  await fetch(`${stack.tiki.url}/_sandbox/product-requests/plans`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ bySku: { [shirt.barcode]: { outcome: 'approve', afterSeconds: 2 } } }) });
  const res = await stack.api('POST', '/v1/connections', connectBody(shop, stack.haravan.url, stack.tiki.url));
  conn = res.body.id;
  // A link run finds the new product missing on Tiki (NOT_FOUND_ON_TIKI): the tab's list.
  const run = await stack.api('POST', `/v1/connections/${conn}/link-runs`, { all: true });
  await eventually(async () => (await stack.api('GET', `/v1/connections/${conn}/link-runs/${run.body.runId}`)).body.state === 'completed', 60_000);
  browser = await openBrowserPage('publish', { width: 1280, height: 1000 });
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  delete process.env.PUBLISH_FIRST_CHECK_MS;
  delete process.env.PUBLISH_MAX_CHECK_MS;
});

test('publish a missing product from the tab: category, attributes, problems, submit, live state', async () => {
  await page.goto(`${stack.apiUrl}/app#${conn}`);
  await page.getByTestId('token-input').fill(stack.token);
  await page.getByTestId('token-submit').click();
  await page.getByTestId('tab-publish').click();
  expect(await page.getByTestId('tab-publish').innerText()).toContain('Đăng sản phẩm lên Tiki');
  await page.locator(`[data-testid=publish-missing] li[data-product-id="${shirt.id}"]`).waitFor();
  await page.getByTestId(`publish-start-${shirt.id}`).click();

  // The first pre-check: no category yet; the suggestion is offered.
  const form = page.getByTestId('publish-form');
  await form.locator('[data-testid=problem-categoryId] [data-code=PUBLISH_CATEGORY_MISSING]').waitFor();
  expect(await form.getByTestId('problem-categoryId').innerText()).toContain(MESSAGES.PUBLISH_CATEGORY_MISSING.vi);
  await form.locator('[data-testid=publish-category-choice]').first().waitFor();
  await shot('publish-01-suggestion');

  // Search and pick a leaf; the form follows the category's attributes, required first, dictionary as choices.
  await form.getByTestId('publish-category-search').fill('ao thun');
  await form.locator('[data-testid=publish-category-choice][data-category-id="8371"]').click();
  await form.getByTestId('attr-origin').waitFor();
  const required = await form.locator('label.field[data-required]').evaluateAll((els) => els.map((e) => (e as { dataset: { required: string } }).dataset.required));
  expect(required.indexOf('false')).toBeGreaterThan(required.lastIndexOf('true'));
  expect(await form.locator('[data-testid=attr-brand] option').allInnerTexts()).toContain('Coolmate');

  // The pre-check's problem sits beside its field.
  await form.getByTestId('publish-check').click();
  await form.locator('[data-testid="problem-attributes.origin"] [data-code=PUBLISH_ATTRIBUTE_REQUIRED]').waitFor();
  await shot('publish-02-problem');
  await form.getByTestId('attr-origin').selectOption('Việt Nam');
  await form.getByTestId('attr-brand').selectOption('Coolmate');
  await form.getByTestId('publish-check').click();
  await form.getByTestId('publish-ready').waitFor();
  await form.getByTestId('publish-submit').click();
  await form.waitFor({ state: 'detached' });

  // The request's state moves live: submitted/in review → approved, then linked.
  const row = page.locator(`[data-testid=publications] tr[data-product-id="${shirt.id}"]`);
  await row.waitFor();
  await page.locator(`[data-testid=publications] tr[data-product-id="${shirt.id}"][data-state=approved] [data-testid=pub-linked]`).waitFor({ timeout: 60_000 });
  const states = (await stack.api('GET', `/v1/connections/${conn}/publications`)).body.items[0].history.map((h: { state: string }) => h.state);
  expect(states).toEqual(expect.arrayContaining(['submitted', 'in_review', 'approved']));
  await shot('publish-03-approved');

  // English.
  await page.getByTestId('lang-switch').click();
  expect(await page.getByTestId('tab-publish').innerText()).toContain('Publish to Tiki');
  expect(await row.getByTestId('pub-state').innerText()).toBe('Approved');
});
