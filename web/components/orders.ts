/**
 * Imported Tiki orders with their status and the Tiki actions: print label, ready to ship, cancel (confirmed); ticked
 * orders (or all awaiting confirmation) go to the selection bar for one bulk job (order-batch.ts).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { Connection, Order } from '../types';
import { useI18n } from '../i18n';
import { ErrorBox, Modal, Pager, Toast } from './common';
import { BatchBar, type Selection } from './order-batch';
import { AuditDrawer, HistoryButton } from './audit-drawer';
import { MESSAGES } from '../../domain/messages';
import { isActiveConnection, isTerminal, ORDER_STATUSES, type OrderAction } from '../../domain/terms';

const warningText = (code: string, lang: string) => {
  const m = (MESSAGES as Record<string, { vi: string; en: string }>)[code];
  return m ? (lang === 'vi' ? m.vi : m.en) : code;
};

const LIMIT = 25;
const REFRESH_MS = 3000;

export function Orders({ conn }: { conn: Connection }) {
  const { t, lang, fmtTime, fmtNum } = useI18n();
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Order[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [toast, setToast] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<Order | null>(null);
  const [reason, setReason] = useState('');
  const [version, setVersion] = useState(0);
  const [selection, setSelection] = useState<Selection>({ kind: 'codes', codes: [] });
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const ticked = (code: string) => selection.kind === 'codes' && selection.codes.includes(code);
  const tick = (code: string, on: boolean) => {
    const codes = selection.kind === 'codes' ? selection.codes : [];
    setSelection({ kind: 'codes', codes: on ? [...codes.filter((c) => c !== code), code] : codes.filter((c) => c !== code) });
  };
  const canAct = conn.config.processOrdersInHaravan && isActiveConnection(conn.state);

  useEffect(() => {
    let stale = false;
    let timer: number | undefined;
    const load = () =>
      api.orders(conn.id, { status: status || undefined, page, limit: LIMIT }).then(
        (d) => {
          if (stale) return;
          setData(d);
          timer = window.setTimeout(load, REFRESH_MS);
        },
        (err) => !stale && setError(err),
      );
    void load();
    return () => {
      stale = true;
      window.clearTimeout(timer);
    };
  }, [conn.id, status, page, version]);

  const act = async (o: Order, action: OrderAction, why?: string) => {
    setError(null);
    setToast(null);
    setBusy(`${o.tikiCode}:${action}`);
    // Opened within the click so no popup blocker stops it; pointed at the label once the API answers.
    const labelWindow = action === 'print-label' ? window.open('', '_blank') : null;
    try {
      const res = await api.orderAction(conn.id, o.tikiCode, action, why);
      const url = res.result.labelUrl ?? res.order.labelUrl;
      if (action === 'print-label' && url) {
        if (labelWindow) labelWindow.location.href = url;
        else window.open(url, '_blank');
        setToast(`${t('labelOpened')}: ${o.tikiCode}`);
      } else {
        labelWindow?.close();
        setToast(`${t('actionDone')}: ${o.tikiCode} → ${t(`os_${res.order.status}`)}`);
      }
      setVersion((v) => v + 1);
    } catch (err) {
      labelWindow?.close();
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return html`<section class="card" data-testid="orders">
    <div class="row-between">
      <h2>${t('tabOrders')}</h2>
      <label class="inline">
        ${t('filterStatus')}
        <select value=${status} onChange=${(e: Event) => (setStatus((e.target as HTMLSelectElement).value), setPage(1))} data-testid="order-status-filter">
          <option value="">${t('all')}</option>
          ${ORDER_STATUSES.map((s) => html`<option value=${s}>${t(`os_${s}`)}</option>`)}
        </select>
      </label>
    </div>
    ${!conn.config.processOrdersInHaravan && html`<p class="muted" data-testid="processed-on-tiki">${t('processedOnTiki')}</p>`}
    ${canAct &&
    html`<div class="row-between">
        <span class="order-actions">
          <button type="button" class="btn btn-small" disabled=${!data?.items.length} onClick=${() => setSelection({ kind: 'codes', codes: (data?.items ?? []).filter((o) => !isTerminal(o.status)).map((o) => o.tikiCode) })} data-testid="batch-select-page">${t('batchSelectPage')}</button>
          <button type="button" class="btn btn-small" onClick=${() => setSelection({ kind: 'awaiting' })} data-testid="batch-select-awaiting">${t('batchSelectAwaiting')}</button>
        </span>
      </div>
      <${BatchBar} connectionId=${conn.id} selection=${selection} enabled=${canAct} onClear=${() => setSelection({ kind: 'codes', codes: [] })} onFinished=${() => setVersion((v) => v + 1)} />`}
    <${Toast} text=${toast} />
    <${ErrorBox} error=${error} testId="order-error" />
    ${data && data.items.length === 0 && html`<p class="muted">${t('noOrders')}</p>`}
    ${data &&
    data.items.length > 0 &&
    html`<div class="table-wrap">
        <table data-testid="orders-table">
          <thead>
            <tr><th></th><th>${t('tikiCode')}</th><th>${t('haravanOrder')}</th><th>${t('status')}</th><th>${t('tikiStatus')}</th><th>${t('customer')}</th><th>${t('items')}</th><th>${t('actions')}</th></tr>
          </thead>
          <tbody>
            ${data.items.map((o) => {
              const done = isTerminal(o.status);
              const dis = (a: string) => !canAct || done || busy !== null || (a === 'ready-to-ship' && o.status !== 'awaiting_confirmation' && o.status !== 'confirmed');
              return html`<tr data-testid=${`order-${o.tikiCode}`} data-status=${o.status}>
                <td><input type="checkbox" aria-label=${o.tikiCode} disabled=${!canAct || done} checked=${ticked(o.tikiCode) || (selection.kind === 'awaiting' && o.status === 'awaiting_confirmation')} onChange=${(e: Event) => tick(o.tikiCode, (e.target as HTMLInputElement).checked)} data-testid="order-select" /></td>
                <td><code>${o.tikiCode}</code>${o.atRisk ? html` <span class="badge badge-attention" title=${o.deadlineAt ? fmtTime(o.deadlineAt) : ''}>${t('atRisk')}</span>` : null}</td>
                <td>${o.haravanOrderId ?? '—'}</td>
                <td><span class=${`badge badge-os-${o.status}`} data-testid="order-status">${t(`os_${o.status}`)}</span></td>
                <td><code>${o.tikiStatus}</code></td>
                <td>${o.customer.name ?? '—'}<div class="muted small">${o.customer.phone ?? ''}</div></td>
                <td>${o.items.map((i) => html`<div class="small">${i.quantity} × <code>${i.tikiSku}</code> · ${fmtNum(i.price)}₫</div>`)}
                  ${o.warnings.map((w) => html`<div class="small warn" title=${w}>⚠ ${warningText(w, lang)}</div>`)}</td>
                <td class="order-actions">
                  <button type="button" class="btn btn-small" disabled=${!canAct || done || busy !== null} onClick=${() => act(o, 'print-label')} data-testid="action-print-label">${t('printLabel')}</button>
                  <button type="button" class="btn btn-small" disabled=${dis('ready-to-ship')} onClick=${() => act(o, 'ready-to-ship')} data-testid="action-ready-to-ship">${t('readyToShip')}</button>
                  <button type="button" class="btn btn-small btn-danger" disabled=${!canAct || done || busy !== null} onClick=${() => (setReason(''), setCancelling(o))} data-testid="action-cancel">${t('cancelOrder')}</button>
                  ${o.labelUrl && html`<a class="small" href=${o.labelUrl} target="_blank" rel="noopener">${t('printLabel')} ↗</a>`}
                  <${HistoryButton} onOpen=${() => setHistoryOf(o.tikiCode)} />
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      <${Pager} page=${page} limit=${LIMIT} total=${data.total} onPage=${setPage} />`}
    ${historyOf && html`<${AuditDrawer} connectionId=${conn.id} subject=${{ type: 'order', tikiCode: historyOf }} onClose=${() => setHistoryOf(null)} />`}
    ${cancelling &&
    html`<${Modal}
      title=${`${t('cancelOrder')} ${cancelling.tikiCode}`}
      confirmLabel=${t('cancelOrder')}
      danger
      busy=${busy !== null}
      testId="cancel-dialog"
      onCancel=${() => setCancelling(null)}
      onConfirm=${async () => {
        const o = cancelling;
        setCancelling(null);
        await act(o, 'cancel', reason || undefined);
      }}
    >
      <p>${t('cancelConfirm')}</p>
      <label class="field"><span>${t('cancelReason')}</span><input type="text" value=${reason} onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} data-testid="cancel-reason" /></label>
    <//>`}
  </section>`;
}
