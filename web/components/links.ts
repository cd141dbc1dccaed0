/** The linked variants of a connection (paged), each with its "History" button opening the audit drawer. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { Connection, Link } from '../types';
import { useI18n } from '../i18n';
import { ErrorBox, Pager } from './common';
import { AuditDrawer, HistoryButton } from './audit-drawer';

const LIMIT = 25;

export function LinksList({ conn }: { conn: Connection }) {
  const { t, fmtNum, fmtTime } = useI18n();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Link[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [historyOf, setHistoryOf] = useState<number | null>(null);

  useEffect(() => {
    let stale = false;
    api.links(conn.id, { page, limit: LIMIT }).then(
      (d) => !stale && (setData(d), setError(null)),
      (err) => !stale && setError(err),
    );
    return () => {
      stale = true;
    };
  }, [conn.id, page, conn.counts.linkedVariants]);

  return html`<section class="card" data-testid="links">
    <h2>${t('linksTitle')}</h2>
    <${ErrorBox} error=${error} testId="links-error" />
    ${data && data.items.length === 0 && html`<p class="muted">${t('noLinks')}</p>`}
    ${data &&
    data.items.length > 0 &&
    html`<div class="table-wrap">
        <table data-testid="links-table">
          <thead><tr><th>${t('product')}</th><th>${t('variant')}</th><th>${t('barcode')}</th><th>${t('tikiSku')}</th><th>${t('lastPushed')}</th><th></th></tr></thead>
          <tbody>
            ${data.items.map(
              (l) => html`<tr data-testid=${`link-${l.haravanVariantId}`}>
                <td>${l.haravanProductId}</td>
                <td>${l.haravanVariantId}</td>
                <td><code>${l.barcode}</code></td>
                <td><code>${l.tikiSku}</code></td>
                <td>${fmtNum(l.lastPushedQuantity)}${l.lastPushedPrice !== undefined ? html` · ${fmtNum(l.lastPushedPrice)}₫` : null}<div class="muted small">${l.lastVerifiedAt ? fmtTime(l.lastVerifiedAt) : ''}</div></td>
                <td><${HistoryButton} onOpen=${() => setHistoryOf(l.haravanVariantId)} /></td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <${Pager} page=${page} limit=${LIMIT} total=${data.total} onPage=${setPage} />`}
    ${historyOf !== null && html`<${AuditDrawer} connectionId=${conn.id} subject=${{ type: 'variant', variantId: historyOf }} onClose=${() => setHistoryOf(null)} />`}
  </section>`;
}
