/** Small shared pieces: error box with the API's issues, confirmation dialog, badges, pager, progress bar. */
import type { ComponentChildren } from 'preact';
import { html } from 'htm/preact';
import { ApiFailure } from '../api';
import { useI18n } from '../i18n';

export function ErrorBox({ error, testId = 'error' }: { error: unknown; testId?: string }) {
  const { lang, t, msg } = useI18n();
  if (!error) return null;
  const f = error instanceof ApiFailure ? error : new ApiFailure(0, 'INTERNAL', String((error as Error)?.message ?? error), String((error as Error)?.message ?? error));
  return html`<div class="alert alert-error" role="alert" data-testid=${testId} data-code=${f.code}>
    <strong>${lang === 'vi' ? f.messageVi : f.messageEn}</strong>
    <span class="code">${f.code}</span>
    ${f.issues.length > 0 &&
    html`<ul class="issues" data-testid="issues">
      ${f.issues.map((i) => html`<li><code>${i.path || '(body)'}</code> ${msg(i)}</li>`)}
    </ul>`}
    ${!f.issues.length && f.status === 0 ? html`<div class="muted">${t('errorTitle')}</div>` : null}
  </div>`;
}

/** Field-level issue for one path (the API's `issues[].path`). */
export function FieldIssue({ error, path }: { error: unknown; path: string }) {
  const { msg } = useI18n();
  if (!(error instanceof ApiFailure)) return null;
  const mine = error.issues.filter((i) => i.path === path || i.path.startsWith(path + '.'));
  if (mine.length === 0) return null;
  return html`<div class="field-issue" data-testid=${`issue-${path}`}>${mine.map((i) => msg(i)).join('; ')}</div>`;
}

export function Modal(props: { title: string; children?: ComponentChildren; confirmLabel: string; danger?: boolean; busy?: boolean; onConfirm: () => void; onCancel: () => void; testId?: string }) {
  const { t } = useI18n();
  return html`<div class="modal-backdrop">
    <div class="modal" role="dialog" aria-modal="true" aria-label=${props.title} data-testid=${props.testId ?? 'modal'}>
      <h3>${props.title}</h3>
      <div class="modal-body">${props.children}</div>
      <div class="modal-actions">
        <button type="button" class="btn" onClick=${props.onCancel} disabled=${props.busy}>${t('cancel')}</button>
        <button type="button" class=${props.danger ? 'btn btn-danger' : 'btn btn-primary'} onClick=${props.onConfirm} disabled=${props.busy} data-testid="modal-confirm">
          ${props.confirmLabel}
        </button>
      </div>
    </div>
  </div>`;
}

export function StateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  return html`<span class=${`badge badge-${state}`} data-testid="state" data-state=${state}>${t(`st_${state}`)}</span>`;
}

export function Pager({ page, limit, total, onPage }: { page: number; limit: number; total: number; onPage: (p: number) => void }) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / limit));
  return html`<div class="pager">
    <button type="button" class="btn btn-small" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>‹ ${t('prev')}</button>
    <span>${t('pageOf')} ${page}/${pages} · ${t('total')} ${total}</span>
    <button type="button" class="btn btn-small" disabled=${page >= pages} onClick=${() => onPage(page + 1)}>${t('next')} ›</button>
  </div>`;
}

export function ProgressBar({ value, total, state }: { value: number; total: number; state: string }) {
  const pct = total > 0 ? Math.min(100, Math.round((value / total) * 100)) : state === 'running' ? 0 : 100;
  return html`<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax=${total} aria-valuenow=${value} data-testid="progress">
    <div class=${`progress-fill progress-${state}`} style=${{ width: `${pct}%` }}></div>
    <span class="progress-label">${value}/${total} (${pct}%)</span>
  </div>`;
}

export function Toast({ text }: { text: string | null }) {
  if (!text) return null;
  return html`<div class="alert alert-ok" role="status" data-testid="toast">${text}</div>`;
}
