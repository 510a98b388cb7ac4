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
      review: 'Tinjauan duplikat', openTasks: 'Tugas terbuka', decidedToday: 'Diputus hari ini', byReviewer: 'Oleh', village: 'Desa/kelurahan',
      reason: 'Alasan', allReasons: 'Semua', 'probable-match': 'Kemungkinan orang yang sama', 'nik-conflict': 'NIK dipakai orang lain',
      status: 'Status', statusOpen: 'Terbuka', statusSame: 'Digabung', statusDifferent: 'Berbeda', allVillages: 'Semua wilayah',
      keysQueue: 'Tombol: J/K pilih, Enter buka.', keysTask: 'Tombol: S sama, D berbeda, N catatan, U batalkan, Esc kembali.',
      back: '‹ Kembali ke antrean', weights: 'Bobot per perbandingan', note: 'Catatan', decideSame: 'Orang yang sama (S)', decideDifferent: 'Orang berbeda (D)',
      undoReason: 'Alasan pembatalan', undo: 'Batalkan penggabungan (U)', opened: 'Dibuka', score: 'Skor', field: 'Data', recordA: 'Catatan A', recordB: 'Catatan B',
      comparison: 'Perbandingan', level: 'Tingkat', weight: 'Bobot', nikSays: 'Menurut NIK', agrees: 'sesuai', differs: 'tidak sesuai', none: 'tidak ada',
      merged: 'Digabung oleh', decidedDifferent: 'Diputus berbeda oleh', unmerged: 'Penggabungan dibatalkan', pending: 'Keputusan sedang diproses…', noTasks: 'Tidak ada tugas',
      needReason: 'Tulis alasan pembatalan', decided: 'diputus', sameShort: 'sama', differentShort: 'berbeda',
      imports: 'Impor daftar', listFile: 'Berkas daftar (CSV atau XLSX)', listName: 'Nama daftar', preset: 'Format', detect: 'Kenali kolom sendiri', dryRun: 'Uji coba saja (tidak disimpan)',
      upload: 'Unggah dan impor', backJobs: '‹ Semua impor', findings: 'Temuan', byRegency: 'Per kabupaten/kota', reportCsv: 'Laporan per baris (CSV)', reportXlsx: 'Laporan per baris (XLSX)',
      created: 'Dibuat', file: 'Berkas', state: 'Keadaan', rowsOf: 'baris dari', done: 'selesai', test: 'uji coba', code: 'Kode', count: 'Jumlah', noJobs: 'Belum ada impor',
      unknownRegion: 'tidak diketahui', r_submitted: 'Dikirim ke validasi', 'r_rejected-row': 'Baris ditolak', r_unreadable: 'Tak terbaca', r_refused: 'Di luar wilayah', r_unchanged: 'Tidak berubah',
      js_queued: 'Menunggu', js_running: 'Berjalan', js_done: 'Selesai', js_failed: 'Gagal', o_new: 'Baru', o_found: 'Ditemukan', o_review: 'Ditinjau', o_rejected: 'Ditolak', o_waiting: 'Menunggu', o_unreadable: 'Tak terbaca', o_rows: 'Baris',
      eligibility: 'Kelayakan bantuan', programme: 'Program', eligibleN: 'Layak', notEligibleN: 'Tidak layak', whyFamily: 'Mengapa keluarga ini (tidak) layak? No. KK',
      explain: 'Jelaskan', person: 'Anggota', familyLevel: 'Keluarga', eligibleYes: 'Layak', eligibleNo: 'Tidak layak', criterion: 'Kriteria', valueSeen: 'Nilai tercatat', passed: 'Terpenuhi',
      yes: 'ya', no: 'tidak', notFoundKk: 'Tidak ada keluarga dengan No. KK ini di wilayah Anda', noDecisions: 'Belum ada keputusan kelayakan untuk keluarga ini', evaluatedOn: 'dinilai',
      data: 'Data masuk', rejectedByRule: 'Ditolak menurut aturan', rule: 'Aturan', allRules: 'Semua aturan', csvFix: 'Unduh CSV untuk diperbaiki',
      st_rejected: 'Ditolak', st_registered: 'Terdaftar', st_validated: 'Lolos validasi', st_received: 'Diterima', records: 'Catatan', key: 'Kunci', reasons: 'Alasan penolakan', received: 'Diterima',
      f_nik: 'NIK', f_name: 'Nama', f_sex: 'Jenis kelamin', f_birthDate: 'Tanggal lahir', f_kk: 'No. KK', f_villageCode: 'Desa/kelurahan', f_relationship: 'Hubungan dalam KK',
      subject: 'Permintaan subjek data', subjectNik: 'NIK pemilik data', subjectFind: 'Tampilkan data', subjectPrint: 'Cetak', subjectJson: 'Unduh JSON',
      subjectTitle: 'Data pribadi yang disimpan SatuPintu', subjectRecord: 'Data pribadi', subjectFamily: 'Keluarga', subjectSubmissions: 'Asal data', subjectAccesses: 'Riwayat akses',
      requestId: 'No. permintaan', generated: 'Dibuat', requestedBy: 'Diminta oleh', actor: 'Pengakses', action: 'Tindakan', purpose: 'Tujuan', outcome: 'Hasil', at: 'Waktu',
      members: 'Jumlah anggota keluarga', submittedBy: 'Dikirim oleh', list: 'Daftar impor', truncated: 'Hanya 1.000 akses terbaru yang ditampilkan', nothing: 'Tidak ada',
      subjectHelp: 'Hanya untuk permintaan pemilik data (UU 27/2022). Setiap permintaan tercatat di jejak audit.',
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
      review: 'Duplicate review', openTasks: 'Open tasks', decidedToday: 'Decided today', byReviewer: 'By', village: 'Village',
      reason: 'Reason', allReasons: 'All', 'probable-match': 'Probably the same person', 'nik-conflict': 'NIK used by someone else',
      status: 'Status', statusOpen: 'Open', statusSame: 'Merged', statusDifferent: 'Different', allVillages: 'All regions',
      keysQueue: 'Keys: J/K select, Enter open.', keysTask: 'Keys: S same, D different, N note, U undo, Esc back.',
      back: '‹ Back to the queue', weights: 'Weight by comparison', note: 'Note', decideSame: 'Same person (S)', decideDifferent: 'Different persons (D)',
      undoReason: 'Reason for undoing', undo: 'Undo the merge (U)', opened: 'Opened', score: 'Score', field: 'Field', recordA: 'Record A', recordB: 'Record B',
      comparison: 'Comparison', level: 'Level', weight: 'Weight', nikSays: 'The NIK says', agrees: 'agrees', differs: 'differs', none: 'none',
      merged: 'Merged by', decidedDifferent: 'Decided different by', unmerged: 'Merge undone', pending: 'The decision is being carried out…', noTasks: 'No tasks',
      needReason: 'Write a reason for undoing', decided: 'decided', sameShort: 'same', differentShort: 'different',
      imports: 'List imports', listFile: 'List file (CSV or XLSX)', listName: 'List name', preset: 'Format', detect: 'Detect the columns', dryRun: 'Dry run only (nothing saved)',
      upload: 'Upload and import', backJobs: '‹ All imports', findings: 'Findings', byRegency: 'By regency/city', reportCsv: 'Row report (CSV)', reportXlsx: 'Row report (XLSX)',
      created: 'Created', file: 'File', state: 'State', rowsOf: 'rows of', done: 'done', test: 'dry run', code: 'Code', count: 'Count', noJobs: 'No imports yet',
      unknownRegion: 'unknown', r_submitted: 'Submitted to validation', 'r_rejected-row': 'Row refused', r_unreadable: 'Unreadable', r_refused: 'Outside your regions', r_unchanged: 'Unchanged',
      js_queued: 'Queued', js_running: 'Running', js_done: 'Done', js_failed: 'Failed', o_new: 'New', o_found: 'Found', o_review: 'To review', o_rejected: 'Rejected', o_waiting: 'Waiting', o_unreadable: 'Unreadable', o_rows: 'Rows',
      eligibility: 'Aid eligibility', programme: 'Programme', eligibleN: 'Eligible', notEligibleN: 'Not eligible', whyFamily: 'Why is this family (not) eligible? KK number',
      explain: 'Explain', person: 'Member', familyLevel: 'Family', eligibleYes: 'Eligible', eligibleNo: 'Not eligible', criterion: 'Criterion', valueSeen: 'Value recorded', passed: 'Met',
      yes: 'yes', no: 'no', notFoundKk: 'No family with this KK number in your regions', noDecisions: 'No eligibility decision for this family yet', evaluatedOn: 'evaluated',
      data: 'Submissions', rejectedByRule: 'Rejected by rule', rule: 'Rule', allRules: 'All rules', csvFix: 'Download CSV to fix',
      st_rejected: 'Rejected', st_registered: 'Registered', st_validated: 'Validated', st_received: 'Received', records: 'Records', key: 'Key', reasons: 'Why it was rejected', received: 'Received',
      f_nik: 'NIK', f_name: 'Name', f_sex: 'Sex', f_birthDate: 'Birth date', f_kk: 'KK number', f_villageCode: 'Village', f_relationship: 'Relationship on the KK',
      subject: 'Data-subject request', subjectNik: 'NIK of the person', subjectFind: 'Show the data', subjectPrint: 'Print', subjectJson: 'Download JSON',
      subjectTitle: 'Personal data held by SatuPintu', subjectRecord: 'Personal record', subjectFamily: 'Family', subjectSubmissions: 'Where the data came from', subjectAccesses: 'Who accessed it',
      requestId: 'Request no.', generated: 'Generated', requestedBy: 'Requested by', actor: 'By', action: 'Action', purpose: 'Purpose', outcome: 'Outcome', at: 'When',
      members: 'Family members', submittedBy: 'Sent by', list: 'Import list', truncated: 'Only the newest 1,000 accesses are listed', nothing: 'None',
      subjectHelp: 'Only for a request by the person themselves (UU 27/2022). Every request is written to the audit trail.',
    },
  };

  const $ = (id) => document.getElementById(id);
  const state = { region: 'ID', theme: 'population', view: 'indicators', lang: 'id', campaign: null, task: null, reason: '', status: 'open', rule: '', records: 'rejected', kk: '', job: null };
  const VIEWS = ['indicators', 'progress', 'review', 'data', 'eligibility', 'imports', 'subject'];
  /** The purpose a data-subject request is made for; the view shows only to principals granted it. */
  const SUBJECT_PURPOSE = 'data-subject-request';
  /** The last export, in memory only: the NIK never goes into the URL, the history or storage. */
  let subjectReport = null;
  let me = null;
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
    state.view = VIEWS.includes(p.get('view')) ? p.get('view') : 'indicators';
    state.task = p.get('task');
    state.reason = p.get('reason') || '';
    state.status = ['open', 'same', 'different'].includes(p.get('status')) ? p.get('status') : 'open';
    state.rule = p.get('rule') || '';
    state.kk = /^\d{16}$/.test(p.get('kk') || '') ? p.get('kk') : '';
    state.job = /^[0-9a-f-]{36}$/.test(p.get('job') || '') ? p.get('job') : null;
    state.records = ['rejected', 'registered', 'validated', 'received'].includes(p.get('records')) ? p.get('records') : 'rejected';
    state.lang = p.get('lang') === 'en' ? 'en' : 'id';
    state.campaign = p.get('campaign');
  }
  function linkTo(changes) {
    const next = { ...state, ...changes };
    const p = new URLSearchParams({ region: next.region, theme: next.theme, view: next.view, lang: next.lang });
    if (next.campaign) p.set('campaign', next.campaign);
    if (next.view === 'eligibility' && next.kk) p.set('kk', next.kk);
    if (next.view === 'imports' && next.job) p.set('job', next.job);
    if (next.view === 'data') {
      if (next.rule) p.set('rule', next.rule);
      if (next.records !== 'rejected') p.set('records', next.records);
    }
    if (next.view === 'review') {
      if (next.task) p.set('task', next.task);
      if (next.reason) p.set('reason', next.reason);
      if (next.status !== 'open') p.set('status', next.status);
    }
    return p.toString();
  }
  function go(changes) {
    Object.assign(state, changes);
    location.hash = linkTo({});
  }

  function translateStatic() {
    document.documentElement.lang = state.lang;
    for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
    $('lang').textContent = t('switchTo');
    document.title = `${t('title')} SatuPintu`;
    for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b.dataset.view === state.view);
  }

  function breadcrumb(region) {
    // From the country down to this region, each ancestor by its name (the API gives them).
    const ancestors = region.ancestors || [];
    $('breadcrumb').replaceChildren(
      ...ancestors.map((a) => el('li', {}, el('a', { href: `#${linkTo({ region: a.code })}`, 'data-testid': `crumb-${a.code}`, title: a.code }, a.name || a.code))),
      ...(region.code === 'ID' ? [] : [el('li', { 'aria-current': 'page' }, el('span', {}, region.name || region.code))]),
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

  // ---- Importing an agency's list: upload (or a dry run), the jobs, one job's progress while it
  // runs, its rows by outcome, findings, what became of it per regency, and the row report.
  let importPoll = null;

  async function uploadList() {
    const file = $('import-file').files[0];
    if (!file) return;
    const p = new URLSearchParams({ source: $('import-source').value.trim(), fileName: file.name });
    if ($('import-preset').value) p.set('preset', $('import-preset').value);
    if ($('import-dry').checked) p.set('dryRun', 'true');
    const type = file.name.toLowerCase().endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
    const res = await fetch(`/v1/imports?${p}`, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${credential()}` }, body: file });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(answer.error ? answer.error.message : `${res.status}`);
    $('import-form').reset();
    go({ job: answer.id });
  }

  async function downloadReport(format) {
    const blob = await (await request(`/v1/imports/${state.job}/rows?format=${format}`, format === 'csv' ? 'text/csv' : 'application/octet-stream')).blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: `import-${state.job}.${format}` });
    a.click();
    URL.revokeObjectURL(a.href);
  }

  async function showImports() {
    clearTimeout(importPoll);
    $('breadcrumb').replaceChildren();
    $('region-name').textContent = t('imports');
    $('updated').textContent = '';
    $('import-jobs-list').hidden = Boolean(state.job);
    $('import-form').hidden = Boolean(state.job);
    $('import-job').hidden = !state.job;
    if (state.job) return showImportJob(state.job);
    const { jobs } = await api('/v1/imports');
    $('import-jobs').replaceChildren(
      el('tr', {}, el('th', {}, t('created')), el('th', {}, t('listName')), el('th', {}, t('file')), el('th', {}, t('state'))),
      ...(jobs.length === 0 ? [el('tr', {}, el('td', { colspan: '4' }, t('noJobs')))] : []),
      ...jobs.map((j) =>
        el('tr', { 'data-testid': `job-${j.id}` },
          el('td', {}, new Date(j.createdAt).toLocaleString(locale())),
          el('td', {}, el('a', { href: `#${linkTo({ job: j.id })}` }, j.source)),
          el('td', {}, j.fileName || '–'),
          el('td', {}, `${t(`js_${j.state}`)}${j.dryRun ? ` (${t('test')})` : ''}`))),
    );
  }

  async function showImportJob(id) {
    const [job, summary] = await Promise.all([api(`/v1/imports/${id}`), api(`/v1/imports/${id}/summary`)]);
    $('import-title').textContent = `${job.source} · ${job.fileName || ''} · ${t(`js_${job.state}`)}${job.dryRun ? ` (${t('test')})` : ''}`;
    const total = job.progress.rowsTotal || 0;
    $('import-progress').max = Math.max(total, 1);
    $('import-progress').value = job.progress.rowsDone;
    $('import-progress-text').textContent = `${fmt(job.progress.rowsDone)} ${t('rowsOf')} ${total ? fmt(total) : '…'}${job.complete ? ` · ${t('done')}` : ''}`;
    $('import-rows').replaceChildren(...Object.entries(job.rows).map(([k, n]) => el('div', { class: 'kpi' }, el('span', { title: k }, t(`r_${k}`) || k), el('strong', { 'data-testid': `import-outcome-${k}` }, fmt(n)))));
    $('import-findings').replaceChildren(
      el('tr', {}, el('th', {}, t('code')), el('th', { class: 'num' }, t('count'))),
      ...Object.entries(job.findings).sort((a, b) => b[1] - a[1]).map(([code, n]) => el('tr', {}, el('td', {}, code), el('td', { class: 'num', 'data-testid': `import-finding-${code}` }, fmt(n)))),
    );
    const keys = ['rows', 'new', 'found', 'review', 'rejected', 'waiting'];
    $('import-regions').replaceChildren(
      el('tr', {}, el('th', {}, t('region')), ...keys.map((k) => el('th', { class: 'num' }, t(`o_${k}`)))),
      ...summary.regions.map((r) => el('tr', { 'data-testid': `import-region-${r.code}` }, el('td', {}, r.code === 'unknown' ? t('unknownRegion') : `${r.name || r.code} (${r.code})`), ...keys.map((k) => el('td', { class: 'num' }, fmt(r[k] || 0))))),
    );
    // Follow a job until every record it submitted has its outcome.
    if (!job.complete && job.state !== 'failed') importPoll = setTimeout(() => { if (state.view === 'imports' && state.job === id) void render(); }, 1500);
  }

  // ---- Aid eligibility: per region and programme, with drill-down; one family's decisions with
  // every criterion explained (the value recorded and whether it met the rule), for the officer
  // answering "why was my family excluded?".
  // A count hidden below the minimum cell size shows a dash, with the reason on hover.
  const countCell = (c) => (c.suppressed ? { class: 'num suppressed', title: t('suppressed') } : { class: 'num' });

  async function showEligibility() {
    const data = await api(`/v1/regions/${encodeURIComponent(state.region)}/eligibility`);
    breadcrumb({ code: data.code, name: data.name, ancestors: data.ancestors || [] });
    $('updated').textContent = '';
    const programmeName = (p) => (p.name ? p.name[state.lang] : p.programmeId);
    $('eligibility-table').replaceChildren(
      el('tr', {}, el('th', {}, t('programme')), el('th', { class: 'num' }, t('eligibleN')), el('th', { class: 'num' }, t('notEligibleN'))),
      ...data.programmes.map((p) => el('tr', {}, el('td', {}, `${programmeName(p)}${p.agency ? ` (${p.agency})` : ''}`), el('td', { ...countCell(p), 'data-testid': `eligible-${p.programmeId}` }, fmt(p.eligible)), el('td', { ...countCell(p), 'data-testid': `not-eligible-${p.programmeId}` }, fmt(p.notEligible)))),
    );
    $('eligibility-children').replaceChildren(
      el('tr', {}, el('th', {}, t('region')), ...data.programmes.map((p) => el('th', { class: 'num' }, `${programmeName(p)}: ${t('eligibleN')}`))),
      ...data.children.map((c) =>
        el('tr', {},
          el('td', {}, el('a', { href: `#${linkTo({ region: c.code, kk: '' })}`, 'data-testid': `eligibility-child-${c.code}` }, `${c.name || c.code} (${c.code})`)),
          ...data.programmes.map((p) => {
            const n = c.programmes.find((x) => x.programmeId === p.programmeId) || { eligible: 0 };
            return el('td', { ...countCell(n), 'data-testid': `child-eligible-${c.code}-${p.programmeId}` }, fmt(n.eligible));
          }))),
    );
    const lookup = me.role === 'supervisor' || me.role === 'admin';
    $('family-lookup').hidden = !lookup;
    $('lookup-kk').value = state.kk;
    $('family-decisions').replaceChildren();
    if (lookup && state.kk) await showFamilyDecisions(state.kk);
  }

  async function showFamilyDecisions(kk) {
    const { families } = await api(`/v1/families?kk=${kk}`);
    if (families.length === 0) return $('family-decisions').replaceChildren(el('p', { 'data-testid': 'family-not-found' }, t('notFoundKk')));
    const family = await api(`/v1/families/${families[0].familyId}`);
    const res = await fetch(`/v1/families/${families[0].familyId}/eligibility`, { headers: { accept: 'application/json', authorization: `Bearer ${credential()}` } });
    if (res.status === 404) return $('family-decisions').replaceChildren(el('p', { 'data-testid': 'family-no-decisions' }, t('noDecisions')));
    if (!res.ok) throw new Error(`${res.status}`);
    const { decisions } = await res.json();
    const nameOf = new Map(family.members.map((m) => [m.personId, m.name]));
    const shown = (v) => (v === null || v === undefined ? '–' : typeof v === 'boolean' ? t(v ? 'yes' : 'no') : typeof v === 'object' ? JSON.stringify(v) : String(v));
    $('family-decisions').replaceChildren(
      ...decisions.map((d) =>
        el('div', { class: 'card decision', 'data-testid': `decision-${d.programmeId}-${d.personId || 'family'}` },
          el('h4', {}, `${d.programme ? d.programme.name[state.lang] : d.programmeId} · ${d.personId ? nameOf.get(d.personId) || t('person') : t('familyLevel')} · `, el('span', { class: d.eligible ? 'agree' : 'disagree' }, t(d.eligible ? 'eligibleYes' : 'eligibleNo')), el('span', { class: 'muted' }, ` (${t('evaluatedOn')} ${d.evaluatedOn})`)),
          el('div', { class: 'scroll' }, el('table', {},
            el('tr', {}, el('th', {}, t('criterion')), el('th', {}, t('valueSeen')), el('th', {}, t('passed'))),
            ...d.criteria.map((c) => el('tr', { 'data-testid': `criterion-${d.programmeId}-${c.criterion}` }, el('td', {}, c.description || c.criterion), el('td', {}, shown(c.value)), el('td', { class: c.passed ? 'agree' : 'disagree' }, t(c.passed ? 'yes' : 'no')))))))),
    );
  }

  // ---- Submissions of a region for data officers (and a cadre's own): counts by status, rejected
  // records by rule, each with its rules' messages; a CSV to fix and resend.
  const recordsQuery = (format) => {
    const p = new URLSearchParams({ status: state.records });
    if (state.region !== 'ID') p.set('region', state.region);
    if (state.rule && state.records === 'rejected') p.set('rule', state.rule);
    if (format) p.set('format', format);
    return `/v1/submissions?${p}`;
  };

  async function downloadRecords() {
    const blob = await (await request(recordsQuery('csv'), 'text/csv')).blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: `submissions-${state.region}-${state.records}${state.rule ? `-${state.rule}` : ''}.csv` });
    a.click();
    URL.revokeObjectURL(a.href);
  }

  // The region the data page was opened on: choosing "all villages" goes back to it.
  let dataHome = 'ID';

  async function showData() {
    if (!/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(state.region)) dataHome = state.region;
    const region = state.region !== 'ID' ? `?region=${encodeURIComponent(state.region)}` : '';
    const summary = await api(`/v1/submissions/summary${region}`);
    $('breadcrumb').replaceChildren();
    $('region-name').textContent = `${t('data')} · ${state.region === 'ID' ? (me.regions.join(', ')) : state.region}`;
    $('updated').textContent = '';
    $('data-status').replaceChildren(
      ...['received', 'validated', 'rejected', 'registered'].map((st) =>
        el('div', { class: 'kpi' }, el('span', {}, t(`st_${st}`)), el('strong', { 'data-testid': `data-count-${st}` }, fmt(summary.byStatus[st] || 0)))),
    );
    $('data-rules').replaceChildren(
      el('tr', {}, el('th', {}, t('rule')), el('th', { class: 'num' }, t('records'))),
      ...summary.rejectedByRule.map((r) => el('tr', {}, el('td', {}, el('a', { href: `#${linkTo({ records: 'rejected', rule: r.code })}`, 'data-testid': `rule-${r.code}` }, r.code)), el('td', { class: 'num', 'data-testid': `rule-count-${r.code}` }, fmt(r.records)))),
    );
    $('data-filter-status').value = state.records;
    $('data-filter-rule').replaceChildren(el('option', { value: '' }, t('allRules')), ...summary.rejectedByRule.map((r) => el('option', { value: r.code }, r.code)));
    $('data-filter-rule').value = state.rule;
    $('data-filter-rule').disabled = state.records !== 'rejected';
    const { records } = await api(recordsQuery());
    // Villages to filter by: those of the records shown (and the one chosen).
    const chosen = /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(state.region) ? state.region : '';
    const villages = [...new Set([...records.map((r) => r.villageCode).filter(Boolean), ...(chosen ? [chosen] : [])])].sort();
    $('data-filter-village').replaceChildren(el('option', { value: '' }, t('allVillages')), ...villages.map((v) => el('option', { value: v }, v)));
    $('data-filter-village').value = chosen;
    $('data-records').replaceChildren(
      el('tr', {}, el('th', {}, t('key')), el('th', {}, t('reasons')), el('th', {}, t('village')), el('th', {}, t('status')), el('th', {}, t('received'))),
      ...records.map((r) =>
        el('tr', { 'data-testid': `record-${r.id}` },
          el('td', {}, r.idempotencyKey),
          el('td', { class: 'reasons' }, ...(r.errors || []).map((e) => el('div', {}, el('strong', {}, e.code), ` ${e.message[state.lang]}`))),
          el('td', {}, r.villageCode || '–'),
          el('td', {}, t(`st_${r.status}`)),
          el('td', {}, new Date(r.receivedAt).toLocaleString(locale())))),
    );
  }

  // ---- Duplicate review desk (supervisors): the queue of their regions, one task side by side,
  // decide same / different with a note, undo a merge with a reason; keyboard first.
  const reviewHome = () => (me && me.regions.length === 1 ? me.regions[0] : 'ID');
  let queue = [];
  let selected = 0;
  let currentTask = null;

  async function post(path, body) {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${credential()}` }, body: JSON.stringify(body) });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(answer.error ? answer.error.message : `${res.status}`);
    return answer;
  }

  async function showReview() {
    const region = state.region === 'ID' ? reviewHome() : state.region;
    const summary = await api(`/v1/review-tasks/summary?region=${encodeURIComponent(region)}`);
    $('review-open').textContent = fmt(summary.open);
    $('review-today').textContent = fmt(summary.decidedToday);
    $('review-by').textContent = summary.byReviewer.map((r) => `${r.reviewer}: ${r.same} ${t('sameShort')}, ${r.different} ${t('differentShort')}`).join(' · ') || '–';
    $('review-reason').value = state.reason;
    $('review-status').value = state.status;
    $('review-queue').hidden = Boolean(state.task);
    $('review-task').hidden = !state.task;
    $('breadcrumb').replaceChildren();
    $('region-name').textContent = t('review');
    $('updated').textContent = '';
    if (state.task) return showTask(state.task);
    const params = new URLSearchParams({ region, status: state.status });
    if (state.reason) params.set('reason', state.reason);
    const { tasks } = await api(`/v1/review-tasks?${params}`);
    queue = tasks;
    selected = Math.min(selected, Math.max(0, queue.length - 1));
    // Villages to filter by: those of the caller's region seen in the queue, and the region itself.
    const villages = [...new Set(tasks.map((x) => x.villageCode))].sort();
    const current = state.region !== 'ID' && state.region !== reviewHome() ? state.region : '';
    $('review-village').replaceChildren(el('option', { value: '' }, t('allVillages')), ...[...new Set([...villages, ...(current ? [current] : [])])].map((v) => el('option', { value: v }, v)));
    $('review-village').value = current;
    $('review-table').replaceChildren(
      el('tr', {}, el('th', {}, t('opened')), el('th', {}, t('village')), el('th', {}, t('reason')), el('th', { class: 'num' }, t('score')), ...(state.status === 'open' ? [] : [el('th', {}, t('decided'))])),
      ...(queue.length === 0 ? [el('tr', {}, el('td', { colspan: '5', 'data-testid': 'review-empty' }, t('noTasks')))] : []),
      ...queue.map((task, i) =>
        el('tr', { 'data-task': task.taskId, 'data-testid': `task-row-${task.taskId}`, class: i === selected ? 'selected' : '', tabindex: '0', onclick: () => go({ task: task.taskId }) },
          el('td', {}, new Date(task.openedAt).toLocaleString(locale())),
          el('td', {}, task.villageCode),
          el('td', {}, t(task.reason)),
          el('td', { class: 'num' }, fmt(task.score)),
          ...(state.status === 'open' ? [] : [el('td', {}, task.decision ? task.decision.reviewer : '')]))),
    );
  }

  const SEX = { M: { id: 'Laki-laki', en: 'Male' }, F: { id: 'Perempuan', en: 'Female' } };
  // Relationship codes on the KK (Dukcapil).
  const RELATIONSHIP = {
    1: { id: 'Kepala keluarga', en: 'Head' }, 2: { id: 'Suami', en: 'Husband' }, 3: { id: 'Istri', en: 'Wife' }, 4: { id: 'Anak', en: 'Child' },
    5: { id: 'Menantu', en: 'Child-in-law' }, 6: { id: 'Cucu', en: 'Grandchild' }, 7: { id: 'Orang tua', en: 'Parent' }, 8: { id: 'Mertua', en: 'Parent-in-law' },
    9: { id: 'Pembantu', en: 'Domestic helper' }, 10: { id: 'Lainnya', en: 'Other' },
  };
  const COMPARISON = {
    nik: { id: 'NIK', en: 'NIK' }, name: { id: 'Nama', en: 'Name' }, 'birth-date': { id: 'Tanggal lahir', en: 'Birth date' }, sex: { id: 'Jenis kelamin', en: 'Sex' },
    region: { id: 'Wilayah', en: 'Region' }, kk: { id: 'No. KK', en: 'KK number' }, 'mother-name': { id: 'Nama ibu', en: "Mother's name" },
  };
  const shownValue = (field, v) => {
    if (v === null || v === undefined) return '–';
    if (field === 'sex') return SEX[v][state.lang];
    if (field === 'relationship') return RELATIONSHIP[v] ? `${RELATIONSHIP[v][state.lang]} (${v})` : String(v);
    return String(v);
  };

  async function showTask(taskId) {
    const task = await api(`/v1/review-tasks/${encodeURIComponent(taskId)}`);
    currentTask = task;
    $('task-title').textContent = `${t(task.reason)} · ${t('score')} ${fmt(task.match.score)} · ${task.villageCode}`;
    const nikRow = (side) => {
      const n = task.nik[side];
      if (!n) return t('none');
      return `${n.birth} ${SEX[n.sex][state.lang]} (${n.agreesWithBirthDate && n.agreesWithSex ? t('agrees') : t('differs')})`;
    };
    $('task-fields').replaceChildren(
      el('tr', {}, el('th', {}, t('field')), el('th', {}, t('recordA')), el('th', {}, t('recordB'))),
      ...task.fields.map((f) =>
        el('tr', { 'data-testid': `field-${f.field}` },
          el('th', {}, t(`f_${f.field}`)),
          el('td', { class: f.same ? 'agree' : 'disagree' }, shownValue(f.field, f.a)),
          el('td', { class: f.same ? 'agree' : 'disagree' }, shownValue(f.field, f.b)))),
      el('tr', { 'data-testid': 'field-nik-says' }, el('th', {}, t('nikSays')), el('td', {}, nikRow('a')), el('td', {}, nikRow('b'))),
    );
    $('task-weights').replaceChildren(
      el('tr', {}, el('th', {}, t('comparison')), el('th', {}, t('level')), el('th', { class: 'num' }, t('weight'))),
      ...task.match.parts.map((p) => el('tr', { 'data-testid': `weight-${p.comparison}` }, el('td', {}, COMPARISON[p.comparison] ? COMPARISON[p.comparison][state.lang] : p.comparison), el('td', {}, p.level || '–'), el('td', { class: 'num' }, fmt(p.weight)))),
    );
    const open = task.status === 'open';
    $('task-decide').hidden = !open || task.decisionPending;
    $('task-undo').hidden = open && !task.decisionPending;
    $('task-unmerge').parentElement.hidden = true;
    $('undo-reason').parentElement.hidden = true;
    if (task.decisionPending) $('task-outcome').textContent = t('pending');
    else if (task.status === 'same' && task.decision && task.decision.mergeId) {
      const merge = await api(`/v1/merges/${encodeURIComponent(task.decision.mergeId)}`);
      const undone = merge.unmergedAt !== null;
      $('task-outcome').textContent = undone ? t('unmerged') : `${t('merged')} ${task.decision.reviewer}${task.decision.note ? ` — ${task.decision.note}` : ''}`;
      $('task-unmerge').parentElement.hidden = undone || merge.unmergePending;
      $('undo-reason').parentElement.hidden = undone || merge.unmergePending;
      if (merge.unmergePending) $('task-outcome').textContent = t('pending');
    } else if (task.status === 'different' && task.decision) $('task-outcome').textContent = `${t('decidedDifferent')} ${task.decision.reviewer}`;
    if (open && !task.decisionPending) $('task-same').focus();
  }

  /** Waits until the registry has carried out a decision (the task or merge changes), then shows it. */
  async function settle(check) {
    for (let i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, 500));
      if (await check()) break;
    }
    await render();
  }

  async function decide(decision) {
    if (!currentTask || currentTask.status !== 'open') return;
    const note = $('task-note').value.trim();
    try {
      await post(`/v1/review-tasks/${currentTask.taskId}/decision`, { decision, ...(note ? { note } : {}) });
      $('task-note').value = '';
      $('task-decide').hidden = true;
      $('task-undo').hidden = false;
      $('task-outcome').textContent = t('pending');
      const id = currentTask.taskId;
      await settle(async () => (await api(`/v1/review-tasks/${id}`)).status !== 'open');
    } catch (err) {
      $('error').textContent = err.message;
      $('error').hidden = false;
    }
  }

  async function unmerge() {
    if (!currentTask || !currentTask.decision || !currentTask.decision.mergeId) return;
    const reason = $('undo-reason').value.trim();
    if (!reason) {
      $('error').textContent = t('needReason');
      $('error').hidden = false;
      $('undo-reason').focus();
      return;
    }
    try {
      const mergeId = currentTask.decision.mergeId;
      await post(`/v1/merges/${mergeId}/unmerge`, { reason });
      $('undo-reason').value = '';
      $('task-outcome').textContent = t('pending');
      await settle(async () => (await api(`/v1/merges/${mergeId}`)).unmergedAt !== null);
    } catch (err) {
      $('error').textContent = err.message;
      $('error').hidden = false;
    }
  }

  function reviewKeys(e) {
    if (state.view !== 'review' || e.ctrlKey || e.metaKey || e.altKey) return;
    const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement && document.activeElement.tagName);
    if (typing) {
      if (e.key === 'Escape') document.activeElement.blur();
      return;
    }
    const key = e.key.toLowerCase();
    if (!state.task) {
      if (key === 'j' || key === 'arrowdown') selected = Math.min(selected + 1, queue.length - 1);
      else if (key === 'k' || key === 'arrowup') selected = Math.max(selected - 1, 0);
      else if (key === 'enter' && queue[selected]) return go({ task: queue[selected].taskId });
      else return;
      e.preventDefault();
      for (const row of document.querySelectorAll('#review-table tr[data-task]')) row.classList.toggle('selected', row.dataset.task === (queue[selected] && queue[selected].taskId));
      const row = document.querySelector('#review-table tr.selected');
      if (row) row.focus();
      return;
    }
    if (key === 'escape') return go({ task: null });
    if (key === 's') decide('same');
    else if (key === 'd') decide('different');
    else if (key === 'n') $('task-note').focus();
    else if (key === 'u') {
      if ($('undo-reason').value.trim()) unmerge();
      else $('undo-reason').focus();
    } else return;
    e.preventDefault();
  }

  // ---- Data-subject requests (designated officers): everything held on one person, printable.
  async function requestExport() {
    const res = await fetch('/v1/data-subject-requests/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${credential()}`, 'x-purpose': SUBJECT_PURPOSE },
      body: JSON.stringify({ nik: $('subject-nik').value.trim() }),
    });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(answer.error ? answer.error.message : `${res.status}`);
    subjectReport = answer;
    $('subject-nik').value = '';
    showSubject();
  }

  function subjectTable(testid, heads, rows) {
    return el('div', { class: 'scroll' }, el('table', { 'data-testid': testid },
      el('tr', {}, ...heads.map((h) => el('th', {}, h))),
      ...(rows.length === 0 ? [el('tr', {}, el('td', { colspan: String(heads.length) }, t('nothing')))] : rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c ?? '–')))))));
  }

  function showSubject() {
    $('breadcrumb').replaceChildren();
    $('region-name').textContent = t('subject');
    const r = subjectReport;
    $('subject-report').hidden = !r;
    if (!r) return;
    const when = (iso) => new Date(iso).toLocaleString(locale());
    const sections = [
      el('h2', {}, t('subjectTitle')),
      el('p', { class: 'muted' }, `${t('requestId')} ${r.requestId} · ${t('generated')} ${when(r.generatedAt)} · ${t('requestedBy')} ${r.requestedBy.label} (${r.requestedBy.role})`),
    ];
    for (const p of r.persons) {
      const m = p.record || {};
      sections.push(
        el('h3', {}, t('subjectRecord')),
        subjectTable('subject-record', [t('field'), t('value')], [
          [t('f_nik'), m.nik], [t('f_name'), m.name], [t('f_sex'), m.sex], [t('f_birthDate'), m.birthDate], [t('f_relationship'), m.relationship],
        ]),
        el('h3', {}, t('subjectFamily')),
        subjectTable('subject-family', [t('field'), t('value')], [
          [t('f_kk'), p.family.kk], [t('f_villageCode'), p.family.address.villageCode], ['RT/RW', `${p.family.address.rt}/${p.family.address.rw}`], [t('members'), p.family.members],
        ]),
      );
    }
    sections.push(
      el('h3', {}, t('eligibility')),
      subjectTable('subject-eligibility', [t('programme'), t('status'), t('evaluatedOn')], r.eligibility.map((d) => [d.programmeId, d.eligible ? t('eligibleYes') : t('eligibleNo'), d.evaluatedOn])),
      el('h3', {}, t('subjectSubmissions')),
      subjectTable('subject-submissions', [t('received'), t('submittedBy'), t('status'), t('list')], r.submissions.map((x) => [when(x.receivedAt), x.submittedBy, x.status, x.importedFrom ? x.importedFrom.list : null])),
      el('h3', {}, t('subjectAccesses')),
      subjectTable('subject-accesses', [t('at'), t('actor'), t('action'), t('purpose'), t('outcome')], r.accesses.map((a) => [when(a.at), a.role ? `${a.actor} (${a.role})` : a.actor, a.action, a.purpose, a.outcome])),
      ...(r.accessesTruncated ? [el('p', { class: 'muted' }, t('truncated'))] : []),
    );
    $('subject-body').replaceChildren(...sections);
  }

  function downloadSubjectJson() {
    if (!subjectReport) return;
    const blob = new Blob([JSON.stringify(subjectReport, null, 2)], { type: 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: `permintaan-subjek-data-${subjectReport.requestId}.json` });
    a.click();
    URL.revokeObjectURL(a.href);
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
    $('review-view').hidden = state.view !== 'review';
    $('data-view').hidden = state.view !== 'data';
    $('eligibility-view').hidden = state.view !== 'eligibility';
    $('imports-view').hidden = state.view !== 'imports';
    $('subject-view').hidden = state.view !== 'subject';
    $('error').hidden = true;
    document.body.dataset.ready = 'false';
    try {
      me = me || (await api('/v1/me'));
      const reviewer = me.role === 'supervisor' || me.role === 'admin';
      $('nav-review').hidden = !reviewer;
      const officer = reviewer || me.role === 'cadre';
      $('nav-data').hidden = !officer;
      const counts = ['supervisor', 'analyst', 'agency', 'admin'].includes(me.role);
      $('nav-eligibility').hidden = !counts;
      const importer = me.role === 'agency' || me.role === 'admin';
      $('nav-imports').hidden = !importer;
      const subjectOfficer = me.purposes.includes(SUBJECT_PURPOSE) && (me.role === 'supervisor' || me.role === 'admin');
      $('nav-subject').hidden = !subjectOfficer;
      if (!subjectOfficer) {
        subjectReport = null;
        // A link to the page reaches only officers: anybody else sees the indicators.
        if (state.view === 'subject') state.view = 'indicators';
        $('subject-view').hidden = true;
        $('indicators-view').hidden = state.view !== 'indicators';
      }
      if (!new URLSearchParams(location.hash.slice(1)).has('region')) {
        // Start in the caller's own region when it has exactly one.
        if (me.regions.length === 1 && me.regions[0] !== 'ID') state.region = me.regions[0];
      }
      if (state.view === 'review' && reviewer) await showReview();
      else if (state.view === 'data' && officer) await showData();
      else if (state.view === 'eligibility' && counts) await showEligibility();
      else if (state.view === 'imports' && importer) await showImports();
      else if (state.view === 'subject' && subjectOfficer) showSubject();
      else {
        catalogue = catalogue || (await api('/v1/indicators'));
        if (state.view === 'progress') await showProgress();
        else await showIndicators();
      }
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
      me = null;
      subjectReport = null;
      void render();
    });
    $('review-reason').addEventListener('change', (e) => go({ reason: e.target.value, task: null }));
    $('review-status').addEventListener('change', (e) => go({ status: e.target.value, task: null }));
    $('review-village').addEventListener('change', (e) => go({ region: e.target.value || reviewHome(), task: null }));
    $('review-back').addEventListener('click', (e) => { e.preventDefault(); go({ task: null }); });
    $('task-same').addEventListener('click', () => decide('same'));
    $('task-different').addEventListener('click', () => decide('different'));
    $('task-unmerge').addEventListener('click', () => unmerge());
    document.addEventListener('keydown', reviewKeys);
    $('import-form').addEventListener('submit', (e) => {
      e.preventDefault();
      uploadList().catch((err) => { $('error').textContent = err.message; $('error').hidden = false; });
    });
    $('import-back').addEventListener('click', (e) => { e.preventDefault(); go({ job: null }); });
    $('import-report-csv').addEventListener('click', () => downloadReport('csv').catch((err) => { $('error').textContent = err.message; $('error').hidden = false; }));
    $('import-report-xlsx').addEventListener('click', () => downloadReport('xlsx').catch((err) => { $('error').textContent = err.message; $('error').hidden = false; }));
    $('family-lookup').addEventListener('submit', (e) => {
      e.preventDefault();
      go({ kk: $('lookup-kk').value.trim() });
    });
    $('data-filter-status').addEventListener('change', (e) => go({ records: e.target.value, rule: e.target.value === 'rejected' ? state.rule : '' }));
    $('data-filter-rule').addEventListener('change', (e) => go({ rule: e.target.value }));
    $('data-filter-village').addEventListener('change', (e) => go({ region: e.target.value || dataHome }));
    $('data-csv').addEventListener('click', () => downloadRecords().catch((err) => { $('error').textContent = err.message; $('error').hidden = false; }));
    $('subject-form').addEventListener('submit', (e) => {
      e.preventDefault();
      $('error').hidden = true;
      requestExport().catch((err) => { $('error').textContent = err.message; $('error').hidden = false; });
    });
    $('subject-print').addEventListener('click', () => window.print());
    $('subject-json').addEventListener('click', downloadSubjectJson);
    window.addEventListener('hashchange', render);
    void render();
  });
})();
