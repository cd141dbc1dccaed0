/**
 * "Đăng sản phẩm lên Tiki / Publish to Tiki": the products a link run found missing on Tiki, a category picker
 * (search + the suggestion), a form generated from the category's attributes (required first, dictionary values
 * as choices), the pre-check's problems beside their fields, submit, and each request's state moving live.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, type PublishBody } from '../api';
import { useI18n } from '../i18n';
import type { Connection, Publication, PublishAttribute, PublishCategory, PublishCheck, PublishProblem } from '../types';
import { ErrorBox } from './common';

const REFRESH_MS = 2000;
type Values = Record<string, string>;

export function PublishPanel({ conn }: { conn: Connection }) {
  const { t, msg } = useI18n();
  const [missing, setMissing] = useState<number[]>([]);
  const [pubs, setPubs] = useState<Publication[]>([]);
  const [editing, setEditing] = useState<{ productId: number; pub?: Publication } | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const loop = async () => {
      try {
        const [errs, list] = await Promise.all([api.syncErrors(conn.id, { code: 'NOT_FOUND_ON_TIKI', page: 1, limit: 250 }), api.publications(conn.id)]);
        if (stopped) return;
        setMissing([...new Set(errs.items.map((e) => e.haravanProductId).filter((id): id is number => typeof id === 'number'))]);
        setPubs(list.items);
        setError(null);
      } catch (err) {
        if (!stopped) setError(err);
      }
      if (!stopped) timer = window.setTimeout(loop, REFRESH_MS);
    };
    void loop();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [conn.id]);

  const latest = (productId: number) => pubs.find((p) => p.productId === productId);
  return html`<section class="card" data-testid="publish">
    <h2>${t('pubMissing')}</h2>
    <p class="muted">${t('pubMissingHelp')}</p>
    <${ErrorBox} error=${error} />
    ${missing.length === 0 && html`<p class="muted" data-testid="publish-none">${t('pubNone')}</p>`}
    <ul class="plain" data-testid="publish-missing">
      ${missing.map((id) => {
        const p = latest(id);
        return html`<li data-product-id=${id} class="row-between">
          <span>${t('product')} <code>${id}</code> ${p && html`<span class=${`badge badge-pub-${p.state}`}>${t(`ps_${p.state}`)}</span>`}</span>
          ${!p && html`<button type="button" class="btn btn-small" onClick=${() => setEditing({ productId: id })} data-testid=${`publish-start-${id}`}>${t('pubStart')}</button>`}
        </li>`;
      })}
    </ul>
    ${editing && html`<${PublishForm} key=${`${editing.productId}-${editing.pub?.pubId ?? ''}`} conn=${conn} productId=${editing.productId} pub=${editing.pub} onDone=${() => setEditing(null)} />`}
    <h2>${t('pubRequests')}</h2>
    <table data-testid="publications">
      <thead><tr><th>${t('product')}</th><th>${t('state')}</th><th>Tiki</th><th>${t('message')}</th><th></th></tr></thead>
      <tbody>
        ${pubs.map(
          (p) => html`<tr data-pub-id=${p.pubId} data-state=${p.state} data-product-id=${p.productId}>
            <td><code>${p.productId}</code></td>
            <td><span class=${`badge badge-pub-${p.state}`} data-testid="pub-state">${t(`ps_${p.state}`)}</span>${p.linked ? html` <span class="badge badge-connected" data-testid="pub-linked">${t('pubLinked')}</span>` : null}</td>
            <td><code>${p.tikiState ?? '—'}</code></td>
            <td class="msg" data-testid="pub-reasons">${p.reasons.map((r) => html`<div>${msg(r)}</div>`)}</td>
            <td>${['rejected', 'expired', 'failed'].includes(p.state) && html`<button type="button" class="btn btn-small" onClick=${() => setEditing({ productId: p.productId, pub: p })} data-testid="pub-resubmit">${t('pubResubmit')}</button>`}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

function PublishForm({ conn, productId, pub, onDone }: { conn: Connection; productId: number; pub?: Publication; onDone: () => void }) {
  const { t, lang } = useI18n();
  const [check, setCheck] = useState<PublishCheck | null>(null);
  const [category, setCategory] = useState<PublishCategory | null>(null);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<PublishCategory[]>([]);
  const [attrs, setAttrs] = useState<PublishAttribute[]>([]);
  const [values, setValues] = useState<Values>({});
  const [activate, setActivate] = useState(true);
  const [merge, setMerge] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const body = (dryRun: boolean): PublishBody => ({
    productIds: [productId],
    ...(category ? { categoryId: category.id } : {}),
    attributes: Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== '')),
    activate,
    ...(merge ? { mergeOptions: true } : {}),
    dryRun,
  });
  const runCheck = async (b = body(true)) => {
    try {
      const res = await api.publish(conn.id, b);
      setCheck((res.items as PublishCheck[])[0] ?? null);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void runCheck({ productIds: [productId], ...(pub?.categoryId ? { categoryId: pub.categoryId } : {}), dryRun: true }), []);
  useEffect(() => {
    if (!category && check?.categoryId) setCategory({ id: check.categoryId, name: String(check.categoryId), path: '', isLeaf: true });
  }, [check?.categoryId]);
  useEffect(() => {
    if (!category) return;
    api.tikiAttributes(conn.id, category.id).then((r) => setAttrs(r.items), setError);
  }, [category?.id]);
  useEffect(() => {
    const q = query.trim();
    if (!q) return setFound([]);
    const timer = window.setTimeout(() => api.tikiCategories(conn.id, q).then((r) => setFound(r.items), setError), 250);
    return () => window.clearTimeout(timer);
  }, [query]);

  const submit = async () => {
    setBusy(true);
    try {
      const { dryRun: _dry, productIds: _ids, ...rest } = body(false);
      if (pub) await api.resubmit(conn.id, pub.pubId, rest);
      else await api.publish(conn.id, body(false));
      onDone();
    } catch (err) {
      const problems = err instanceof ApiFailure ? problemsOf(err) : [];
      if (problems.length) setCheck((c) => ({ ...(c ?? { productId }), problems }));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const problems = check?.problems ?? [];
  const at = (field: string) => problems.filter((p) => p.field === field);
  const others = problems.filter((p) => p.field !== 'categoryId' && !p.field.startsWith('attributes.'));
  const name = (a: PublishAttribute) => (lang === 'vi' ? a.nameVi : a.name);
  const choices = (category ? [] : (check?.suggestions ?? [])).concat(found);
  return html`<div class="card inner" data-testid="publish-form" data-product-id=${productId}>
    <h3>${check?.title ?? productId}</h3>
    <label class="field"><span>${t('pubCategory')}${category ? html`: <strong data-testid="publish-category">${category.path || category.name}</strong>` : null}</span>
      <input type="search" placeholder=${t('pubSearch')} value=${query} onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} data-testid="publish-category-search" />
    </label>
    <${Problems} list=${at('categoryId')} field="categoryId" />
    ${choices.length > 0 &&
    html`<ul class="plain choices" data-testid="publish-category-choices">
      ${!category && check?.suggestions?.length ? html`<li class="muted">${t('pubSuggested')}</li>` : null}
      ${choices.map(
        (c) => html`<li><button type="button" class="btn btn-small btn-ghost" disabled=${!c.isLeaf} onClick=${() => (setCategory(c), setQuery(''), setValues({}))} data-testid="publish-category-choice" data-category-id=${c.id}>${c.path}</button></li>`,
      )}
    </ul>`}
    ${attrs.length > 0 && html`<h4>${t('pubAttributes')}</h4>`}
    ${attrs.map((a) => {
      const field = `attributes.${a.code}`;
      const set = (v: string) => setValues((cur) => ({ ...cur, [a.code]: v }));
      const input =
        (a.type === 'select' || a.type === 'multiselect') && a.values?.length
          ? html`<select value=${values[a.code] ?? ''} onChange=${(e: Event) => set((e.target as HTMLSelectElement).value)} data-testid=${`attr-${a.code}`}>
              <option value="">${t('pubChoose')}</option>
              ${a.values.map((v) => html`<option value=${v.value}>${v.value}</option>`)}
            </select>`
          : html`<input type=${a.type === 'number' ? 'number' : 'text'} value=${values[a.code] ?? ''} onInput=${(e: Event) => set((e.target as HTMLInputElement).value)} data-testid=${`attr-${a.code}`} />`;
      return html`<label class="field" data-required=${a.required}><span>${name(a)}${a.required ? html` <em>(${t('pubRequired')})</em>` : null}</span>${input}<${Problems} list=${at(field)} field=${field} /></label>`;
    })}
    <label class="inline"><input type="checkbox" checked=${activate} onChange=${(e: Event) => setActivate((e.target as HTMLInputElement).checked)} /> ${t('pubActivate')}</label>
    ${others.some((p) => p.code === 'PUBLISH_TOO_MANY_OPTIONS') && html`<label class="inline"><input type="checkbox" checked=${merge} onChange=${(e: Event) => setMerge((e.target as HTMLInputElement).checked)} data-testid="publish-merge" /> ${t('pubMerge')}</label>`}
    <${Problems} list=${others} field="product" />
    ${check && problems.length === 0 && html`<div class="alert alert-info" data-testid="publish-ready">${t('pubReady')}</div>`}
    <${ErrorBox} error=${error} testId="publish-error" />
    <div class="row">
      <button type="button" class="btn" onClick=${() => runCheck()} disabled=${busy} data-testid="publish-check">${t('pubCheck')}</button>
      <button type="button" class="btn btn-primary" onClick=${submit} disabled=${busy} data-testid="publish-submit">${pub ? t('pubResubmit') : t('pubSubmit')}</button>
      <button type="button" class="btn btn-ghost" onClick=${onDone}>${t('cancel')}</button>
    </div>
    ${problems.length === 0 && check?.request ? html`<details><summary>JSON</summary><pre>${JSON.stringify(check.request, null, 2)}</pre></details>` : null}
  </div>`;
}

function Problems({ list, field }: { list: PublishProblem[]; field: string }) {
  const { msg } = useI18n();
  if (list.length === 0) return null;
  return html`<ul class="field-issue plain" data-testid=${`problem-${field}`}>
    ${list.map((p) => html`<li data-code=${p.code}>${msg(p)} <code>${p.code}</code></li>`)}
  </ul>`;
}

/** The 422 PUBLICATION_INVALID body carries `problems: [{productId, problems}]`. */
function problemsOf(err: ApiFailure): PublishProblem[] {
  const list = err.details.problems;
  return Array.isArray(list) ? (list as { problems: PublishProblem[] }[]).flatMap((p) => p.problems) : [];
}
