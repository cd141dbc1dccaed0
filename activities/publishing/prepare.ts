/**
 * Prepare publications: read each Haravan product (variants, options, images, stock by the §4 rules), choose its
 * Tiki category (request, per-product override, product-type mapping), read that category's attributes, and run
 * the pre-check. What passes is stored as a draft publication (its Tiki request body kept in the store, not in
 * workflow history); the problems are returned field by field.
 */
import type { HaravanClient } from '../../connectors/haravan/client';
import type { Config } from '../../domain/config';
import { normalizeBarcode } from '../../domain/linking';
import { chooseCategory } from '../../domain/publication/categories';
import { RESUBMITTABLE_STATES, TERMINAL_PUBLICATION_STATES } from '../../domain/publication/lifecycle';
import { buildProductRequest, problem } from '../../domain/publication/request';
import type { PublishChoices, PublishProduct } from '../../domain/publication/types';
import { resolveTargetWarehouses } from '../../domain/stock';
import type { Store } from '../../store/store';
import type { PreparedPublication, PublishRequest } from '../../workflows/definitions';
import { publishWorkflowId } from '../../workflows/ids';
import type { ConnectionClients } from '../context';
import { toInt } from '../mappers';
import { readHaravan } from '../stock/read-haravan';
import type { ProductLike } from '../stock/types';
import { categoryAttributes, categoryIndex } from './catalog';

export async function preparePublications(
  store: Store,
  clients: ConnectionClients,
  args: { connectionId: string; shopId: number; config: Config; request: PublishRequest; batchKey: string },
): Promise<PreparedPublication[]> {
  const { connectionId, shopId, config, request } = args;
  const ids = [...new Set(request.productIds)];
  const products = new Map<number, ProductLike>();
  for (let i = 0; i < ids.length; i += 50) {
    for (const p of await clients.haravan.listProducts({ ids: ids.slice(i, i + 50), limit: 50 })) products.set(Number(p.id), p);
  }
  const variantIds = new Set([...products.values()].flatMap((p) => (p.variants ?? []).map((v) => Number(v.id))));
  const stock = await readHaravan(clients.haravan as HaravanClient, config, [...products.keys()], variantIds);
  const [index, mappings, links, previous, conn] = await Promise.all([
    categoryIndex(store, clients.tiki),
    store.categoryMappings(connectionId),
    store.getLinksByProducts(connectionId, ids),
    store.publicationsOfProducts(connectionId, ids),
    store.getConnection(connectionId),
  ]);
  const warehouseIds = resolveTargetWarehouses(config.tikiWarehouseIds, (conn?.tikiSeller?.warehouseIds ?? []).map((id) => ({ id })));
  const out: PreparedPublication[] = [];
  for (const productId of ids) {
    const raw = products.get(productId);
    if (!raw) {
      out.push({ productId, problems: [problem('productId', 'PUBLISH_PRODUCT_NOT_FOUND', String(productId))] });
      continue;
    }
    const prev = previous.find((p) => p.productId === productId);
    const resubmitting = !!request.resubmitPubId && prev?.pubId === request.resubmitPubId;
    const open = prev && !TERMINAL_PUBLICATION_STATES.includes(prev.state);
    if (links.some((l) => l.haravanProductId === productId) || (!resubmitting && (open || prev?.state === 'approved'))) {
      out.push({ productId, problems: [problem('productId', 'PUBLISH_ALREADY_ON_TIKI', String(productId))] });
      continue;
    }
    if (resubmitting && !RESUBMITTABLE_STATES.includes(prev!.state)) {
      out.push({ productId, problems: [problem('pubId', 'INVALID_PUBLICATION_STATE', prev!.state)] });
      continue;
    }
    // A resubmission starts from the previous choices; the fields given replace them.
    const base: Partial<PublishChoices> = resubmitting ? prev!.choices : {};
    const choice = chooseCategory(productId, raw.product_type, request.categoryId ?? base.categoryId, mappings);
    const choices: PublishChoices = {
      categoryId: choice.categoryId,
      attributes: request.attributes ?? base.attributes ?? {},
      activate: request.activate ?? base.activate ?? true,
      mergeOptions: request.mergeOptions ?? base.mergeOptions,
    };
    const category = choice.categoryId ? index.ref(choice.categoryId) : null;
    const attributeDefs = category ? await categoryAttributes(store, clients.tiki, category.id) : [];
    const product = toPublishProduct(raw, stock);
    const check = buildProductRequest({ product, category, attributeDefs, choices, config, warehouseIds });
    if (choice.categoryId && !category) check.problems.unshift(problem('categoryId', 'TIKI_CATEGORY_NOT_FOUND', String(choice.categoryId)));
    const about = { title: raw.title ?? '', ...(category ? { categoryId: category.id } : { suggestions: index.suggest(raw.title ?? '', raw.product_type) }) };
    if (check.problems.length > 0 || !check.request) {
      out.push({ productId, ...about, problems: check.problems });
      continue;
    }
    if (request.dryRun) {
      out.push({ productId, ...about, problems: [], request: check.request });
      continue;
    }
    const pubId = resubmitting ? prev!.pubId : `pub_${args.batchKey}_${productId}`;
    const attempt = resubmitting ? prev!.attempts + 1 : 1;
    const workflowId = publishWorkflowId(shopId, pubId, attempt);
    await store.preparePublication({ pubId, connectionId, productId, choices, requestBody: check.request, workflowId });
    await rememberCategory(store, connectionId, productId, raw.product_type, choice, mappings);
    out.push({ productId, ...about, problems: [], pubId, workflowId, attempt, activate: choices.activate });
  }
  return out;
}

