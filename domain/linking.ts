/**
 * Product linking: pair every Haravan variant with at most one Tiki SKU by
 * `variant.barcode == tikiSku.original_sku` (both trimmed), and explain every variant that is not linked.
 *
 * Rules, in the order they are evaluated for each variant:
 *  1. no barcode (null, empty or only spaces)                         → MISSING_BARCODE (error, no link)
 *  2. another variant of the same product has the same barcode         → DUPLICATE_BARCODE_IN_PRODUCT on each of them
 *                                                                         (error, no link)
 *  3. another product also carries the barcode and is "later"          → SUPERSEDED_BY_LATER_PRODUCT (warning, no link)
 *     (later = greater `updatedAt`; equal or unparsable timestamps → greater product id)
 *  4. no Tiki SKU has that original_sku                                 → NOT_FOUND_ON_TIKI (error, no link)
 *  5. linked; plus PRICE_ABOVE_LIST_PRICE (error, link kept) when price sync is on, the Tiki list price is set
 *     (> 0) and the Haravan price exceeds it; plus the informational notes INVENTORY_NOT_TRACKED (untracked
 *     variant) or OVERSELL_UNLIMITED (tracked, policy `continue`).
 *
 * Combination of rules 2 and 3 — a product whose own variants collide on a barcode does NOT compete for that
 * barcode across products: its variants are ambiguous (we cannot tell which one the merchant means), so it can
 * never be the one linked. The barcode goes to the latest product that carries it cleanly (exactly one variant),
 * and only products that carry it cleanly are ranked against each other. This keeps the result useful (the
 * unambiguous product still syncs) and converges as soon as the merchant fixes the duplicate: the next run ranks
 * that product normally.
 *
 * Several Tiki SKUs with the same original_sku: the link goes to the first of them ordered by active first,
 * then lowest `productId` (stable across runs, and prefers the SKU that can actually sell).
 *
 * Invariant: a Tiki SKU is linked to at most one Haravan variant. A product id listed twice is evaluated once
 * (its most recently updated copy).
 */
import type { Config } from './config';
import { MESSAGES } from './messages';
import { isInventoryTracked } from './inventory';
import type { LinkIssueCode, LinkStatus, Severity } from './terms';
import type { HaravanProductInput, HaravanVariantInput, TikiSkuInput } from './types';

export interface LinkIssue {
  code: LinkIssueCode;
  severity: Severity;
  messageVi: string;
  message: string;
}

export interface VariantLink {
  tikiProductId: number;
  tikiSku: string;
  /** The trimmed barcode (= Tiki original_sku, trimmed). */
  barcode: string;
}

export interface LinkOutcome {
  haravanProductId: number;
  haravanVariantId: number;
  /** Trimmed barcode, or null when the variant has none. */
  barcode: string | null;
  /** `error` if any issue is an error (a link may still exist: PRICE_ABOVE_LIST_PRICE), else `warning` if any
   *  issue is a warning, else `linked`. */
  status: LinkStatus;
  link?: VariantLink;
  issues: LinkIssue[];
}

export interface LinkInput {
  products: HaravanProductInput[];
  tikiSkus: TikiSkuInput[];
  config: Pick<Config, 'syncPrice'>;
}

export interface LinkSummary {
  /** Variants with a link (including those whose price is blocked). */
  linkedVariants: number;
  /** Products with at least one linked variant. */
  linkedProducts: number;
  /** Issues by severity. */
  errors: number;
  warnings: number;
  infos: number;
}

/** Trim a barcode / product code; empty → null. */
export function normalizeBarcode(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const trimmed = raw.trim();
  return trimmed === '' ? null : trimmed;
}

export function linkIssue(code: LinkIssueCode): LinkIssue {
  const def = MESSAGES[code];
  return { code, severity: def.severity, messageVi: def.vi, message: def.en };
}

/** Whether `a` is the later product of the two (most recently updated; tie → larger id). */
export function isLaterProduct(a: Pick<HaravanProductInput, 'id' | 'updatedAt'>, b: Pick<HaravanProductInput, 'id' | 'updatedAt'>): boolean {
  const ta = timestampOf(a.updatedAt);
  const tb = timestampOf(b.updatedAt);
  if (ta !== tb) return ta > tb;
  return a.id > b.id;
}

/** The Tiki SKU chosen for each (trimmed) original_sku: active first, then lowest productId. */
export function indexTikiSkus(tikiSkus: readonly TikiSkuInput[]): Map<string, TikiSkuInput> {
  const index = new Map<string, TikiSkuInput>();
  for (const sku of tikiSkus) {
    const code = normalizeBarcode(sku.originalSku);
    if (code === null) continue;
    const current = index.get(code);
    if (current === undefined || preferTikiSku(sku, current)) index.set(code, sku);
  }
  return index;
}

