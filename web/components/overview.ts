/** Connection state and health, linked counts, measured latencies and order completeness, the charts (charts.ts), push now, disconnect. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { Connection } from '../types';
import { useI18n } from '../i18n';
import { OverviewCharts } from './charts';
import { ErrorBox, Modal, StateBadge, Toast } from './common';
import { isActiveConnection } from '../../domain/terms';

export function Overview({ conn, onChanged }: { conn: Connection; onChanged: () => void }) {
  const { t, msg, fmtTime, fmtNum } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [toast, setToast] = useState<string | null>(null);
  const active = isActiveConnection(conn.state);

  const disconnect = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.disconnect(conn.id);
      setConfirming(false);
      onChanged();
    } catch (err) {
      setError(err);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  const pushNow = async () => {
    setError(null);
    try {
      const { pushId } = await api.pushNow(conn.id);
      setToast(`${t('pushQueued')} (${pushId})`);
    } catch (err) {
      setError(err);
    }
  };

  const p = conn.lastStockPush;
  const l = conn.latency;
  const oc = conn.orderCompleteness;
  return html`<div data-testid="overview">
    <section class="card">
      <div class="row-between">
        <div>
          <h2>${t('state')}: <${StateBadge} state=${conn.state} /></h2>
          <div class="muted">Haravan shop <b>${conn.shopId}</b>${conn.tikiSeller?.name ? html` ⇄ ${t('tikiSeller')} <b>${conn.tikiSeller.name}</b>` : null}</div>
        </div>
        <div class="actions">
          ${active && html`<button type="button" class="btn" onClick=${pushNow} data-testid="push-now">${t('pushNow')}</button>`}
          ${active && html`<button type="button" class="btn btn-danger" onClick=${() => setConfirming(true)} data-testid="disconnect">${t('disconnect')}</button>`}
        </div>
      </div>
      ${conn.attention
        ? html`<div class="alert alert-warn" data-testid="attention" data-code=${conn.attention.code}>
            <strong>${t('attentionTitle')}</strong> <span class="code">${conn.attention.code}</span>
            <div>${msg(conn.attention)}</div>
          </div>`
        : conn.state === 'connected'
          ? html`<div class="alert alert-ok" data-testid="healthy">${t('healthy')}</div>`
          : null}
      <${Toast} text=${toast} />
      <${ErrorBox} error=${error} />
    </section>

    <section class="stats" data-testid="counts">
      <div class="stat"><div class="stat-value" data-testid="count-linkedVariants">${fmtNum(conn.counts.linkedVariants)}</div><div class="stat-label">${t('linkedVariants')}</div></div>
      <div class="stat"><div class="stat-value" data-testid="count-linkedProducts">${fmtNum(conn.counts.linkedProducts)}</div><div class="stat-label">${t('linkedProducts')}</div></div>
      <div class="stat"><div class="stat-value" data-testid="count-syncErrors">${fmtNum(conn.counts.syncErrors)}</div><div class="stat-label">${t('syncErrorsCount')}</div></div>
      <div class="stat"><div class="stat-value" data-testid="count-ordersImported">${fmtNum(conn.counts.ordersImported)}</div><div class="stat-label">${t('ordersImported')}</div></div>
    </section>

    <section class="card" data-testid="measured">
      <h3>${t('measured')}</h3>
      <dl class="kv">
        <dt>${t('lastStockPush')}</dt>
        <dd data-testid="last-push">${p ? html`${fmtTime(p.at)} · ${fmtNum(p.pushed)} ${t('pushed')}, ${fmtNum(p.skipped)} ${t('skipped')}, ${fmtNum(p.failed)} ${t('failed')}` : t('never')}</dd>
        <dt>${t('latency')}</dt>
        <dd data-testid="latency">${l && l.stockP50Ms !== undefined ? html`p50 <b>${fmtNum(l.stockP50Ms)} ms</b> · p95 <b>${fmtNum(l.stockP95Ms)} ms</b> (${fmtNum(l.samples)} ${t('samples')})` : t('never')}</dd>
        <dt>${t('completeness')}</dt>
        <dd data-testid="completeness">
          ${oc ? html`${fmtTime(oc.checkedAt)} · ${fmtNum(oc.seen)} ${t('seen')}, ${fmtNum(oc.imported)} ${t('imported')}, ${fmtNum(oc.missing)} ${t('missing')}, ${fmtNum(oc.repairedTotal)} ${t('repaired')}` : t('never')}
        </dd>
        <dt>${t('reconcile')}</dt>
        <dd>${conn.reconcile ? html`${fmtTime(conn.reconcile.lastAt)} · ${fmtNum(conn.reconcile.drifted)} ${t('drifted')}` : t('never')}</dd>
        <dt>${t('workflow')}</dt>
        <dd><code>${conn.workflowId}</code></dd>
      </dl>
    </section>

    <${OverviewCharts} connectionId=${conn.id} />

    ${confirming &&
    html`<${Modal} title=${t('disconnect')} confirmLabel=${t('disconnect')} danger busy=${busy} onConfirm=${disconnect} onCancel=${() => setConfirming(false)} testId="disconnect-dialog">
      <p>${t('disconnectConfirm')}</p>
    <//>`}
  </div>`;
}
