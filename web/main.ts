/**
 * The dashboard (`/app`). A merchant arrives signed in from the Haravan app install (session cookie): they see and
 * change only their shop, and connect it by typing only the Tiki side. Without a session it asks for the operator's
 * API token once per browser session (every shop). Vietnamese first; the English switch is remembered in localStorage.
 */
import { render } from 'preact';
import { html } from 'htm/preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, endSession, loadSession, token, type MerchantSession } from './api';
import type { Connection } from './types';
import { isActiveConnection } from '../domain/terms';
import { I18nContext, Lang, makeI18n, useI18n } from './i18n';
import { ErrorBox, StateBadge } from './components/common';
import { ConnectForm } from './components/connect';
import { Overview } from './components/overview';
import { LinkPanel } from './components/link-run';
import { LinksList } from './components/links';
import { SyncErrors } from './components/sync-errors';
import { ConfigForm } from './components/config';
import { Orders } from './components/orders';
import { PublishPanel } from './components/publish';

const LANG_KEY = 'haravan-tiki.lang';
const REFRESH_MS = 2500;
type Tab = 'overview' | 'link' | 'publish' | 'errors' | 'config' | 'orders';
const TABS: [Tab, string][] = [
  ['overview', 'tabOverview'],
  ['link', 'tabLink'],
  ['publish', 'tabPublish'],
  ['errors', 'tabErrors'],
  ['config', 'tabConfig'],
  ['orders', 'tabOrders'],
];

function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi'));
  // undefined while the session is being looked up; null: nobody signed in.
  const [who, setWho] = useState<{ kind: 'operator' } | { kind: 'merchant'; session: MerchantSession } | null | undefined>(() => (token.get() ? { kind: 'operator' } : undefined));
  useEffect(() => {
    if (who === undefined) void loadSession().then((s) => setWho(s ? { kind: 'merchant', session: s } : null));
  }, []);
  const authed = !!who;
  const i18n = useMemo(() => makeI18n(lang), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = i18n.t('title');
  }, [lang]);
  const switchLang = () => {
    const next: Lang = lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem(LANG_KEY, next);
    setLang(next);
  };
  const signOut = () => {
    token.clear();
    void endSession();
    setWho(null);
  };
  return html`<${I18nContext.Provider} value=${i18n}>
    <header class="topbar">
      <h1>${i18n.t('title')}</h1>
      <div class="actions">
        <button type="button" class="btn btn-ghost" onClick=${switchLang} data-testid="lang-switch">${i18n.t('language')}</button>
        ${who?.kind === 'merchant' && html`<span class="muted" data-testid="signed-in-shop">${i18n.t('signedInShop')} ${who.session.shopId}</span>`}
        ${authed && html`<button type="button" class="btn btn-ghost" onClick=${signOut} data-testid="sign-out">${i18n.t('signOut')}</button>`}
      </div>
    </header>
    <main>
      ${who === undefined
        ? html`<p class="muted">${i18n.t('loading')}</p>`
        : who
          ? html`<${Dashboard} onUnauthorized=${signOut} shopId=${who.kind === 'merchant' ? who.session.shopId : undefined} />`
          : html`<${TokenGate} onOk=${() => setWho({ kind: 'operator' })} />`}
    </main>
  <//>`;
}

function TokenGate({ onOk }: { onOk: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const value = String(new FormData(e.target as HTMLFormElement).get('token') ?? '');
    token.set(value);
    try {
      await api.listConnections();
      onOk();
    } catch (err) {
      token.clear();
      setError(err);
    }
  };
  return html`<section class="card narrow" data-testid="token-gate">
    <h2>${t('tokenTitle')}</h2>
    <p class="muted" data-testid="merchant-hint">${t('merchantHint')} <a href="/install" data-testid="install-link">${t('installLink')}</a></p>
    <p class="muted">${t('tokenHelp')}</p>
    <form onSubmit=${submit}>
      <label class="field"><span>${t('tokenLabel')}</span><input name="token" type="password" autocomplete="off" required data-testid="token-input" /></label>
      <${ErrorBox} error=${error} testId="token-error" />
      <button type="submit" class="btn btn-primary" data-testid="token-submit">${t('signIn')}</button>
    </form>
  </section>`;
}

