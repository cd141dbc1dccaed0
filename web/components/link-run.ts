/** Link run: start (or preview) a run over every product and follow its progress live. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { Connection, LinkRun } from '../types';
import { useI18n } from '../i18n';
import { isActiveConnection } from '../../domain/terms';
import { ErrorBox, ProgressBar } from './common';

const POLL_MS = 500;
const PREVIEW_ROWS = 200;

export function LinkPanel({ conn, onFinished }: { conn: Connection; onFinished: () => void }) {
  const { t, msg } = useI18n();
  const [run, setRun] = useState<LinkRun | null>(null);
  const [runId, setRunId] = useState<string | null>(conn.activeLinkRunId ?? null);
  const [error, setError] = useState<unknown>(null);
  const active = isActiveConnection(conn.state);

  // Follow the run until it ends.
  useEffect(() => {
    if (!runId) return;
    let stopped = false;
    let timer: number | undefined;
    const tick = async () => {
      try {
        const r = await api.getLinkRun(conn.id, runId);
        if (stopped) return;
        setRun(r);
        if (r.state === 'running') timer = window.setTimeout(tick, POLL_MS);
        else onFinished();
      } catch (err) {
        if (!stopped) setError(err);
      }
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [runId]);

  const start = async (dryRun: boolean) => {
    setError(null);
    try {
      const r = await api.startLinkRun(conn.id, { all: true, dryRun });
      setRun(r);
      setRunId(r.runId);
    } catch (err) {
      setError(err);
    }
  };

  const running = run?.state === 'running';
  return html`<section class="card" data-testid="link-panel">
    <h2>${t('linkTitle')}</h2>
    <p class="muted">${t('linkHelp')}</p>
    <div class="actions">
      <button type="button" class="btn" disabled=${!active || running} onClick=${() => start(true)} data-testid="link-dry-run">${t('dryRun')}</button>
      <button type="button" class="btn btn-primary" disabled=${!active || running} onClick=${() => start(false)} data-testid="link-run">${t('linkAll')}</button>
    </div>
    <${ErrorBox} error=${error} />
    ${run &&
    html`<div class="run" data-testid="link-run-status" data-state=${run.state} data-dry-run=${String(run.dryRun)}>
      <div class="row-between">
        <strong>${run.dryRun ? t('dryRun') : t('linkAll')} · <span class=${`badge badge-run-${run.state}`}>${t(run.state === 'running' ? 'running' : run.state === 'completed' ? 'completed' : 'runFailed')}</span></strong>
        <code class="muted">${run.runId}</code>
      </div>
      <${ProgressBar} value=${run.processed} total=${run.total} state=${run.state} />
      <div class="run-counts">
        <span>${t('processed')}: <b>${run.processed}</b>/${run.total}</span>
        <span class="ok">${t('linked')}: <b data-testid="run-linked">${run.linked}</b></span>
        <span class="err">${t('errors')}: <b data-testid="run-errors">${run.errors}</b></span>
        <span class="warn">${t('warnings')}: <b data-testid="run-warnings">${run.warnings}</b></span>
      </div>
      ${run.dryRun && run.outcomes && run.state !== 'running' && html`<${Preview} run=${run} msg=${msg} />`}
    </div>`}
  </section>`;
}

function Preview({ run, msg }: { run: LinkRun; msg: (m: { message?: string; messageVi?: string }) => string }) {
  const { t } = useI18n();
  const rows = (run.outcomes ?? []).slice(0, PREVIEW_ROWS);
  return html`<div class="table-wrap" data-testid="dry-run-preview">
    <h3>${t('preview')}</h3>
    <table>
      <thead><tr><th>${t('product')}</th><th>${t('variant')}</th><th>${t('barcode')}</th><th>${t('result')}</th><th>${t('tikiSku')}</th><th>${t('message')}</th></tr></thead>
      <tbody>
        ${rows.map(
          (o) => html`<tr class=${`outcome-${o.status}`}>
            <td>${o.haravanProductId}</td>
            <td>${o.haravanVariantId}</td>
            <td><code>${o.barcode ?? '—'}</code></td>
            <td><span class=${`badge badge-sev-${o.status === 'linked' ? 'ok' : o.status}`}>${o.status === 'linked' ? t('linked') : o.issues.map((i) => i.code).join(', ')}</span></td>
            <td>${o.link?.tikiSku ?? '—'}</td>
            <td>${o.issues.map((i) => msg(i)).join(' · ')}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
