/**
 * Settings: what to update, order handling, stock source locations ("Kho tổng" or chosen), order location,
 * Tiki warehouses or a location → warehouse mapping (warehouse-map.ts), ratio and safety stock. Only changed keys are sent; the API's field-level issues show
 * beside each field (the browser does not pre-validate, so what the merchant sees is what the API says).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { Config, Connection, Sources } from '../types';
import { useI18n } from '../i18n';
import { isActiveConnection } from '../../domain/terms';
import { ErrorBox, FieldIssue, Toast } from './common';
import { mapDraftOf, WarehouseMapField, type MapDraft } from './warehouse-map';

type Draft = {
  syncPrice: boolean;
  syncQuantity: boolean;
  processOrdersInHaravan: boolean;
  restockOnCancel: boolean;
  allLocations: boolean;
  inventoryLocationIds: string;
  orderLocationId: string;
  tikiWarehouseIds: string;
  regional: boolean;
  warehouseMap: MapDraft;
  stockRatioPercent: string;
  safetyStock: string;
  oversellQuantity: string;
  reconcileIntervalSeconds: string;
};

const fromConfig = (c: Config): Draft => ({
  syncPrice: c.syncPrice,
  syncQuantity: c.syncQuantity,
  processOrdersInHaravan: c.processOrdersInHaravan,
  restockOnCancel: c.restockOnCancel,
  allLocations: c.inventoryLocationIds.length === 0,
  inventoryLocationIds: c.inventoryLocationIds.join(', '),
  orderLocationId: c.orderLocationId ? String(c.orderLocationId) : '',
  tikiWarehouseIds: c.tikiWarehouseIds.join(', '),
  regional: (c.warehouseMap ?? []).length > 0,
  warehouseMap: mapDraftOf(c.warehouseMap),
  stockRatioPercent: String(c.stockRatioPercent),
  safetyStock: String(c.safetyStock),
  oversellQuantity: String(c.oversellQuantity),
  reconcileIntervalSeconds: String(c.reconcileIntervalSeconds),
});

/** A number when the text is one, else the text itself (the API then says what is wrong with it). */
const num = (s: string): number | string => (/^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s.trim()) : s.trim());
const ids = (s: string): (number | string)[] =>
  s
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(num);

function patchOf(d: Draft, c: Config): Record<string, unknown> {
  const next: Record<string, unknown> = {
    syncPrice: d.syncPrice,
    syncQuantity: d.syncQuantity,
    processOrdersInHaravan: d.processOrdersInHaravan,
    restockOnCancel: d.restockOnCancel,
    inventoryLocationIds: d.allLocations ? [] : ids(d.inventoryLocationIds),
    tikiWarehouseIds: ids(d.tikiWarehouseIds),
    warehouseMap: d.regional ? d.warehouseMap : [],
    stockRatioPercent: num(d.stockRatioPercent),
    safetyStock: num(d.safetyStock),
    oversellQuantity: num(d.oversellQuantity),
    reconcileIntervalSeconds: num(d.reconcileIntervalSeconds),
  };
  if (d.orderLocationId) next.orderLocationId = num(d.orderLocationId);
  const patch: Record<string, unknown> = {};
  const current: Record<string, unknown> = { ...c, warehouseMap: c.warehouseMap ?? [] };
  for (const [k, v] of Object.entries(next)) if (JSON.stringify(v) !== JSON.stringify(current[k])) patch[k] = v;
  return patch;
}