export function computeLinks(input: LinkInput): LinkOutcome[] {
  const { tikiSkus, config } = input;
  const products = uniqueProducts(input.products);
  const tikiByCode = indexTikiSkus(tikiSkus);

  // Per product: barcode → number of its variants carrying it.
  const perProductCounts = products.map((product) => {
    const counts = new Map<string, number>();
    for (const variant of product.variants) {
      const code = normalizeBarcode(variant.barcode);
      if (code !== null) counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    return counts;
  });

  // Per barcode: the latest product that carries it cleanly (exactly one variant).
  const winnerByCode = new Map<string, HaravanProductInput>();
  products.forEach((product, i) => {
    for (const [code, count] of perProductCounts[i]) {
      if (count !== 1) continue;
      const current = winnerByCode.get(code);
      if (current === undefined || isLaterProduct(product, current)) winnerByCode.set(code, product);
    }
  });

  const outcomes: LinkOutcome[] = [];
  products.forEach((product, i) => {
    for (const variant of product.variants) {
      outcomes.push(linkVariant(product, variant, perProductCounts[i], winnerByCode, tikiByCode, config.syncPrice));
    }
  });
  return outcomes;
}

export function summarizeLinks(outcomes: readonly LinkOutcome[]): LinkSummary {
  const products = new Set<number>();
  const summary: LinkSummary = { linkedVariants: 0, linkedProducts: 0, errors: 0, warnings: 0, infos: 0 };
  for (const outcome of outcomes) {
    if (outcome.link) {
      summary.linkedVariants += 1;
      products.add(outcome.haravanProductId);
    }
    for (const issue of outcome.issues) {
      if (issue.severity === 'error') summary.errors += 1;
      else if (issue.severity === 'warning') summary.warnings += 1;
      else summary.infos += 1;
    }
  }
  summary.linkedProducts = products.size;
  return summary;
}

// ---------------------------------------------------------------------------------------------

function linkVariant(
  product: HaravanProductInput,
  variant: HaravanVariantInput,
  counts: Map<string, number>,
  winnerByCode: Map<string, HaravanProductInput>,
  tikiByCode: Map<string, TikiSkuInput>,
  syncPrice: boolean,
): LinkOutcome {
  const barcode = normalizeBarcode(variant.barcode);
  const base = { haravanProductId: product.id, haravanVariantId: variant.id, barcode };
  if (barcode === null) return withIssues(base, [linkIssue('MISSING_BARCODE')]);
  if ((counts.get(barcode) ?? 0) > 1) return withIssues(base, [linkIssue('DUPLICATE_BARCODE_IN_PRODUCT')]);
  if (winnerByCode.get(barcode) !== product) return withIssues(base, [linkIssue('SUPERSEDED_BY_LATER_PRODUCT')]);

  const tiki = tikiByCode.get(barcode);
  if (tiki === undefined) return withIssues(base, [linkIssue('NOT_FOUND_ON_TIKI')]);

  const issues: LinkIssue[] = [];
  if (isPriceAboveListPrice(variant.price, tiki.marketPrice, syncPrice)) issues.push(linkIssue('PRICE_ABOVE_LIST_PRICE'));
  if (!isInventoryTracked(variant.inventoryManagement)) issues.push(linkIssue('INVENTORY_NOT_TRACKED'));
  else if (variant.inventoryPolicy === 'continue') issues.push(linkIssue('OVERSELL_UNLIMITED'));
  return { ...withIssues(base, issues), link: { tikiProductId: tiki.productId, tikiSku: tiki.sku, barcode } };
}

/** The price rule shared by linking and the stock push: only with price sync on and a list price set. */
export function isPriceAboveListPrice(price: number, marketPrice: number, syncPrice: boolean): boolean {
  return syncPrice && marketPrice > 0 && price > marketPrice;
}

/** A link whose price is not pushed (PRICE_ABOVE_LIST_PRICE); its stock still is. */
export function isPriceBlocked(outcome: Pick<LinkOutcome, 'issues'>): boolean {
  return outcome.issues.some((i) => i.code === 'PRICE_ABOVE_LIST_PRICE');
}

function withIssues(base: Omit<LinkOutcome, 'status' | 'issues'>, issues: LinkIssue[]): LinkOutcome {
  return { ...base, status: statusOf(issues), issues };
}

function statusOf(issues: readonly LinkIssue[]): LinkStatus {
  if (issues.some((i) => i.severity === 'error')) return 'error';
  if (issues.some((i) => i.severity === 'warning')) return 'warning';
  return 'linked';
}

/**
 * A product listed twice (page-based listings can repeat a row when the catalogue shifts between pages) is
 * evaluated once, from its most recent copy, at the position of its first occurrence.
 */
function uniqueProducts(products: readonly HaravanProductInput[]): HaravanProductInput[] {
  const byId = new Map<number, HaravanProductInput>();
  for (const product of products) {
    const seen = byId.get(product.id);
    if (seen === undefined || timestampOf(product.updatedAt) >= timestampOf(seen.updatedAt)) byId.set(product.id, product);
  }
  return [...byId.values()];
}

function preferTikiSku(a: TikiSkuInput, b: TikiSkuInput): boolean {
  const activeA = a.active !== false;
  const activeB = b.active !== false;
  if (activeA !== activeB) return activeA;
  return a.productId < b.productId;
}

/** Milliseconds since the epoch; an unparsable timestamp ranks as the oldest possible. */
function timestampOf(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}
