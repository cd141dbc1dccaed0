/**
 * Haravan product → Tiki v2.1 product request, or the field-level problems that would make Tiki refuse it,
 * found *before* anything is sent (issue 17 item 1).
 *
 * | rule | problem code | field |
 * |---|---|---|
 * | a leaf category is chosen | PUBLISH_CATEGORY_MISSING / PUBLISH_CATEGORY_NOT_LEAF | categoryId |
 * | every required attribute has a value | PUBLISH_ATTRIBUTE_REQUIRED | attributes.<code> |
 * | a select value is in Tiki's dictionary (matched without case/diacritics, sent in Tiki's spelling) | PUBLISH_ATTRIBUTE_NOT_IN_DICTIONARY | attributes.<code> |
 * | a number attribute is a number | PUBLISH_ATTRIBUTE_NOT_A_NUMBER | attributes.<code> |
 * | at most 2 options (Haravan allows 3; `mergeOptions` joins options 2 and 3) | PUBLISH_TOO_MANY_OPTIONS | options[2] |
 * | price > 0, ≤ market price (compare-at), ≥ 10 % of it | PUBLISH_PRICE_INVALID / _ABOVE_MARKET_PRICE / _BELOW_MARKET_MINIMUM | variants[i].price |
 * | at least one image, each at least 500×500 (500×700 for fashion) when its size is known | PUBLISH_NO_IMAGE / PUBLISH_IMAGE_TOO_SMALL | images / images[i] |
 * | every variant has a barcode (it becomes the Tiki `sku` = `original_sku`, so the listing links by itself) | PUBLISH_BARCODE_MISSING | variants[i].barcode |
 * | barcodes are unique within the product | PUBLISH_BARCODE_DUPLICATE | variants[i].barcode |
 *
 * Stock of each variant is the product.md §4 target (`computeTarget`), all of it in the first chosen Tiki
 * warehouse (`warehouseQuantities`), exactly what the stock sync will keep there once the listing is linked.
 */
import type { Config } from '../config';
import { normalizeBarcode } from '../linking';
import { messageFor } from '../messages';
import { computeTarget, TIKI_MIN_PRICE_RATIO, warehouseQuantities } from '../stock';
import { foldText } from './text';
import type { Problem, PublishChoices, PublishProduct, TikiAttributeDef, TikiCategoryRef, TikiProductRequest, TikiRequestVariant } from './types';

export const TIKI_MAX_OPTIONS = 2;
export const MIN_IMAGE = { width: 500, height: 500 };
export const MIN_FASHION_IMAGE = { width: 500, height: 700 };

export interface PublishInput {
  product: PublishProduct;
  category: TikiCategoryRef | null;
  attributeDefs: TikiAttributeDef[];
  choices: PublishChoices;
  config: Config;
  /** Target Tiki seller warehouses (resolveTargetWarehouses), first one gets the stock. */
  warehouseIds: number[];
}

export interface PublishCheck {
  problems: Problem[];
  /** Present only when there is no problem. */
  request?: TikiProductRequest;
}

/** A problem of one field; `detailVi` when the detail itself has a Vietnamese form (an attribute's name). */
export function problem(field: string, code: string, detail?: string, detailVi = detail): Problem {
  const m = messageFor(code);
  return { field, code, message: detail ? `${m.en}: ${detail}` : m.en, messageVi: detailVi ? `${m.vi}: ${detailVi}` : m.vi };
}

/** Fashion listings need taller images (tiki-product-requests.md §1 "Image rules"). */
export function minImageSize(category: Pick<TikiCategoryRef, 'path'> | null): { width: number; height: number } {
  const fashion = (category?.path ?? []).some((n) => /thoi trang|fashion/.test(foldText(n)));
  return fashion ? MIN_FASHION_IMAGE : MIN_IMAGE;
}

/** A simple Haravan product has one option named "Title" with the value "Default Title": no Tiki option. */
export function realOptionNames(product: Pick<PublishProduct, 'optionNames' | 'variants'>): string[] {
  const names = product.optionNames.filter((n) => n.trim().length > 0);
  if (names.length === 1 && product.variants.length <= 1 && /^title$/i.test(names[0]!)) return [];
  return names;
}

