// SatuPintu family dashboard: indicators per region and theme with drill-down, and campaign progress.
// Reads the gateway's API with the API key or token the user signs in with (kept in this tab's
// sessionStorage only); state lives in the URL hash so every view can be linked.
(() => {
  'use strict';

  const TEXT = {
    id: {
      title: 'Dasbor Keluarga', indicators: 'Indikator', progress: 'Progres pendataan', children: 'Wilayah di bawahnya',
      csv: 'Unduh CSV', campaign: 'Kampanye', target: 'Target', registered: 'Terdata', coverage: 'Cakupan',
      ranking: 'Peringkat', behind: 'Paling tertinggal', indicator: 'Indikator', value: 'Nilai', of: 'dari',
      region: 'Wilayah', rank: 'No.', updated: 'Diperbarui', switchTo: 'English', noCampaign: 'Belum ada kampanye',
      male: 'Laki-laki', female: 'Perempuan', cumulative: 'Kumulatif', error: 'Data tidak dapat dimuat',
      credential: 'Kunci API atau token', signIn: 'Masuk', signOut: 'Keluar', forbidden: 'Wilayah ini di luar wilayah tugas Anda',
      signInHelp: 'Minta kunci atau token kepada admin SatuPintu. Kunci hanya disimpan di tab ini.',
      suppressed: 'Disembunyikan: jumlah kecil (perlindungan data pribadi)',
    },
    en: {
      title: 'Family Dashboard', indicators: 'Indicators', progress: 'Collection progress', children: 'Regions below',
      csv: 'Download CSV', campaign: 'Campaign', target: 'Target', registered: 'Registered', coverage: 'Coverage',
      ranking: 'Ranking', behind: 'Furthest behind', indicator: 'Indicator', value: 'Value', of: 'of',
      region: 'Region', rank: 'No.', updated: 'Updated', switchTo: 'Bahasa Indonesia', noCampaign: 'No campaign yet',
      male: 'Male', female: 'Female', cumulative: 'Cumulative', error: 'The data could not be loaded',
      suppressed: 'Hidden: a small count (personal data protection)',
      credential: 'API key or token', signIn: 'Sign in', signOut: 'Sign out', forbidden: 'This region lies outside the regions you are assigned',
      signInHelp: 'Ask a SatuPintu admin for a key or token. It is kept in this tab only.',
    },
  };

  const $ = (id) => document.getElementById(id);
  const state = { region: 'ID', theme: 'population', view: 'indicators', lang: 'id', campaign: null };
  let catalogue = null;
  const charts = {};

  const t = (key) => TEXT[state.lang][key];
  const locale = () => (state.lang === 'id' ? 'id-ID' : 'en-GB');
  const fmt = (n, unit) => {
    if (n === null || n === undefined) return '–';
    const s = new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(n);
    return unit === 'percent' ? `${s}%` : s;
  };
  const label = (l) => l[state.lang];
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'onclick') e.addEventListener('click', v);
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  };

  const CREDENTIAL = 'satupintu.credential';
  const credential = () => sessionStorage.getItem(CREDENTIAL);
  class SignInNeeded extends Error {}

  async function request(path, accept) {
    const res = await fetch(path, { headers: { accept, authorization: `Bearer ${credential()}` } });
    if (res.status === 401) {
      sessionStorage.removeItem(CREDENTIAL);
      throw new SignInNeeded();
    }
    if (res.status === 403) throw new Error(t('forbidden'));
    if (!res.ok) throw new Error(`${res.status} ${path}`);
    return res;
  }
  const api = async (path) => (await request(path, 'application/json')).json();

  async function downloadCsv() {
    const path = `/v1/regions/${encodeURIComponent(state.region)}/indicators?theme=${state.theme}&format=csv`;
    const blob = await (await request(path, 'text/csv')).blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: `indicators-${state.region}-${state.theme}.csv` });
    a.click();
    URL.revokeObjectURL(a.href);
  }

  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    state.region = p.get('region') || 'ID';
    state.theme = p.get('theme') || 'population';
    state.view = p.get('view') === 'progress' ? 'progress' : 'indicators';
    state.lang = p.get('lang') === 'en' ? 'en' : 'id';
    state.campaign = p.get('campaign');
  }
  function go(changes) {
    Object.assign(state, changes);
    const p = new URLSearchParams({ region: state.region, theme: state.theme, view: state.view, lang: state.lang });
    if (state.campaign) p.set('campaign', state.campaign);
    location.hash = p.toString();
  }

  function translateStatic() {
    document.documentElement.lang = state.lang;
    for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
    $('lang').textContent = t('switchTo');
    document.title = `${t('title')} SatuPintu`;
    for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b.dataset.view === state.view);
  }

  function breadcrumb(region) {
    // The chain of codes from the country down to this region: ID, 31, 31.71, 31.71.01, 31.71.01.1001.
    const parts = region.code === 'ID' ? [] : region.code.split('.');
    const codes = ['ID', ...parts.map((_, i) => parts.slice(0, i + 1).join('.'))];
    $('breadcrumb').replaceChildren(
      ...codes.map((code) => el('li', {}, code === region.code ? el('span', {}, region.name || code) : el('a', { 'data-testid': `crumb-${code}`, onclick: () => go({ region: code }) }, code === 'ID' ? 'Indonesia' : code))),
    );
    $('region-name').textContent = `${region.name || region.code} (${region.code})`;
  }

  function draw(id, config) {
    if (!window.Chart) return;
    charts[id]?.destroy();
    charts[id] = new window.Chart($(id), config);
  }

  function themeChart(data) {
    const rows = data.indicators;
    const male = rows.filter((r) => r.group === 'pyramid-m');
    if (male.length > 0) {
      const female = rows.filter((r) => r.group === 'pyramid-f');
      const ages = male.map((r) => r.id.split('.').pop()).reverse();
      draw('theme-chart', {
        type: 'bar',
        data: { labels: ages, datasets: [
          { label: t('male'), data: male.map((r) => -r.value).reverse(), backgroundColor: '#0b5394' },
          { label: t('female'), data: female.map((r) => r.value).reverse(), backgroundColor: '#e06666' },
        ] },
        options: { indexAxis: 'y', animation: false, scales: { x: { stacked: true, ticks: { callback: (v) => Math.abs(v) } }, y: { stacked: true } } },
      });
      return;
    }
    const grouped = rows.filter((r) => r.group);
    const shown = grouped.length > 0 ? grouped : rows.filter((r) => r.unit === 'percent');
    const bars = shown.length > 0 ? shown : rows;
    draw('theme-chart', {
      type: 'bar',
      data: { labels: bars.map((r) => label(r.label)), datasets: [{ label: label(catalogue.themes.find((x) => x.id === state.theme).label), data: bars.map((r) => r.value), backgroundColor: '#3d85c6' }] },
      options: { indexAxis: 'y', animation: false, plugins: { legend: { display: false } } },
    });
  }

  async function showIndicators() {
    const data = await api(`/v1/regions/${encodeURIComponent(state.region)}/indicators?theme=${state.theme}`);
    breadcrumb(data.region);
    $('updated').textContent = data.updatedAt ? `${t('updated')}: ${new Date(data.updatedAt).toLocaleString(locale())}` : '';
    $('themes').replaceChildren(
      ...catalogue.themes.map((th) => el('button', { class: th.id === state.theme ? 'active' : '', 'data-testid': `theme-${th.id}`, onclick: () => go({ theme: th.id }) }, label(th.label))),
    );
    const headline = data.indicators.filter((r) => !r.group);
    $('indicator-table').replaceChildren(
      el('tr', {}, el('th', {}, t('indicator')), el('th', { class: 'num' }, t('value')), el('th', { class: 'num' }, '')),
      ...headline.map((r) =>
        el('tr', {},
          el('td', {}, label(r.label)),
          el('td', { class: r.suppressed ? 'num suppressed' : 'num', 'data-testid': `value-${r.id}`, ...(r.suppressed ? { title: t('suppressed') } : {}) }, fmt(r.value, r.unit)),
          el('td', { class: 'num muted' }, r.denominator === null ? '' : `${fmt(r.numerator)} ${t('of')} ${fmt(r.denominator)}`)),
      ),
    );
    themeChart(data);
    const columns = headline.slice(0, 4);
    $('children-table').replaceChildren(
      el('tr', {}, el('th', {}, t('region')), ...columns.map((c) => el('th', { class: 'num' }, label(c.label)))),
      ...data.children.map((c) =>
        el('tr', {},
          el('td', {}, el('a', { 'data-testid': `child-${c.code}`, onclick: () => go({ region: c.code }) }, `${c.name || c.code} (${c.code})`)),
          ...columns.map((col) => {
            const v = c.indicators.find((x) => x.id === col.id);
            return el('td', { class: v.suppressed ? 'num suppressed' : 'num', 'data-testid': `child-value-${c.code}-${col.id}`, ...(v.suppressed ? { title: t('suppressed') } : {}) }, fmt(v.value, v.unit));
          })),
      ),
    );
  }

  async function showProgress() {
    const { campaigns } = await api('/v1/campaigns');
    const select = $('campaign');
    select.replaceChildren(...campaigns.map((c) => el('option', { value: c.id }, `${c.name} (${c.startsOn} – ${c.endsOn})`)));
    if (campaigns.length === 0) {
      select.replaceChildren(el('option', {}, t('noCampaign')));
      return;
    }
    const id = state.campaign && campaigns.some((c) => c.id === state.campaign) ? state.campaign : campaigns[0].id;
    select.value = id;
    const p = await api(`/v1/campaigns/${encodeURIComponent(id)}/progress?region=${encodeURIComponent(state.region)}`);
    breadcrumb(p.region);
    $('updated').textContent = '';
    $('kpi-target').textContent = fmt(p.target);
    $('kpi-registered').textContent = fmt(p.registered);
    $('kpi-coverage').textContent = fmt(p.coverage, 'percent');
    draw('progress-chart', {
      type: 'line',
      data: { labels: p.daily.map((d) => d.day), datasets: [{ label: `${t('cumulative')} (${t('coverage')} %)`, data: p.daily.map((d) => d.coverage), borderColor: '#0b5394' }] },
      options: { animation: false, scales: { y: { min: 0, max: 100 } } },
    });
    const regionRow = (r, withRank) =>
      el('tr', {},
        ...(withRank ? [el('td', {}, r.rank)] : []),
        el('td', {}, el('a', { 'data-testid': `progress-child-${r.code}`, onclick: () => go({ region: r.code }) }, `${r.name || r.code} (${r.code})`)),
        el('td', { class: 'num' }, fmt(r.registered)),
        el('td', { class: 'num' }, fmt(r.target)),
        el('td', { class: 'num', 'data-testid': `coverage-${r.code}` }, fmt(r.coverage, 'percent')));
    const head = (withRank) => el('tr', {}, ...(withRank ? [el('th', {}, t('rank'))] : []), el('th', {}, t('region')), el('th', { class: 'num' }, t('registered')), el('th', { class: 'num' }, t('target')), el('th', { class: 'num' }, t('coverage')));
    $('ranking-table').replaceChildren(head(true), ...p.children.map((r) => regionRow(r, true)));
    $('behind-table').replaceChildren(head(false), ...p.behind.map((r) => regionRow(r, false)));
  }

  async function render() {
    readHash();
    translateStatic();
    const signedIn = credential() !== null;
    $('signin').hidden = signedIn;
    $('signout').hidden = !signedIn;
    document.querySelector('main').hidden = !signedIn;
    if (!signedIn) {
      document.body.dataset.ready = 'true';
      return;
    }
    $('indicators-view').hidden = state.view !== 'indicators';
    $('progress-view').hidden = state.view !== 'progress';
    $('error').hidden = true;
    document.body.dataset.ready = 'false';
    try {
      if (!new URLSearchParams(location.hash.slice(1)).has('region')) {
        // Start in the caller's own region when it has exactly one.
        const me = await api('/v1/me');
        if (me.regions.length === 1 && me.regions[0] !== 'ID') state.region = me.regions[0];
      }
      catalogue = catalogue || (await api('/v1/indicators'));
      if (state.view === 'indicators') await showIndicators();
      else await showProgress();
    } catch (err) {
      if (err instanceof SignInNeeded) return render();
      $('error').textContent = `${t('error')} (${err.message})`;
      $('error').hidden = false;
    }
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('lang').addEventListener('click', () => go({ lang: state.lang === 'id' ? 'en' : 'id' }));
    for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => go({ view: b.dataset.view }));
    $('campaign').addEventListener('change', (e) => go({ campaign: e.target.value }));
    $('csv-link').addEventListener('click', () => downloadCsv().catch((err) => { $('error').textContent = err.message; $('error').hidden = false; }));
    $('signin').addEventListener('submit', (e) => {
      e.preventDefault();
      sessionStorage.setItem(CREDENTIAL, $('credential').value.trim());
      $('credential').value = '';
      void render();
    });
    $('signout').addEventListener('click', () => {
      sessionStorage.removeItem(CREDENTIAL);
      void render();
    });
    window.addEventListener('hashchange', render);
    void render();
  });
})();
