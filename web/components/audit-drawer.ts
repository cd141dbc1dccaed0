/**
 * The history drawer ("Vì sao Tiki hiển thị số này?"): the audit entries of one linked variant or one order, newest
 * first — time, the summary in the chosen language, the details on demand — loaded a page at a time.
 * Test ids: `history-button` (the row's button), `audit-drawer` (with `data-subject`, `data-total`), `audit-entry`
 * (with `data-kind`), `audit-summary`, `audit-details-toggle`, `audit-details`, `audit-more`, `audit-close`,
 * `audit-empty`.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { AuditEntry } from '../types';
import { useI18n } from '../i18n';
import { ErrorBox } from './common';

export type AuditSubjectRef = { type: 'variant'; variantId: number } | { type: 'order'; tikiCode: string };

const PAGE = 50;

const fetchPage = (connectionId: string, s: AuditSubjectRef, offset: number) =>
  s.type === 'variant' ? api.linkHistory(connectionId, s.variantId, { offset, limit: PAGE }) : api.orderHistory(connectionId, s.tikiCode, { offset, limit: PAGE });

/** The "History" / "Lịch sử" button of a row. */
export function HistoryButton({ onOpen }: { onOpen: () => void }) {
  const { t } = useI18n();
  return html`<button type="button" class="btn btn-small" onClick=${onOpen} data-testid="history-button">${t('history')}</button>`;
}

export function AuditDrawer({ connectionId, subject, onClose }: { connectionId: string; subject: AuditSubjectRef; onClose: () => void }) {
  const { t, lang, fmtTime } = useI18n();
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const key = subject.type === 'variant' ? String(subject.variantId) : subject.tikiCode;

  const load = async (offset: number) => {
    setBusy(true);
    setError(null);
    try {
      const page = await fetchPage(connectionId, subject, offset);
      setItems((cur) => (offset === 0 ? page.items : [...(cur ?? []), ...page.items]));
      setTotal(page.total);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    setItems(null);
    setOpen(new Set());
    void load(0);
  }, [connectionId, subject.type, key]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const toggle = (i: number) =>
    setOpen((cur) => {
      const next = new Set(cur);
      if (next.has(i)) next.delete(i);
      else next.add(i);
      return next;
    });
  const title = `${t(subject.type === 'variant' ? 'historyOfVariant' : 'historyOfOrder')} ${key}`;

  return html`<div>
    <div class="drawer-backdrop" onClick=${onClose}></div>
    <aside class="drawer" role="dialog" aria-modal="true" aria-label=${title} data-testid="audit-drawer" data-subject=${`${subject.type}:${key}`} data-total=${items ? String(total) : ''}>
      <div class="drawer-head">
        <h3>${title}</h3>
        <button type="button" class="btn btn-ghost" onClick=${onClose} data-testid="audit-close">${t('close')}</button>
      </div>
      <div class="drawer-body">
        <p class="muted small">${t('historyHelp')}</p>
        <${ErrorBox} error=${error} testId="audit-error" />
        ${items === null && !error && html`<p class="muted">${t('loading')}</p>`}
        ${items && items.length === 0 && html`<p class="muted" data-testid="audit-empty">${t('noHistory')}</p>`}
        ${items &&
        items.length > 0 &&
        html`<ol class="audit-list">
          ${items.map(
            (e, i) => html`<li class="audit-entry" data-testid="audit-entry" data-kind=${e.kind} data-at=${e.at}>
              <div><span class="audit-time">${fmtTime(e.at)}</span><code class="audit-kind muted">${e.kind}</code></div>
              <div data-testid="audit-summary">${lang === 'vi' ? e.summaryVi : e.summary}</div>
              <button type="button" class="btn btn-small btn-ghost" aria-expanded=${open.has(i)} onClick=${() => toggle(i)} data-testid="audit-details-toggle">${t('historyDetails')} ${open.has(i) ? '▾' : '▸'}</button>
              ${open.has(i) && html`<pre data-testid="audit-details">${JSON.stringify(e.details, null, 2)}</pre>`}
            </li>`,
          )}
        </ol>`}
        ${items && items.length < total && html`<button type="button" class="btn btn-small" disabled=${busy} onClick=${() => load(items.length)} data-testid="audit-more">${t('loadMore')} (${items.length}/${total})</button>`}
      </div>
    </aside>
  </div>`;
}