export function buildProductRequest(input: PublishInput): PublishCheck {
  const { product, category, choices } = input;
  const problems: Problem[] = [];
  if (!product.title.trim()) problems.push(problem('name', 'PUBLISH_NAME_MISSING'));
  if (!category) problems.push(problem('categoryId', 'PUBLISH_CATEGORY_MISSING'));
  else if (!category.isLeaf) problems.push(problem('categoryId', 'PUBLISH_CATEGORY_NOT_LEAF', category.path.join(' > ')));

  const attributes = checkAttributes(input, problems);
  const options = checkOptions(product, choices, problems);
  checkImages(product, category, problems);
  checkBarcodes(product, problems);
  checkPrices(product, problems);
  if (problems.length > 0 || !category) return { problems };

  const images = orderedImages(product);
  const variants: TikiRequestVariant[] = product.variants.map((v) => {
    const marketPrice = marketPriceOf(v);
    const target = computeTarget({ variant: v.stock, tiki: { marketPrice }, config: { ...input.config, syncPrice: true } });
    const stocks = warehouseQuantities(target.quantity ?? 0, input.warehouseIds, []);
    const values = optionValues(v.options, options.merged);
    const own = product.images.filter((img) => img.variantIds.includes(v.id)).sort((a, b) => a.position - b.position);
    return {
      sku: normalizeBarcode(v.barcode)!,
      price: Math.round(v.price),
      ...(marketPrice > 0 ? { market_price: Math.round(marketPrice) } : {}),
      ...(options.names.length > 0 ? { option1: values[0] ?? '' } : {}),
      ...(options.names.length > 1 ? { option2: values[1] ?? '' } : {}),
      inventory_type: 'instock',
      seller_warehouse: stocks.map((s) => s.warehouseId).join(','),
      warehouse_stocks: stocks,
      ...(own.length > 0 ? { image: own[0]!.src, images: own.map((i) => i.src) } : {}),
    };
  });
  const request: TikiProductRequest = {
    category_id: category.id,
    name: product.title.trim(),
    description: product.bodyHtml?.trim() || product.title.trim(),
    market_price: Math.round(Math.max(...product.variants.map((v) => marketPriceOf(v)))),
    attributes,
    image: images[0]!,
    images,
    option_attributes: options.names,
    variants,
    certificate_files: [],
    meta_data: { is_auto_turn_on: choices.activate },
  };
  return { problems: [], request };
}

/** The market price Tiki gets: the compare-at price, or the price itself when there is none. */
export function marketPriceOf(v: { price: number; compareAtPrice: number | null }): number {
  return v.compareAtPrice && v.compareAtPrice > 0 ? v.compareAtPrice : v.price;
}

function checkAttributes(input: PublishInput, problems: Problem[]): Record<string, string | number | boolean> {
  const given = { ...input.choices.attributes };
  // Brand defaults to the Haravan vendor: the merchant then only fixes it when Tiki's dictionary spells it otherwise.
  const brand = input.attributeDefs.find((d) => d.code === 'brand');
  if (brand && given.brand === undefined && input.product.vendor?.trim()) given.brand = input.product.vendor.trim();
  const out: Record<string, string | number | boolean> = {};
  for (const [code, value] of Object.entries(given)) if (!input.attributeDefs.some((d) => d.code === code)) out[code] = value;
  const defs = [...input.attributeDefs].sort((a, b) => Number(b.required) - Number(a.required));
  for (const def of defs) {
    const field = `attributes.${def.code}`;
    const raw = given[def.code];
    const empty = raw === undefined || (typeof raw === 'string' && raw.trim() === '');
    if (empty) {
      if (def.required) problems.push(problem(field, 'PUBLISH_ATTRIBUTE_REQUIRED', def.name, def.nameVi));
      continue;
    }
    if (def.type === 'number') {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (!Number.isFinite(n)) problems.push(problem(field, 'PUBLISH_ATTRIBUTE_NOT_A_NUMBER', `${def.name} = ${String(raw)}`, `${def.nameVi} = ${String(raw)}`));
      else out[def.code] = n;
      continue;
    }
    if ((def.type === 'select' || def.type === 'multiselect') && def.values) {
      const parts = def.type === 'multiselect' ? String(raw).split(',') : [String(raw)];
      const resolved: string[] = [];
      for (const part of parts) {
        const hit = def.values.find((v) => foldText(v.value) === foldText(part));
        if (hit) resolved.push(hit.value);
        else problems.push(problem(field, 'PUBLISH_ATTRIBUTE_NOT_IN_DICTIONARY', `${def.name} = ${part.trim()}`, `${def.nameVi} = ${part.trim()}`));
      }
      out[def.code] = resolved.join(',');
      continue;
    }
    out[def.code] = typeof raw === 'string' ? raw.trim() : raw;
  }
  return out;
}

