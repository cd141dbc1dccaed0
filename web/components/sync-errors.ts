/** Current sync errors and warnings ("Kiểm tra đồng bộ"), filtered by code, with the vi/en message. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { Connection, SyncError } from '../types';
import { useI18n } from '../i18n';
import { ErrorBox, Pager } from './common';
import { SYNC_ERROR_CODES } from '../../domain/terms';
const LIMIT = 25;

export function SyncErrors({ conn, version }: { conn: Connection; version: number }) {
  const { t, msg, fmtTime } = useI18n();
  const [code, setCode] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: SyncError[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let stale = false;
    api.syncErrors(conn.id, { code: code || undefined, page, limit: LIMIT }).then(
      (d) => !stale && (setData(d), setError(null)),
      (err) => !stale && setError(err),
    );
    return () => {
      stale = true;
    };
  }, [conn.id, code, page, version]);

  return html`<section class="card" data-testid="sync-errors">
    <div class="row-between">
      <h2>${t('tabErrors')}</h2>
      <label class="inline">
        ${t('filterCode')}
        <select value=${code} onChange=${(e: Event) => (setCode((e.target as HTMLSelectElement).value), setPage(1))} data-testid="error-code-filter">
          <option value="">${t('all')}</option>
          ${SYNC_ERROR_CODES.map((c) => html`<option value=${c}>${c}</option>`)}
        </select>
      </label>
    </div>
    <${ErrorBox} error=${error} />
    ${data && data.items.length === 0 && html`<p class="muted" data-testid="no-errors">${t('noErrors')}</p>`}
    ${data &&
    data.items.length > 0 &&
    html`<div class="table-wrap">
        <table data-testid="errors-table">
          <thead><tr><th>${t('code')}</th><th>${t('severity')}</th><th>${t('product')}</th><th>${t('variant')}</th><th>${t('barcode')}</th><th>${t('message')}</th><th>${t('at')}</th></tr></thead>
          <tbody>
            ${data.items.map(
              (e) => html`<tr data-code=${e.code}>
                <td><code>${e.code}</code></td>
                <td><span class=${`badge badge-sev-${e.severity}`}>${t(`sev_${e.severity}`)}</span></td>
                <td>${e.haravanProductId ?? '—'}</td>
                <td>${e.haravanVariantId ?? '—'}</td>
                <td><code>${e.barcode ?? '—'}</code></td>
                <td class="msg">${msg(e)}</td>
                <td class="nowrap">${fmtTime(e.at)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <${Pager} page=${page} limit=${LIMIT} total=${data.total} onPage=${setPage} />`}
  </section>`;
}