export function ConfigForm({ conn, onSaved }: { conn: Connection; onSaved: (c: Connection) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(() => fromConfig(conn.config));
  const [sources, setSources] = useState<Sources | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [toast, setToast] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const active = isActiveConnection(conn.state);

  useEffect(() => {
    api.sources(conn.id).then(setSources, () => setSources({ locations: [], warehouses: [], error: { code: 'UNAVAILABLE', message: '', messageVi: '' } }));
  }, [conn.id]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const toggleId = (k: 'inventoryLocationIds' | 'tikiWarehouseIds', id: number, on: boolean) => {
    const cur = new Set(ids(draft[k]).map(String));
    if (on) cur.add(String(id));
    else cur.delete(String(id));
    set(k, [...cur].join(', '));
  };
  const hasId = (k: 'inventoryLocationIds' | 'tikiWarehouseIds', id: number) => ids(draft[k]).map(String).includes(String(id));

  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setToast(null);
    const patch = patchOf(draft, conn.config);
    if (Object.keys(patch).length === 0) {
      setToast(t('nothingChanged'));
      return;
    }
    setBusy(true);
    try {
      const c = await api.patchConfig(conn.id, patch);
      setDraft(fromConfig(c.config));
      setToast(t('saved'));
      onSaved(c);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (k: 'syncPrice' | 'syncQuantity' | 'processOrdersInHaravan' | 'restockOnCancel') => html`<label class="toggle">
    <input type="checkbox" checked=${draft[k]} onChange=${(e: Event) => set(k, (e.target as HTMLInputElement).checked)} data-testid=${`cfg-${k}`} />
    <span>${t(k)}</span>
    <${FieldIssue} error=${error} path=${k} />
  </label>`;
  const numberField = (k: 'stockRatioPercent' | 'safetyStock' | 'oversellQuantity' | 'reconcileIntervalSeconds') => html`<label class="field">
    <span>${t(k)}</span>
    <input type="text" inputmode="numeric" value=${draft[k]} onInput=${(e: Event) => set(k, (e.target as HTMLInputElement).value)} data-testid=${`cfg-${k}`} />
    <${FieldIssue} error=${error} path=${k} />
  </label>`;
  const sourcesKnown = sources && !sources.error && sources.locations.length > 0;

  return html`<section class="card" data-testid="config-form">
    <h2>${t('tabConfig')}</h2>
    <form onSubmit=${save} novalidate>
      <div class="grid2">
        <fieldset>
          <legend>${t('cfgUpdate')}</legend>
          ${toggle('syncPrice')} ${toggle('syncQuantity')}
        </fieldset>
        <fieldset>
          <legend>${t('cfgOrders')}</legend>
          ${toggle('processOrdersInHaravan')} ${toggle('restockOnCancel')}
          <label class="field">
            <span>${t('orderLocation')}</span>
            ${sourcesKnown
              ? html`<select value=${draft.orderLocationId} onChange=${(e: Event) => set('orderLocationId', (e.target as HTMLSelectElement).value)} data-testid="cfg-orderLocationId">
                  <option value="">${t('defaultLocation')}</option>
                  ${sources!.locations.map((l) => html`<option value=${String(l.id)}>${l.name} (${l.id})</option>`)}
                </select>`
              : html`<input type="text" value=${draft.orderLocationId} placeholder=${t('defaultLocation')} onInput=${(e: Event) => set('orderLocationId', (e.target as HTMLInputElement).value)} data-testid="cfg-orderLocationId" />`}
            <${FieldIssue} error=${error} path="orderLocationId" />
          </label>
        </fieldset>
        ${!draft.regional &&
        html`<fieldset>
          <legend>${t('cfgStockSource')}</legend>
          <div class="radios">
            <label><input type="radio" name="locmode" checked=${draft.allLocations} onChange=${() => set('allLocations', true)} data-testid="cfg-all-locations" /> ${t('allLocations')}</label>
            <label><input type="radio" name="locmode" checked=${!draft.allLocations} onChange=${() => set('allLocations', false)} data-testid="cfg-chosen-locations" /> ${t('chosenLocations')}</label>
          </div>
          ${!draft.allLocations &&
          (sourcesKnown
            ? html`<div class="checks" data-testid="cfg-locations">
                ${sources!.locations.map(
                  (l) => html`<label><input type="checkbox" checked=${hasId('inventoryLocationIds', l.id)} onChange=${(e: Event) => toggleId('inventoryLocationIds', l.id, (e.target as HTMLInputElement).checked)} data-testid=${`cfg-location-${l.id}`} />
                    ${l.name} <span class="muted">(${l.id}${l.primary ? `, ${t('primary')}` : ''})</span></label>`,
                )}
              </div>`
            : html`<label class="field"><span>${t('locationIds')}</span><input type="text" value=${draft.inventoryLocationIds} onInput=${(e: Event) => set('inventoryLocationIds', (e.target as HTMLInputElement).value)} data-testid="cfg-inventoryLocationIds" /></label>`)}
          <${FieldIssue} error=${error} path="inventoryLocationIds" />
        </fieldset>`}
        ${!draft.regional &&
        html`<fieldset>
          <legend>${t('tikiWarehouses')}</legend>
          <p class="muted small">${t('firstWarehouse')}</p>
          ${sources && !sources.error && sources.warehouses.length > 0
            ? html`<div class="checks" data-testid="cfg-warehouses">
                ${sources.warehouses.map(
                  (w) => html`<label><input type="checkbox" checked=${hasId('tikiWarehouseIds', w.id)} onChange=${(e: Event) => toggleId('tikiWarehouseIds', w.id, (e.target as HTMLInputElement).checked)} data-testid=${`cfg-warehouse-${w.id}`} />
                    ${w.name} <span class="muted">(${w.id}${w.primary ? `, ${t('primary')}` : ''})</span></label>`,
                )}
              </div>`
            : html`<label class="field"><span>${t('warehouseIds')}</span><input type="text" value=${draft.tikiWarehouseIds} onInput=${(e: Event) => set('tikiWarehouseIds', (e.target as HTMLInputElement).value)} data-testid="cfg-tikiWarehouseIds" /></label>`}
          <${FieldIssue} error=${error} path="tikiWarehouseIds" />
        </fieldset>`}
        <${WarehouseMapField}
          on=${draft.regional}
          draft=${draft.warehouseMap}
          sources=${sources}
          error=${error}
          onToggle=${(on: boolean) => set('regional', on)}
          onChange=${(d: MapDraft) => set('warehouseMap', d)}
        />
        <fieldset class="span2">
          <legend>${t('cfgNumbers')}</legend>
          <div class="grid4">${numberField('stockRatioPercent')} ${numberField('safetyStock')} ${numberField('oversellQuantity')} ${numberField('reconcileIntervalSeconds')}</div>
        </fieldset>
      </div>
      ${sources?.error && html`<p class="muted small">${t('sourcesUnavailable')}</p>`}
      <${ErrorBox} error=${error} testId="config-error" />
      <${Toast} text=${toast} />
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled=${busy || !active} data-testid="cfg-save">${t('save')}</button>
      </div>
    </form>
  </section>`;
}
