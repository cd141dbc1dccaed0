/**
 * Connect form; the API verifies both sides before answering. For the operator: Haravan shop + token and base
 * URLs, Tiki OAuth client or API key. For a merchant whose shop installed the app (`installedShopId`): only the Tiki
 * side — the Haravan token is the installation's and the hosts are operator settings.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { Connection } from '../types';
import { useI18n } from '../i18n';
import { ErrorBox, FieldIssue } from './common';

export function ConnectForm({ onConnected, onCancel, installedShopId }: { onConnected: (c: Connection) => void; onCancel?: () => void; installedShopId?: number }) {
  const merchant = installedShopId !== undefined;
  const { t } = useI18n();
  const [mode, setMode] = useState<'oauth' | 'key'>('oauth');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    const opt = (k: string) => s(k) || undefined;
    const shop = s('shopId');
    const tiki = mode === 'oauth' ? { clientId: s('tikiClientId'), clientSecret: s('tikiClientSecret'), baseUrl: opt('tikiBaseUrl') } : { apiKey: s('tikiApiKey'), baseUrl: opt('tikiBaseUrl') };
    const body = merchant
      ? { shopId: installedShopId, tiki }
      : {
          // Sent as typed: the API validates it and answers with field-level issues.
          shopId: /^\d+$/.test(shop) ? Number(shop) : shop,
          haravan: { accessToken: s('haravanToken'), baseUrl: opt('haravanBaseUrl') },
          tiki,
        };
    setBusy(true);
    setError(null);
    try {
      onConnected(await api.connect(body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const field = (name: string, label: string, path: string, type = 'text', placeholder = '') => html`<label class="field">
    <span>${label}</span>
    <input name=${name} type=${type} placeholder=${placeholder} autocomplete="off" data-testid=${`connect-${name}`} />
    <${FieldIssue} error=${error} path=${path} />
  </label>`;

  return html`<section class="card" data-testid="connect-form">
    <h2>${merchant ? t('connectTikiTitle') : t('connectTitle')}</h2>
    <p class="muted">${merchant ? `${t('connectTikiHelp')} ${installedShopId}` : t('connectHelp')}</p>
    <form onSubmit=${submit} novalidate data-mode=${merchant ? 'merchant' : 'operator'}>
      <div class=${merchant ? '' : 'grid2'}>
        ${!merchant && html`<fieldset>
          <legend>Haravan</legend>
          ${field('shopId', t('shopId'), 'shopId', 'text', '200000244883')}
          ${field('haravanToken', t('haravanToken'), 'haravan.accessToken', 'password')}
          ${field('haravanBaseUrl', t('haravanBaseUrl'), 'haravan.baseUrl', 'url', 'https://apis.haravan.com')}
        </fieldset>`}
        <fieldset>
          <legend>Tiki</legend>
          <div class="field">
            <span>${t('tikiAuth')}</span>
            <div class="radios">
              <label><input type="radio" name="mode" checked=${mode === 'oauth'} onChange=${() => setMode('oauth')} /> ${t('tikiOauth')}</label>
              <label><input type="radio" name="mode" checked=${mode === 'key'} onChange=${() => setMode('key')} data-testid="connect-mode-key" /> ${t('tikiKey')}</label>
            </div>
          </div>
          ${mode === 'oauth'
            ? html`${field('tikiClientId', t('tikiClientId'), 'tiki.clientId')} ${field('tikiClientSecret', t('tikiClientSecret'), 'tiki.clientSecret', 'password')}`
            : field('tikiApiKey', t('tikiApiKey'), 'tiki.apiKey', 'password')}
          ${!merchant && field('tikiBaseUrl', t('tikiBaseUrl'), 'tiki.baseUrl', 'url', 'https://api.tiki.vn')}
          <${FieldIssue} error=${error} path="tiki" />
        </fieldset>
      </div>
      <${ErrorBox} error=${error} testId="connect-error" />
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled=${busy} data-testid="connect-submit">${busy ? t('connecting') : t('connect')}</button>
        ${onCancel && html`<button type="button" class="btn" onClick=${onCancel}>${t('cancel')}</button>`}
      </div>
    </form>
  </section>`;
}
