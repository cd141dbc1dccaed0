/**
 * The orders tab's selection bar (api.md additions, `order-batches`): the selected orders (or all awaiting
 * confirmation) → confirm / ready to ship / print labels / cancel (after a confirmation) in one job; then its live
 * progress, each order's outcome with its reason, and for labels the one PDF to print and the labels listed apart.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, file } from '../api';
import type { OrderBatch } from '../types';
import { useI18n } from '../i18n';
import { ErrorBox, Modal, ProgressBar } from './common';
import type { BatchAction } from '../../domain/terms';

const POLL_MS = 1000;

/** What the bar acts on: the ticked orders, or every order awaiting confirmation. */
export type Selection = { kind: 'codes'; codes: string[] } | { kind: 'awaiting' };

const ACTIONS: { action: BatchAction; label: string; danger?: boolean }[] = [
  { action: 'confirm', label: 'batchConfirm' },
  { action: 'ready-to-ship', label: 'readyToShip' },
  { action: 'print-label', label: 'printLabel' },
  { action: 'cancel', label: 'cancelOrder', danger: true },
];

export function BatchBar({ connectionId, selection, enabled, onClear, onFinished }: { connectionId: string; selection: Selection; enabled: boolean; onClear: () => void; onFinished: () => void }) {
  const { t, lang } = useI18n();
  const [batch, setBatch] = useState<OrderBatch | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState(false);
  const [pdfHref, setPdfHref] = useState<string | null>(null);
  const pdfUrl = useRef<string | null>(null);
  const count = selection.kind === 'codes' ? selection.codes.length : null;
  const running = batch?.state === 'running';

  // Follow the job until it ends; then fetch its PDF (the API needs the token, a plain link would not carry it) and
  // offer it as a download (the page's CSP keeps blob documents and fetches out).
  useEffect(() => {
    if (!batch || batch.state !== 'running') return;
    const timer = window.setTimeout(() => api.orderBatch(connectionId, batch.batchId).then(setBatch, setError), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [batch, connectionId]);
  useEffect(() => {
    if (!batch || batch.state === 'running') return;
    onFinished();
    if (batch.labelsPdfUrl) file(batch.labelsPdfUrl).then((b) => setPdfHref((pdfUrl.current = URL.createObjectURL(b))), setError);
  }, [batch?.batchId, batch?.state]);
  // The PDF's object URL lives until the next job or until the tab closes.
  const forgetPdf = () => {
    if (pdfUrl.current) URL.revokeObjectURL(pdfUrl.current);
    pdfUrl.current = null;
    setPdfHref(null);
  };
  useEffect(() => forgetPdf, []);

  const start = async (action: BatchAction) => {
    setError(null);
    forgetPdf();
    try {
      setBatch(await api.startOrderBatch(connectionId, selection.kind === 'awaiting' ? { action, select: 'awaiting_confirmation' } : { action, tikiCodes: selection.codes }));
      onClear();
    } catch (err) {
      setError(err);
    }
  };

  const nothing = selection.kind === 'codes' && selection.codes.length === 0;
  const word = (i: { message?: string; messageVi?: string }) => (lang === 'vi' ? i.messageVi : i.message) ?? '';
  return html`<div class="batch-bar" data-testid="batch-bar">
    <div class="row-between">
      <span data-testid="batch-selection">${count === null ? t('batchAllAwaiting') : `${t('batchSelected')}: ${count}`}</span>
      <span class="order-actions">
        ${ACTIONS.map(
          (a) => html`<button type="button" class=${a.danger ? 'btn btn-small btn-danger' : 'btn btn-small btn-primary'} disabled=${!enabled || nothing || running} onClick=${() => (a.action === 'cancel' ? setAsking(true) : start(a.action))} data-testid=${`batch-${a.action}`}>
            ${t(a.label)}
          </button>`,
        )}
        <button type="button" class="btn btn-small" disabled=${nothing} onClick=${onClear} data-testid="batch-clear">${t('batchClear')}</button>
      </span>
    </div>
    <${ErrorBox} error=${error} testId="batch-error" />
    ${batch &&
    html`<div class="batch-result" data-testid="batch-result" data-state=${batch.state}>
      <strong>${running ? t('batchRunning') : t('batchFinished')}</strong>
      <${ProgressBar} value=${batch.total - batch.pending} total=${batch.total} state=${batch.state} />
      <div class="small">${t('batchDone')} ${batch.done} · ${t('batchSkipped')} ${batch.skipped} · ${t('batchFailed')} ${batch.failed}</div>
      ${pdfHref && html`<p><a class="btn btn-small btn-primary" href=${pdfHref} download=${`tiki-labels-${batch.batchId}.pdf`} data-testid="batch-pdf">${t('batchPdf')} (${batch.labelPages} ${t('batchPages')})</a></p>`}
      <table class="small" data-testid="batch-items">
        <tbody>
          ${batch.items.map(
            (i) => html`<tr data-testid=${`batch-item-${i.tikiCode}`} data-outcome=${i.outcome} data-code=${i.code ?? ''}>
              <td><code>${i.tikiCode}</code></td>
              <td><span class=${`badge badge-outcome-${i.outcome}`}>${t(`batch${i.outcome[0].toUpperCase()}${i.outcome.slice(1)}`)}</span></td>
              <td>${i.code ? html`<span class="code">${i.code}</span> ${word(i)}` : null}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${batch.labelsApart.length > 0 &&
      html`<div data-testid="batch-apart"><strong>${t('batchApart')}</strong>
        <ul>${batch.labelsApart.map((l) => html`<li><code>${l.tikiCode}</code> ${word(l)} ${l.labelUrl && html`<a href=${l.labelUrl} target="_blank" rel="noopener">${t('batchOpenLabel')} ↗</a>`}</li>`)}</ul>
      </div>`}
    </div>`}
    ${asking &&
    html`<${Modal} title=${t('cancelOrder')} confirmLabel=${t('cancelOrder')} danger testId="batch-cancel-dialog" onCancel=${() => setAsking(false)} onConfirm=${() => (setAsking(false), start('cancel'))}>
      <p>${t('batchCancelConfirm')}</p>
    <//>`}
  </div>`;
}