function checkOptions(product: PublishProduct, choices: PublishChoices, problems: Problem[]): { names: string[]; merged: boolean } {
  const names = realOptionNames(product);
  if (names.length <= TIKI_MAX_OPTIONS) return { names, merged: false };
  if (choices.mergeOptions && names.length === TIKI_MAX_OPTIONS + 1) {
    return { names: [names[0]!, `${names[1]} / ${names[2]}`], merged: true };
  }
  const extra = names.slice(TIKI_MAX_OPTIONS).join(', ');
  problems.push(problem(`options[${TIKI_MAX_OPTIONS}]`, 'PUBLISH_TOO_MANY_OPTIONS', `${names.join(', ')} → ${names[0]}, ${names.slice(1).join(' / ')} (${extra})`));
  return { names, merged: false };
}

function optionValues(values: (string | null)[], merged: boolean): string[] {
  const v = values.map((x) => (x ?? '').trim());
  return merged ? [v[0] ?? '', [v[1], v[2]].filter((x) => x).join(' / ')] : v;
}

function checkImages(product: PublishProduct, category: TikiCategoryRef | null, problems: Problem[]): void {
  const images = product.images.filter((i) => i.src.trim());
  if (images.length === 0) {
    problems.push(problem('images', 'PUBLISH_NO_IMAGE'));
    return;
  }
  const min = minImageSize(category);
  product.images.forEach((img, i) => {
    if (img.width == null || img.height == null) return;
    if (img.width < min.width || img.height < min.height) {
      problems.push(problem(`images[${i}]`, 'PUBLISH_IMAGE_TOO_SMALL', `${img.width}×${img.height} < ${min.width}×${min.height}`));
    }
  });
}

function checkBarcodes(product: PublishProduct, problems: Problem[]): void {
  const seen = new Map<string, number[]>();
  product.variants.forEach((v, i) => {
    const code = normalizeBarcode(v.barcode);
    if (!code) problems.push(problem(`variants[${i}].barcode`, 'PUBLISH_BARCODE_MISSING', v.title ?? String(v.id)));
    else seen.set(code, [...(seen.get(code) ?? []), i]);
  });
  for (const [code, indexes] of seen) {
    if (indexes.length < 2) continue;
    for (const i of indexes) problems.push(problem(`variants[${i}].barcode`, 'PUBLISH_BARCODE_DUPLICATE', code));
  }
}

function checkPrices(product: PublishProduct, problems: Problem[]): void {
  product.variants.forEach((v, i) => {
    const field = `variants[${i}].price`;
    const market = marketPriceOf(v);
    if (!(v.price > 0)) problems.push(problem(field, 'PUBLISH_PRICE_INVALID'));
    else if (v.price > market) problems.push(problem(field, 'PUBLISH_PRICE_ABOVE_MARKET_PRICE', `${v.price} > ${market}`));
    else if (v.price < market * TIKI_MIN_PRICE_RATIO) problems.push(problem(field, 'PUBLISH_PRICE_BELOW_MARKET_MINIMUM', `${v.price} < 10% × ${market}`));
  });
}

function orderedImages(product: PublishProduct): string[] {
  return [...new Set([...product.images].sort((a, b) => a.position - b.position).map((i) => i.src.trim()).filter((s) => s))];
}