/** `shopId` set: a merchant's session, kept to that one shop (no picker of other shops, no new connection). */
function Dashboard({ onUnauthorized, shopId }: { onUnauthorized: () => void; shopId?: number }) {
  const { t } = useI18n();
  const [list, setList] = useState<Connection[] | null>(null);
  const [selected, setSelected] = useState<string | null>(() => decodeURIComponent(location.hash.slice(1)) || null);
  const [showConnect, setShowConnect] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const { items } = await api.listConnections();
      setList(items);
      setError(null);
      setSelected((cur) => (cur && items.some((c) => c.id === cur) ? cur : (items.find((c) => isActiveConnection(c.state)) ?? items[0])?.id ?? null));
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 401) onUnauthorized();
      else setError(err);
    }
  }, []);
  useEffect(() => void reload(), []);
  useEffect(() => {
    if (selected) history.replaceState(null, '', `#${encodeURIComponent(selected)}`);
  }, [selected]);

  if (!list) return html`<p class="muted">${error ? html`<${ErrorBox} error=${error} />` : t('loading')}</p>`;
  if (showConnect || list.length === 0) {
    return html`<${ConnectForm}
      installedShopId=${shopId}
      onConnected=${(c: Connection) => {
        setShowConnect(false);
        setSelected(c.id);
        void reload();
      }}
      onCancel=${list.length > 0 ? () => setShowConnect(false) : undefined}
    />`;
  }
  return html`<div>
    <div class="row-between toolbar">
      <label class="inline">
        ${t('connection')}
        <select value=${selected ?? ''} onChange=${(e: Event) => setSelected((e.target as HTMLSelectElement).value)} data-testid="connection-select">
          ${list.map((c) => html`<option value=${c.id}>${c.shopId} · ${t(`st_${c.state}`)}</option>`)}
        </select>
      </label>
      ${(shopId === undefined || !list.some((c) => isActiveConnection(c.state))) && html`<button type="button" class="btn" onClick=${() => setShowConnect(true)} data-testid="new-connection">+ ${t('newConnection')}</button>`}
    </div>
    <${ErrorBox} error=${error} />
    ${selected && html`<${ConnectionView} key=${selected} id=${selected} onListChanged=${reload} />`}
  </div>`;
}

function ConnectionView({ id, onListChanged }: { id: string; onListChanged: () => void }) {
  const { t } = useI18n();
  const [conn, setConn] = useState<Connection | null>(null);
  const [tab, setTab] = useState<Tab>('overview');
  const [error, setError] = useState<unknown>(null);
  const [errorsVersion, setErrorsVersion] = useState(0);

  const lastState = useRef<string | null>(null);
  const refresh = useCallback(async () => {
    try {
      const c = await api.getConnection(id);
      setConn(c);
      setError(null);
      // Keep the connection picker's state labels in step with what this view sees.
      if (lastState.current !== null && lastState.current !== c.state) onListChanged();
      lastState.current = c.state;
    } catch (err) {
      setError(err);
    }
  }, [id]);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const loop = async () => {
      await refresh();
      if (!stopped) timer = window.setTimeout(loop, REFRESH_MS);
    };
    void loop();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [id]);

  if (!conn) return html`<p class="muted">${error ? html`<${ErrorBox} error=${error} />` : t('loading')}</p>`;
  const active = isActiveConnection(conn.state);
  return html`<div data-testid="connection" data-connection-id=${conn.id} data-state=${conn.state}>
    <nav class="tabs" role="tablist">
      ${TABS.map(
        ([k, label]) => html`<button type="button" role="tab" aria-selected=${tab === k} class=${tab === k ? 'tab tab-active' : 'tab'} onClick=${() => setTab(k)} data-testid=${`tab-${k}`}>
          ${t(label)}${k === 'errors' && conn.counts.syncErrors > 0 ? html` <span class="count">${conn.counts.syncErrors}</span>` : null}
        </button>`,
      )}
      <span class="tabs-state"><${StateBadge} state=${conn.state} /></span>
    </nav>
    ${!active && html`<div class="alert alert-info">${t('inactive')}</div>`}
    <${ErrorBox} error=${error} />
    ${tab === 'overview' &&
    html`<${Overview}
      conn=${conn}
      onChanged=${() => {
        void refresh();
        onListChanged();
      }}
    />`}
    ${tab === 'link' &&
    html`<${LinkPanel}
      conn=${conn}
      onFinished=${() => {
        setErrorsVersion((v) => v + 1);
        void refresh();
      }}
    />`}
    ${tab === 'link' && html`<${LinksList} conn=${conn} />`}
    ${tab === 'errors' && html`<${SyncErrors} conn=${conn} version=${errorsVersion} />`}
    ${tab === 'config' && html`<${ConfigForm} conn=${conn} onSaved=${(c: Connection) => setConn(c)} />`}
    ${tab === 'orders' && html`<${Orders} conn=${conn} />`}
    ${tab === 'publish' && html`<${PublishPanel} conn=${conn} />`}
  </div>`;
}

const root = document.getElementById('app')!;
root.textContent = ''; // drop the static "loading" placeholder
render(html`<${App} />`, root);
