/**
 * One connection's Haravan delta watch: its two cursors (inventory rows, products), what the last round handled,
 * and one round of the two cheap `updated_at_min` reads. Used by the per-connection poll (`poll.ts`) and by the poll
 * shards (`activities/poll-shard.ts`). Rules: `domain/stock-poll.ts`.
 */
import type { HaravanClient } from '../../connectors/haravan/client';
import { inventoryRowFingerprint, nextCursor, noteSeen, pollSince, variantFingerprint, type Seen } from '../../domain/stock-poll';
import type { Store } from '../../store/store';
import type { ProductLike } from './types';

export const INVENTORY_CURSOR = 'haravan-inventory';
export const PRODUCTS_CURSOR = 'haravan-products';

/** What one round read: the changes not handled yet, the products read, and the cursors once they are handled. */
export interface DeltaRound {
  seen: Map<number, Seen>;
  preloaded: Map<number, ProductLike>;
  next: { inventory: string; products: string };
  rows: Map<string, string>;
}

export class HaravanDeltas {
  private invCursor: string | undefined;
  private prodCursor: string | undefined;
  private storedInv: string | null = null;
  private storedProd: string | null = null;
  /**
   * What the last round handled, per inventory row and product variant: its `updated_at` and the fields the
   * push depends on. The cursor never passes the newest change seen (robust to Haravan's clock), so with the
   * overlap every round reads that change again; unchanged, it is not handled again (no link reads, no plan,
   * and the idle cadence can back off). A new change differs in one or the other, even within one second.
   */
  private handled = new Map<string, string>();

  constructor(
    private readonly store: Store,
    readonly connectionId: string,
  ) {}

  /** One round: read both deltas since the cursors (the stored ones at the first round). */
  async read(haravan: HaravanClient, cycleStart = Date.now()): Promise<DeltaRound> {
    if (this.invCursor === undefined || this.prodCursor === undefined) {
      // Read once per watch: its owner is the only writer besides the pushes it hands work to (advanceCursor).
      this.storedInv = await this.store.getCursor(this.connectionId, INVENTORY_CURSOR);
      this.storedProd = await this.store.getCursor(this.connectionId, PRODUCTS_CURSOR);
      this.invCursor = this.storedInv ?? new Date(Date.now() - 60_000).toISOString();
      this.prodCursor = this.storedProd ?? this.invCursor;
    }
    const invCursor = this.invCursor;
    const prodCursor = this.prodCursor;
    const pollStarted = new Date().toISOString();
    const [rows, products] = await Promise.all([
      haravan.listAllInventoryLocations({ updatedAtMin: pollSince(invCursor) }).then((r) => ({ r, at: Date.now() })),
      (async () => {
        const out: ProductLike[] = [];
        for await (const page of haravan.listAllProducts({ updatedAtMin: pollSince(prodCursor) })) for (const p of page) out.push({ ...p, readAt: cycleStart });
        return out;
      })(),
    ]);
    const seen = new Map<number, Seen>();
    const roundRows = new Map<string, string>();
    const isNew = (key: string, fingerprint: string) => {
      roundRows.set(key, fingerprint);
      return this.handled.get(key) !== fingerprint;
    };
    for (const r of rows.r) {
      if (!isNew(`i:${r.variant_id}:${r.loc_id}`, inventoryRowFingerprint(r))) continue;
      noteSeen(seen, Number(r.variant_id), rows.at, Date.parse(String(r.updated_at ?? '')) || undefined);
    }
    const preloaded = new Map<number, ProductLike>();
    for (const p of products) {
      preloaded.set(Number(p.id), p);
      for (const v of p.variants ?? []) {
        const updatedAt = (v as { updated_at?: unknown }).updated_at ?? p.updated_at ?? '';
        if (!isNew(`p:${v.id}`, variantFingerprint(updatedAt, v))) continue;
        noteSeen(seen, Number(v.id), cycleStart, Date.parse(String(updatedAt)) || undefined);
      }
    }
    return {
      seen,
      preloaded,
      rows: roundRows,
      next: {
        inventory: nextCursor(rows.r.map((r) => String(r.updated_at ?? '')), invCursor, pollStarted),
        products: nextCursor(products.map((p) => String(p.updated_at ?? '')), prodCursor, pollStarted),
      },
    };
  }

  /** The round's changes are handled (pushed, or handed to a push): they are not handled again, the cursors move. */
  accept(round: DeltaRound): void {
    this.handled = round.rows;
    this.invCursor = round.next.inventory;
    this.prodCursor = round.next.products;
  }

  /** Store the cursors where they moved (the first round stores the starting point too); never moves a stored one back. */
  async storeCursors(): Promise<void> {
    if (this.invCursor !== undefined && this.invCursor !== this.storedInv) {
      await this.store.advanceCursor(this.connectionId, INVENTORY_CURSOR, (this.storedInv = this.invCursor));
    }
    if (this.prodCursor !== undefined && this.prodCursor !== this.storedProd) {
      await this.store.advanceCursor(this.connectionId, PRODUCTS_CURSOR, (this.storedProd = this.prodCursor));
    }
  }

  /** The cursors a push stores once it handled this round's changes (see `storeHandedCursors`). */
  handedCursors(round: DeltaRound): { inventory: string; products: string } {
    // The stored values are written by the push: this watch need not write them again.
    this.storedInv = round.next.inventory;
    this.storedProd = round.next.products;
    return round.next;
  }
}

/** The receiver of a hand-off stores the cursors after its push (a retried hand-off stores them again: harmless). */
export async function storeHandedCursors(store: Store, connectionId: string, cursors: { inventory: string; products: string }): Promise<void> {
  await store.advanceCursor(connectionId, INVENTORY_CURSOR, cursors.inventory);
  await store.advanceCursor(connectionId, PRODUCTS_CURSOR, cursors.products);
}
