/**
 * Settings: Haravan locations → Tiki warehouses ("Bán theo vùng", product.md §8 `warehouseMap`). For each Tiki
 * warehouse (read live, else typed by id), the Haravan locations whose stock it sells. The API checks the mapping
 * against the real locations and warehouses; its issues show here.
 */
import { html } from 'htm/preact';
import type { WarehouseMapEntry } from '../../domain/warehouse-map';
import type { Sources } from '../types';
import { useI18n } from '../i18n';
import { FieldIssue } from './common';

/** A mapping as edited: ids as typed (a text the API then names as wrong stays text). */
export type MapDraft = { tikiWarehouseId: number | string; inventoryLocationIds: (number | string)[] }[];

export const mapDraftOf = (map: readonly WarehouseMapEntry[] | undefined): MapDraft => (map ?? []).map((e) => ({ tikiWarehouseId: e.tikiWarehouseId, inventoryLocationIds: [...e.inventoryLocationIds] }));

/** One line per warehouse: `warehouse: location, location`. */
const toText = (d: MapDraft) => d.map((e) => `${e.tikiWarehouseId}: ${e.inventoryLocationIds.join(', ')}`).join('\n');
const num = (s: string): number | string => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());
const fromText = (text: string): MapDraft =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [w, locs = ''] = line.split(':');
      return { tikiWarehouseId: num(w), inventoryLocationIds: locs.split(/[\s,;]+/).filter(Boolean).map(num) };
    });

export function WarehouseMapField(props: { on: boolean; draft: MapDraft; sources: Sources | null; error: unknown; onToggle: (on: boolean) => void; onChange: (d: MapDraft) => void }) {
  const { t } = useI18n();
  const { on, draft, sources, error } = props;
  const known = sources && !sources.error && sources.locations.length > 0 && sources.warehouses.length > 0;
  const has = (w: number, l: number) => draft.some((e) => e.tikiWarehouseId === w && e.inventoryLocationIds.includes(l));
  const toggle = (w: number, l: number, checked: boolean) => {
    // A location sells from one warehouse only: ticking it under one takes it from the others.
    const rest = draft.map((e) => ({ ...e, inventoryLocationIds: e.inventoryLocationIds.filter((x) => x !== l) }));
    const entry = rest.find((e) => e.tikiWarehouseId === w);
    if (checked && entry) entry.inventoryLocationIds.push(l);
    else if (checked) rest.push({ tikiWarehouseId: w, inventoryLocationIds: [l] });
    const order = (id: number | string) => sources!.warehouses.findIndex((x) => x.id === id);
    props.onChange(rest.filter((e) => e.inventoryLocationIds.length > 0).sort((a, b) => order(a.tikiWarehouseId) - order(b.tikiWarehouseId)));
  };
  return html`<fieldset class="span2" data-testid="cfg-warehouse-map">
    <legend>${t('cfgWarehouseMap')}</legend>
    <label class="toggle">
      <input type="checkbox" checked=${on} onChange=${(e: Event) => props.onToggle((e.target as HTMLInputElement).checked)} data-testid="cfg-regional" />
      <span>${t('regionalStock')}</span>
    </label>
    <p class="muted small">${t(on ? 'regionalHelp' : 'regionalOffHelp')}</p>
    ${on &&
    (known
      ? html`<table class="map-grid">
          <thead>
            <tr>
              <th>${t('tikiWarehouse')}</th>
              <th>${t('haravanLocations')}</th>
            </tr>
          </thead>
          <tbody>
            ${sources!.warehouses.map(
              (w) => html`<tr data-testid=${`map-row-${w.id}`}>
                <td>${w.name} <span class="muted">(${w.id})</span></td>
                <td class="checks">
                  ${sources!.locations.map(
                    (l) => html`<label><input type="checkbox" checked=${has(w.id, l.id)} onChange=${(e: Event) => toggle(w.id, l.id, (e.target as HTMLInputElement).checked)} data-testid=${`map-${w.id}-${l.id}`} />
                      ${l.name} <span class="muted">(${l.id})</span></label>`,
                  )}
                </td>
              </tr>`,
            )}
          </tbody>
        </table>`
      : html`<label class="field"
          ><span>${t('warehouseMapText')}</span>
          <textarea rows="3" value=${toText(draft)} onChange=${(e: Event) => props.onChange(fromText((e.target as HTMLTextAreaElement).value))} data-testid="cfg-warehouseMap-text"></textarea
        ></label>`)}
    <${FieldIssue} error=${error} path="warehouseMap" />
  </fieldset>`;
}