/** A category the merchant chose becomes the product's override, and its type's mapping when it had none. */
async function rememberCategory(
  store: Store,
  connectionId: string,
  productId: number,
  productType: string | null | undefined,
  choice: ReturnType<typeof chooseCategory>,
  mappings: Awaited<ReturnType<Store['categoryMappings']>>,
): Promise<void> {
  if (choice.source !== 'request' || !choice.categoryId) return;
  await store.setCategoryMapping(connectionId, { productId, categoryId: choice.categoryId });
  const type = productType?.trim();
  if (type && !chooseCategory(-1, type, undefined, mappings).categoryId) await store.setCategoryMapping(connectionId, { productType: type, categoryId: choice.categoryId });
}

type StockStates = Awaited<ReturnType<typeof readHaravan>>;

export function toPublishProduct(p: ProductLike, stock: StockStates): PublishProduct {
  const images = (p.images ?? []).map((img, i) => {
    const o = img as typeof img & { width?: unknown; height?: unknown };
    return {
      src: img.src ?? '',
      width: typeof o.width === 'number' ? o.width : null,
      height: typeof o.height === 'number' ? o.height : null,
      position: img.position ?? i + 1,
      variantIds: (img.variant_ids ?? []).map(Number),
    };
  });
  return {
    id: Number(p.id),
    title: p.title ?? '',
    bodyHtml: p.body_html ?? null,
    vendor: p.vendor ?? null,
    productType: p.product_type ?? null,
    optionNames: [...(p.options ?? [])].sort((a, b) => (a.position ?? 0) - (b.position ?? 0)).map((o) => o.name ?? ''),
    images,
    variants: (p.variants ?? []).map((v) => {
      const s = stock.get(Number(v.id));
      return {
        id: Number(v.id),
        title: v.title ?? null,
        barcode: normalizeBarcode(v.barcode),
        price: toInt(v.price),
        compareAtPrice: v.compare_at_price == null ? null : toInt(v.compare_at_price),
        options: [v.option1 ?? null, v.option2 ?? null, v.option3 ?? null],
        stock: s ?? { tracked: false, policy: 'deny', inventoryQuantity: 0, price: toInt(v.price), locations: [] },
      };
    }),
  };
}
