// The sandbox-agent inspector: plain browser JavaScript, no dependencies. By default every API URL
// is relative to this page (../v1/…), so the inspector also works behind a path prefix; another
// daemon can be chosen by its base URL. The base URL and the token live in localStorage, and the
// token travels only in the Authorization header.
'use strict';

const CONNECTION_KEY = 'sandbox-agent.connection';
const TURN_MODE_KEY = 'sandbox-agent.turn-mode';
const REQUEST_LOG_LIMIT = 200;
const $ = (id) => document.getElementById(id);

/** The daemon this page was served by: the folder above /ui/. */
function defaultBase() {
  return new URL('../', document.baseURI).toString();
}

/** The saved connection: {base, token}; a null token means none was chosen yet. */
function savedConnection() {
  try {
    const saved = JSON.parse(localStorage.getItem(CONNECTION_KEY));
    if (saved && typeof saved.base === 'string') {
      return { base: saved.base, token: typeof saved.token === 'string' ? saved.token : null };
    }
  } catch (e) {
    // a damaged entry counts as none
  }
  return { base: defaultBase(), token: null };
}

function saveConnection() {
  localStorage.setItem(CONNECTION_KEY, JSON.stringify({ base: state.base, token: state.token }));
}

const state = {
  ...savedConnection(),
  agents: [],
  modes: new Map(),
  selected: null,
  requests: 0,
};

/** An API failure with the server's problem body. */
class ApiError extends Error {
  constructor(status, problem) {
    super(problem && (problem.detail || problem.title) ? (problem.detail || problem.title) : 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
}

function apiUrl(path) {
  return new URL('v1/' + path, state.base).toString();
}

async function api(path, options = {}) {
  const headers = Object.entries(options.headers || {});
  if (options.json !== undefined) {
    headers.push(['Content-Type', 'application/json']);
  }
  const body = options.json !== undefined ? JSON.stringify(options.json) : undefined;
  const url = apiUrl(path);
  const method = options.method || 'GET';
  const logged = logRequest({ method, url, headers, body, auth: Boolean(state.token), stream: Boolean(options.stream) });
  const sent = new Headers(headers);
  if (state.token) {
    sent.set('Authorization', 'Bearer ' + state.token);
  }
  let response;
  try {
    response = await fetch(url, { method, headers: sent, body, signal: options.signal, cache: 'no-store' });
  } catch (error) {
    logged.done(options.signal && options.signal.aborted ? 'aborted' : 'failed');
    throw error;
  }
  logged.done(response.status);
  if (options.raw) {
    return response;
  }
  const text = await response.text();
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      parsed = { detail: text };
    }
  }
  if (!response.ok) {
    if (response.status === 401) {
      askForToken('The daemon rejected the token (401).');
    }
    throw new ApiError(response.status, parsed);
  }
  return parsed;
}

// ---- the request log --------------------------------------------------------------------------

/** A word for the shell: single-quoted, each ' written as '\'' so nothing inside is expanded. */
function shellQuote(text) {
  return "'" + String(text).replace(/'/g, "'\\''") + "'";
}

/**
 * The request as a curl command line. The token is never written out: the header reads it from
 * $SANDBOX_AGENT_TOKEN when the shell runs the command.
 */
function curlCommand(request) {
  const words = ['curl', '-sS'];
  if (request.stream) {
    words.push('-N');
  }
  if (request.method !== 'GET') {
    words.push('-X', request.method);
  }
  words.push(shellQuote(request.url));
  if (request.auth) {
    words.push('-H', '"Authorization: Bearer $SANDBOX_AGENT_TOKEN"');
  }
  for (const [name, value] of request.headers) {
    words.push('-H', shellQuote(name + ': ' + value));
  }
  if (request.body !== undefined) {
    words.push('--data-raw', shellQuote(request.body));
  }
  return words.join(' ');
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    const area = el('textarea', { class: 'visually-hidden', 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  }
}

/** Adds a request to the log (newest first); the returned handle fills in its status and duration. */
function logRequest(request) {
  const started = performance.now();
  const path = new URL(request.url).pathname + new URL(request.url).search;
  const status = el('span', { class: 'status pending', 'data-testid': 'request-status', text: '…' });
  const duration = el('span', { class: 'duration', 'data-testid': 'request-duration' });
  const curl = el('pre', { class: 'curl', 'data-testid': 'curl', hidden: true });
  const copied = el('span', { class: 'muted copied', role: 'status' });
  const row = el('li', { class: 'request', 'data-testid': 'request', 'data-method': request.method, 'data-path': path },
    el('div', { class: 'request-line' },
      el('span', { class: 'method', text: request.method }),
      el('span', { class: 'path', title: request.url, text: path }),
      status, duration,
      el('button', {
        type: 'button', class: 'link', 'data-testid': 'copy-curl', text: 'copy as curl',
        onclick: async () => {
          curl.textContent = curlCommand(request);
          curl.hidden = false;
          copied.textContent = (await copyText(curl.textContent)) ? 'copied' : 'select and copy';
        },
      }),
      copied),
    curl);
  const list = $('requests');
  list.prepend(row);
  while (list.children.length > REQUEST_LOG_LIMIT) {
    list.lastElementChild.remove();
  }
  state.requests += 1;
  $('requests-count').textContent = String(state.requests);
  return {
    done(outcome) {
      const ms = Math.round(performance.now() - started);
      status.textContent = String(outcome);
      const ok = typeof outcome === 'number' && outcome < 400;
      status.className = 'status ' + (ok ? 'ok' : 'bad');
      duration.textContent = ms + ' ms' + (request.stream && ok ? ' to first byte' : '');
    },
  };
}

$('requests-clear').addEventListener('click', (event) => {
  event.preventDefault();
  $('requests').replaceChildren();
  state.requests = 0;
  $('requests-count').textContent = '0';
});

const seg = (value) => encodeURIComponent(value);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = value;
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

function showError(node, error) {
  node.hidden = !error;
  node.textContent = error ? error.message : '';
}

function pretty(value) {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch (e) {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

function setPill(node, text, kind) {
  node.hidden = false;
  node.textContent = text;
  node.className = 'pill' + (kind ? ' ' + kind : '');
}

// ---- connection: the daemon's base URL and token ----------------------------------------------

function askForToken(message) {
  $('token-panel').hidden = false;
  $('connect-cancel').hidden = true;
  $('token-input').required = true;
  $('token-input').placeholder = '';
  $('base-input').value = state.base;
  showError($('token-error'), message ? new Error(message) : null);
  setPill($('connection'), 'token needed', 'down');
  $('token-input').focus();
}

/** The base URL typed by the user, as an absolute http(s) URL ending in a slash; throws when it is none. */
function normalizeBase(text) {
  const trimmed = text.trim() || defaultBase();
  let url;
  try {
    url = new URL(trimmed);
  } catch (e) {
    throw new Error('Not a URL: ' + trimmed);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error('The daemon URL must start with http:// or https://');
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) {
    url.pathname += '/';
  }
  return url.toString();
}

/** Connects to the chosen daemon afresh: everything shown of the previous one is dropped. */
function connect(base, token) {
  try {
    state.base = normalizeBase(base);
  } catch (error) {
    showError($('token-error'), error);
    return;
  }
  state.token = token;
  saveConnection();
  $('token-input').value = '';
  $('token-panel').hidden = true;
  closeStream();
  state.selected = null;
  state.agents = [];
  state.modes.clear();
  $('agents').replaceChildren();
  $('sessions').replaceChildren();
  $('timeline').replaceChildren();
  $('session-title').textContent = 'No session selected';
  $('session-meta').textContent = '';
  $('stream-state').hidden = true;
  setComposerEnabled(false);
  start();
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  connect($('base-input').value, $('token-input').value.trim() || state.token || '');
});

$('no-token').addEventListener('click', () => connect($('base-input').value, ''));

$('base-default').addEventListener('click', () => {
  $('base-input').value = defaultBase();
});

$('forget-token').addEventListener('click', () => {
  state.token = null;
  saveConnection();
  closeStream();
  askForToken(null);
});

$('change-endpoint').addEventListener('click', () => {
  $('token-panel').hidden = false;
  $('connect-cancel').hidden = state.token === null;
  // An empty token field keeps the token in use.
  $('token-input').required = !state.token;
  $('token-input').placeholder = state.token ? 'unchanged' : '';
  $('base-input').value = state.base;
  showError($('token-error'), null);
  $('base-input').focus();
});

$('connect-cancel').addEventListener('click', () => {
  $('token-panel').hidden = true;
});

function showEndpoint() {
  const own = state.base === defaultBase();
  $('endpoint').textContent = own ? 'this daemon' : state.base;
  $('endpoint').title = state.base;
}

// ---- agents -----------------------------------------------------------------------------------

async function loadAgents() {
  const body = await api('agents');
  state.agents = body.agents || [];
  await Promise.all(state.agents.map(async (agent) => {
    try {
      const modes = await api('agents/' + seg(agent.id) + '/modes');
      state.modes.set(agent.id, modes.modes || []);
    } catch (e) {
      state.modes.set(agent.id, []);
    }
  }));
  renderAgents();
  renderAgentChoices();
}

function renderAgents() {
  const list = $('agents');
  list.replaceChildren();
  if (!state.agents.length) {
    list.append(el('li', { class: 'muted', text: 'No agents are loaded.' }));
  }
  for (const agent of state.agents) {
    const result = el('p', { class: 'install-result', 'data-testid': 'install-result-' + agent.id, hidden: true });
    const install = el('button', {
      type: 'button', 'data-testid': 'install-' + agent.id,
      text: agent.installed ? 'Reinstall' : 'Install',
      onclick: () => installAgent(agent, install, result),
    });
    const capabilities = Object.entries(agent.capabilities || {}).filter(([, on]) => on).map(([name]) => name);
    const modes = (state.modes.get(agent.id) || []).map((m) => m.id);
    list.append(el('li', { 'data-testid': 'agent-' + agent.id },
      el('div', { class: 'agent-head' },
        el('strong', { text: agent.id }),
        el('span', {
          class: 'badge ' + (agent.installed ? 'yes' : 'no'),
          text: agent.installed ? 'installed' + (agent.version ? ' ' + agent.version : '') : 'not installed',
        }),
        install),
      modes.length ? el('div', { class: 'chips', title: 'modes' },
        el('span', { class: 'muted', text: 'modes:' }), modes.map((m) => el('span', { class: 'chip', text: m }))) : null,
      el('details', {},
        el('summary', { text: capabilities.length + ' capabilities' }),
        el('div', { class: 'chips' }, capabilities.map((c) => el('span', { class: 'chip', text: c })))),
      agent.serverStatus ? el('p', { class: 'muted install-result', text: 'server: ' + agent.serverStatus.status }) : null,
      result));
  }
}

async function installAgent(agent, button, result) {
  button.disabled = true;
  button.textContent = 'Installing…';
  result.hidden = false;
  result.className = 'install-result muted';
  result.textContent = 'Installing ' + agent.id + '… (a download can take a while)';
  try {
    const body = await api('agents/' + seg(agent.id) + '/install', {
      method: 'POST', json: { reinstall: agent.installed }, headers: { Prefer: 'return=representation' },
    });
    result.className = 'install-result';
    result.textContent = body && body.downloaded
      ? 'Installed ' + (body.version || '') + ' from ' + body.source
      : 'Already installed' + (body && body.version ? ' (' + body.version + ')' : '');
    await loadAgents();
  } catch (error) {
    result.className = 'install-result error-text';
    const stderr = error.problem && error.problem.details && error.problem.details.stderr;
    result.textContent = 'Install failed: ' + error.message + (stderr ? '\n' + stderr : '');
    button.disabled = false;
    button.textContent = agent.installed ? 'Reinstall' : 'Install';
  }
}

function renderAgentChoices() {
  const select = $('create-agent');
  const previous = select.value;
  select.replaceChildren(...state.agents.map((a) => el('option', { value: a.id, text: a.id })));
  if (state.agents.some((a) => a.id === previous)) {
    select.value = previous;
  } else if (state.agents.some((a) => a.id === 'mock')) {
    select.value = 'mock';
  }
  renderModeChoices();
}

function renderModeChoices() {
  const modes = state.modes.get($('create-agent').value) || [];
  $('create-mode').replaceChildren(...(modes.length ? modes : [{ id: 'build', name: 'build' }])
    .map((m) => el('option', { value: m.id, text: m.name && m.name !== m.id ? m.id + ' — ' + m.name : m.id })));
}

$('create-agent').addEventListener('change', renderModeChoices);
$('agents-refresh').addEventListener('click', () => loadAgents().catch(() => {}));

// ---- sessions ---------------------------------------------------------------------------------

function newSessionId() {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return 's-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function loadSessions() {
  const body = await api('sessions');
  const list = $('sessions');
  list.replaceChildren();
  const sessions = body.sessions || [];
  if (!sessions.length) {
    list.append(el('li', { class: 'empty', text: 'No sessions yet.' }));
  }
  for (const s of sessions) {
    list.append(el('li', {},
      el('button', {
        type: 'button', 'data-testid': 'session-' + s.sessionId,
        'aria-current': state.selected && state.selected.id === s.sessionId ? 'true' : 'false',
        onclick: () => selectSession(s),
      },
      el('span', { class: 'sid', text: s.sessionId }),
      el('span', { class: 'muted', text: s.agent + (s.ended ? ' · ended' : '') + (s.usage ? ' · ' + usageText(s.usage) : '') }),
      s.restored ? el('span', {
        class: 'tag restored', 'data-testid': 'restored', text: 'restored',
        title: 'Loaded from disk when the daemon started',
      }) : null,
      s.resumed ? el('span', {
        class: 'tag resumed', 'data-testid': 'resumed', text: 'resumed',
        title: 'Its agent was reopened after a daemon restart',
      }) : null)));
  }
  return sessions;
}

$('sessions-refresh').addEventListener('click', () => loadSessions().catch(() => {}));

$('create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = $('create-id').value.trim();
  const request = {
    agent: $('create-agent').value,
    agentMode: $('create-mode').value || undefined,
    permissionMode: $('create-permission').value,
  };
  const model = $('create-model').value.trim();
  if (model) {
    request.model = model;
  }
  const submit = $('create-form').querySelector('button[type=submit]');
  submit.disabled = true;
  try {
    await api('sessions/' + seg(id), { method: 'POST', json: request });
    showError($('create-error'), null);
    $('create-id').value = newSessionId();
    const sessions = await loadSessions();
    const created = sessions.find((s) => s.sessionId === id);
    if (created) {
      selectSession(created);
    }
  } catch (error) {
    showError($('create-error'), error);
  } finally {
    submit.disabled = false;
  }
});

$('terminate').addEventListener('click', async () => {
  if (!state.selected) {
    return;
  }
  try {
    await api('sessions/' + seg(state.selected.id) + '/terminate', { method: 'POST' });
    showError($('send-error'), null);
  } catch (error) {
    showError($('send-error'), error);
  }
  loadSessions().catch(() => {});
});

// ---- the selected session's timeline ----------------------------------------------------------

function selectSession(session) {
  closeStream();
  const controller = new AbortController();
  const view = {
    id: session.sessionId,
    agent: session.agent,
    lastSequence: 0,
    items: new Map(),
    entries: new Map(),
    ended: false,
    // Whether the timeline follows new events: true until the reader scrolls up, again once back down.
    follow: true,
    // Ends everything done for this view; the follower ends only the session's SSE stream.
    controller,
    follower: null,
    continuation: null,
    turn: false,
  };
  state.selected = view;
  $('session-title').textContent = session.sessionId;
  $('session-meta').textContent = [session.agent, 'mode ' + session.agentMode, 'permissions ' + session.permissionMode,
    session.model ? 'model ' + session.model : null, session.nativeSessionId ? 'native ' + session.nativeSessionId : null,
    session.restored ? 'restored from disk at the daemon\'s start' : null,
    session.resumed ? 'resumed after a restart' : null]
    .filter(Boolean).join(' · ');
  $('timeline').replaceChildren();
  setComposerEnabled(true);
  for (const button of $('sessions').querySelectorAll('button')) {
    button.setAttribute('aria-current', String(button.dataset.testid === 'session-' + session.sessionId));
  }
  if (turnMode()) {
    showTurnMode(view);
  } else {
    follow(view);
  }
}

/** Follows the session's SSE stream until the view closes or turn mode stops it. */
function follow(view) {
  view.follower = new AbortController();
  const stop = () => view.follower.abort();
  view.controller.signal.addEventListener('abort', stop, { once: true });
  streamEvents(view, view.follower.signal);
}

/** The controls that act on a running session: off once it has ended. */
function setComposerEnabled(enabled) {
  $('terminate').disabled = !enabled;
  $('message').disabled = !enabled;
  $('send').disabled = !enabled;
  $('attach').disabled = !enabled;
}

function atBottom(timeline) {
  return timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 40;
}

$('timeline').addEventListener('scroll', () => {
  if (state.selected) {
    state.selected.follow = atBottom($('timeline'));
  }
});

/** Keeps the newest event in view while following; entries grow after they are added, so after each event. */
function followTimeline(view) {
  if (view.follow && state.selected === view) {
    const timeline = $('timeline');
    timeline.scrollTop = timeline.scrollHeight;
  }
}

function closeStream() {
  if (state.selected) {
    state.selected.controller.abort();
  }
}

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => {
    clearTimeout(timer);
    resolve();
  }, { once: true });
});

/**
 * Follows the session's SSE stream with fetch (EventSource cannot send a header). After a drop it
 * reconnects with a growing pause and resumes after the last event it showed (offset and
 * Last-Event-ID), so nothing is shown twice or skipped.
 */
async function streamEvents(view, signal) {
  let pause = 500;
  while (!signal.aborted) {
    try {
      const headers = view.lastSequence ? { 'Last-Event-ID': String(view.lastSequence) } : {};
      const response = await api('sessions/' + seg(view.id) + '/events/sse?offset=' + view.lastSequence,
        { raw: true, stream: true, signal, headers });
      if (!response.ok) {
        if (response.status === 401) {
          askForToken('The daemon rejected the token (401).');
          return;
        }
        throw new ApiError(response.status, null);
      }
      setPill($('stream-state'), 'live', 'live');
      pause = 500;
      await readStream(response.body, view, signal);
      if (view.ended || signal.aborted) {
        break;
      }
    } catch (error) {
      if (signal.aborted) {
        return;
      }
      if (error instanceof ApiError && error.status === 404) {
        setPill($('stream-state'), 'session not found', 'down');
        return;
      }
    }
    setPill($('stream-state'), 'reconnecting…', 'down');
    await sleep(pause, signal);
    pause = Math.min(pause * 2, 10000);
  }
  if (view.ended && state.selected === view) {
    setPill($('stream-state'), 'ended');
  }
}

/**
 * Shows the events of an SSE response body until it ends, the view closes or, with {@code until},
 * an event matches it.
 */
async function readStream(body, view, signal, until) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, '')).join('\n');
      if (data) {
        const event = JSON.parse(data);
        if (event.sequence > view.lastSequence && state.selected === view) {
          view.lastSequence = event.sequence;
          showEvent(view, event);
          followTimeline(view);
        }
        if (view.ended || (until && until(event))) {
          // Nothing follows session.ended; the daemon keeps the stream open, the page lets it go.
          reader.cancel().catch(() => {});
          return;
        }
      }
    }
  }
}

// Filters: each entry records the event types it was built from and its item kind.
const FILTERS = {
  '': () => true,
  message: (entry) => entry.dataset.kind === 'message',
  'permission.requested': (entry) => /\bpermission\./.test(entry.dataset.types),
  'question.requested': (entry) => /\bquestion\./.test(entry.dataset.types),
  error: (entry) => /\b(error|agent\.unparsed)\b/.test(entry.dataset.types),
  'session.started': (entry) => /\bsession\./.test(entry.dataset.types),
};

function applyFilter(entry) {
  const value = $('filter').value;
  const test = FILTERS[value] || ((e) => e.dataset.types.split(' ').includes(value));
  entry.hidden = !test(entry);
}

$('filter').addEventListener('change', () => {
  for (const entry of $('timeline').children) {
    applyFilter(entry);
  }
  $('timeline').scrollTop = $('timeline').scrollHeight;
});

function entryFor(view, key, make) {
  let entry = view.entries.get(key);
  if (!entry) {
    entry = make();
    entry.dataset.types = '';
    entry.events = [];
    const raw = el('details', { class: 'raw' },
      el('summary', { text: 'raw JSON', 'data-testid': 'raw-toggle' }),
      el('pre', { 'data-testid': 'raw-json' }));
    raw.addEventListener('toggle', () => {
      if (raw.open) {
        raw.querySelector('pre').textContent = pretty(entry.events.length === 1 ? entry.events[0] : entry.events);
      }
    });
    entry.append(raw);
    view.entries.set(key, entry);
    $('timeline').append(entry);
  }
  return entry;
}

function record(entry, event) {
  entry.events.push(event);
  const types = new Set(entry.dataset.types.split(' ').filter(Boolean));
  types.add(event.type);
  entry.dataset.types = Array.from(types).join(' ');
  const raw = entry.querySelector(':scope > .raw');
  if (raw && raw.open) {
    raw.querySelector('pre').textContent = pretty(entry.events.length === 1 ? entry.events[0] : entry.events);
  }
  entry.querySelector('.seq').textContent = '#' + event.sequence;
  applyFilter(entry);
}

function head(what, extra) {
  return el('div', { class: 'head' }, el('span', { class: 'what', text: what }), extra ? el('span', { text: extra }) : null,
    el('span', { class: 'seq' }));
}

function showEvent(view, event) {
  const data = event.data || {};
  switch (event.type) {
    case 'item.started':
    case 'item.completed':
      showItem(view, event, data.item);
      break;
    case 'item.delta': {
      const entry = view.entries.get('item:' + data.item_id);
      if (entry) {
        entry.deltaText += data.delta;
        if (!entry.completed) {
          renderItemBody(entry, entry.item, entry.deltaText);
        }
        record(entry, event);
      }
      break;
    }
    case 'permission.requested':
    case 'permission.resolved':
      showPermission(view, event, data);
      break;
    case 'question.requested':
    case 'question.resolved':
      showQuestion(view, event, data);
      break;
    case 'error': {
      const entry = entryFor(view, 'event:' + event.sequence, () => el('li', { class: 'entry error', 'data-testid': 'error' },
        head('error', data.code || ''), el('div', { class: 'body', text: data.message }),
        data.details ? el('pre', { text: pretty(data.details) }) : null));
      record(entry, event);
      break;
    }
    case 'agent.unparsed': {
      const entry = entryFor(view, 'event:' + event.sequence, () => el('li', { class: 'entry unparsed' },
        head('agent.unparsed', data.location), el('div', { class: 'body', text: data.error })));
      record(entry, event);
      break;
    }
    case 'session.started':
    case 'session.ended': {
      const ended = event.type === 'session.ended';
      const text = ended
        ? 'Session ended: ' + data.reason + ' (by ' + data.terminated_by + ')'
        : 'Session started' + (data.metadata ? ': ' + [data.metadata.agent, data.metadata.agentMode,
          data.metadata.permissionMode].filter(Boolean).join(' · ') : '');
      const entry = entryFor(view, 'event:' + event.sequence, () => el('li', {
        class: 'entry session', 'data-testid': ended ? 'session-ended' : 'session-started',
      }, head(event.type), el('div', { class: 'body', text })));
      record(entry, event);
      if (ended) {
        view.ended = true;
        sessionEnded(view);
      }
      break;
    }
    default: {
      const entry = entryFor(view, 'event:' + event.sequence, () => el('li', { class: 'entry' }, head(event.type)));
      record(entry, event);
    }
  }
}

/** Nothing more can be sent, terminated or answered in an ended session. */
function sessionEnded(view) {
  if (state.selected !== view) {
    return;
  }
  setComposerEnabled(false);
  $('timeline').querySelectorAll('.actions button').forEach((b) => { b.disabled = true; });
}

/** The status item the daemon records when it reopens the agent of a session restored from disk. */
function isResumedItem(item) {
  return item.kind === 'status' && (item.content || []).some((p) => p.type === 'status' && p.label === 'session.resumed');
}

function itemLabel(item) {
  switch (item.kind) {
    case 'message': return (item.role || 'assistant') + ' message';
    case 'tool_call': return 'tool call';
    case 'tool_result': return 'tool result';
    default: return item.kind;
  }
}

function showItem(view, event, item) {
  const key = 'item:' + item.item_id;
  const entry = entryFor(view, key, () => {
    const li = el('li', { 'data-testid': 'item', 'data-item-id': item.item_id }, head(itemLabel(item), item.native_item_id || ''),
      el('div', { class: 'body' }));
    li.deltaText = '';
    li.completed = false;
    return li;
  });
  entry.item = item;
  entry.completed = event.type === 'item.completed';
  entry.dataset.kind = item.kind;
  entry.dataset.role = item.role || '';
  const resumed = isResumedItem(item);
  entry.className = ['entry', 'kind-' + item.kind, 'role-' + (item.role || 'none'), item.status,
    resumed ? 'resumed' : ''].join(' ').trim();
  entry.querySelector('.head .what').textContent = resumed ? 'session resumed after a daemon restart' : itemLabel(item);
  renderItemBody(entry, item, entry.completed ? null : entry.deltaText);
  record(entry, event);
}

/** Renders an item's parts; while it streams, {@code streamed} (its deltas so far) stands for its text. */
function renderItemBody(entry, item, streamed) {
  const body = entry.querySelector('.body');
  const parts = [];
  const content = item.content || [];
  const hasText = content.some((p) => p.type === 'text');
  if (streamed && !hasText) {
    parts.push(el('div', { class: 'text', 'data-testid': 'text', text: streamed }));
  }
  for (const part of content) {
    switch (part.type) {
      case 'text':
        parts.push(el('div', { class: 'text', 'data-testid': 'text', text: streamed && !entry.completed ? streamed : part.text }));
        break;
      case 'reasoning':
        parts.push(el('details', { class: 'reasoning' }, el('summary', { text: 'reasoning' + (part.visibility === 'private' ? ' (private)' : '') }),
          el('div', { text: part.text })));
        break;
      case 'json':
        parts.push(el('pre', { text: pretty(part.json) }));
        break;
      case 'tool_call':
        parts.push(el('div', {}, el('strong', { text: part.name }), ' ', el('span', { class: 'muted', text: part.call_id })),
          el('pre', { 'data-testid': 'tool-arguments', text: pretty(part.arguments) }));
        break;
      case 'tool_result':
        parts.push(el('div', { class: 'muted', text: 'result of ' + part.call_id }),
          el('pre', { 'data-testid': 'tool-output', text: part.output }));
        break;
      case 'file_ref':
        parts.push(el('div', { class: 'file', 'data-testid': 'file-ref', text: part.action + ' ' + part.path }),
          part.diff ? el('pre', { text: part.diff }) : null);
        break;
      case 'image':
        parts.push(el('div', { class: 'file', text: 'image ' + part.path + (part.mime ? ' (' + part.mime + ')' : '') }));
        break;
      case 'status':
        parts.push(el('div', { 'data-testid': 'status', text: part.label + (part.detail ? ' — ' + part.detail : '') }),
          part.usage ? el('div', { class: 'muted', 'data-testid': 'usage', text: usageText(part.usage) }) : null);
        break;
      default:
        parts.push(el('pre', { text: pretty(part) }));
    }
  }
  body.replaceChildren(...parts.filter(Boolean));
}

/** "1,200 in · 80 out · 300 cached · $0.0123 · 4.2 s": the figures the agent reported. */
function usageText(usage) {
  const n = (v) => Number(v).toLocaleString('en-US');
  return [
    usage.input_tokens != null ? n(usage.input_tokens) + ' in' : null,
    usage.output_tokens != null ? n(usage.output_tokens) + ' out' : null,
    usage.cache_read_tokens ? n(usage.cache_read_tokens) + ' cached' : null,
    usage.cache_write_tokens ? n(usage.cache_write_tokens) + ' cache writes' : null,
    usage.cost_usd != null ? '$' + Number(usage.cost_usd).toFixed(4) : null,
    usage.duration_ms != null ? (usage.duration_ms / 1000).toFixed(1) + ' s' : null,
  ].filter(Boolean).join(' · ');
}

function showPermission(view, event, data) {
  const key = 'permission:' + data.permission_id;
  const entry = entryFor(view, key, () => el('li', { class: 'entry hitl', 'data-testid': 'permission', 'data-permission-id': data.permission_id },
    head('permission request', data.action),
    data.metadata ? el('pre', { text: pretty(data.metadata) }) : null,
    el('div', { class: 'actions' },
      ['once', 'always', 'reject'].map((reply) => el('button', {
        type: 'button', class: reply === 'reject' ? 'danger' : 'primary', 'data-testid': 'permission-' + reply,
        text: reply === 'once' ? 'Allow once' : reply === 'always' ? 'Always allow' : 'Reject',
        onclick: (e) => replyTo(entry, e.target, 'sessions/' + seg(view.id) + '/permissions/' + seg(data.permission_id) + '/reply', { reply }),
      }))),
    el('p', { class: 'error-text', role: 'alert', hidden: true })));
  if (event.type === 'permission.resolved') {
    resolve(entry, data.status, data.status);
  }
  record(entry, event);
}

function showQuestion(view, event, data) {
  const key = 'question:' + data.question_id;
  const base = 'sessions/' + seg(view.id) + '/questions/' + seg(data.question_id);
  const questions = data.questions && data.questions.length ? data.questions
    : [{ prompt: data.prompt, options: (data.options || []).map((label) => ({ label })), multi_select: false }];
  // One single-choice question is answered with one click; several, or a multiple choice, with a form.
  const oneClick = questions.length === 1 && !questions[0].multi_select && questions[0].options.length > 0;
  const entry = entryFor(view, key, () => {
    const reject = el('button', {
      type: 'button', class: 'danger', 'data-testid': 'question-reject', text: 'Reject',
      onclick: (e) => replyTo(entry, e.target, base + '/reject', undefined),
    });
    if (oneClick) {
      const q = questions[0];
      return el('li', { class: 'entry hitl', 'data-testid': 'question', 'data-question-id': data.question_id },
        head('question', q.header),
        el('div', { class: 'body', text: q.prompt || '(no prompt)' }),
        el('div', { class: 'actions' },
          q.options.map((option) => el('button', {
            type: 'button', class: 'primary', 'data-testid': 'answer', text: option.label, title: option.description,
            onclick: (e) => replyTo(entry, e.target, base + '/reply', { answers: [[option.label]] }),
          })),
          reject),
        el('p', { class: 'error-text', role: 'alert', hidden: true }));
    }
    const fields = questions.map((q, i) => el('fieldset', { class: 'question', 'data-testid': 'question-field' },
      el('legend', {}, q.header ? el('strong', { text: q.header + ' ' }) : null, q.prompt || '(no prompt)',
        q.multi_select ? el('span', { class: 'muted', text: ' (choose any)' }) : null),
      q.options.length === 0
        ? el('input', { type: 'text', name: 'q' + i, 'aria-label': q.prompt || 'answer', 'data-testid': 'answer-text' })
        : q.options.map((option) => el('label', { class: 'option' },
          el('input', { type: q.multi_select ? 'checkbox' : 'radio', name: 'q' + i, value: option.label,
            'data-testid': 'answer-option' }),
          ' ' + option.label,
          option.description ? el('span', { class: 'muted', text: ' — ' + option.description }) : null))));
    const answers = () => fields.map((field) => Array.from(field.querySelectorAll('input'))
      .filter((input) => (input.type === 'text' ? input.value.trim() !== '' : input.checked))
      .map((input) => (input.type === 'text' ? input.value.trim() : input.value)));
    return el('li', { class: 'entry hitl', 'data-testid': 'question', 'data-question-id': data.question_id },
      head('question', questions.length > 1 ? questions.length + ' questions' : null),
      fields,
      el('div', { class: 'actions' },
        el('button', {
          type: 'button', class: 'primary', 'data-testid': 'answer-submit', text: 'Send answers',
          onclick: (e) => replyTo(entry, e.target, base + '/reply', { answers: answers() }),
        }),
        reject),
      el('p', { class: 'error-text', role: 'alert', hidden: true }));
  });
  if (event.type === 'question.resolved') {
    entry.querySelectorAll('fieldset').forEach((f) => { f.disabled = true; });
    const answered = data.answers ? data.answers.map((a) => a.join(', ')).join('; ') : data.response;
    resolve(entry, data.status, data.status === 'answered' ? 'answered: ' + answered : data.status);
  }
  record(entry, event);
}

async function replyTo(entry, button, path, json) {
  const buttons = entry.querySelectorAll('.actions button');
  buttons.forEach((b) => { b.disabled = true; });
  const error = entry.querySelector(':scope > .error-text');
  try {
    await api(path, { method: 'POST', json });
    showError(error, null);
    const view = state.selected;
    if (view && turnMode() && entry.isConnected) {
      continueTurn(view);
    }
  } catch (e) {
    // Still pending: the reply can be tried again.
    showError(error, e);
    if (!entry.classList.contains('resolved')) {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }
}

function resolve(entry, status, text) {
  entry.classList.add('resolved');
  entry.querySelectorAll('.actions button').forEach((b) => { b.disabled = true; });
  let outcome = entry.querySelector('.outcome');
  if (!outcome) {
    outcome = el('div', { class: 'outcome', 'data-testid': 'outcome' });
    entry.querySelector('.actions').after(outcome);
  }
  outcome.className = 'outcome ' + status;
  outcome.textContent = text;
}

// ---- turn mode: each message on its own turn stream --------------------------------------------

function turnMode() {
  return $('turn-mode').checked;
}

$('turn-mode').checked = localStorage.getItem(TURN_MODE_KEY) === 'on';
$('turn-mode').addEventListener('change', () => {
  localStorage.setItem(TURN_MODE_KEY, turnMode() ? 'on' : 'off');
  const view = state.selected;
  if (!view) {
    return;
  }
  if (turnMode()) {
    if (view.follower) {
      view.follower.abort();
    }
    showTurnMode(view);
  } else {
    stopContinuation(view);
    follow(view);
  }
});

/** In turn mode the session's stream is not followed: its stored events are read once, as JSON. */
async function showTurnMode(view) {
  await catchUp(view);
  if (state.selected === view && !view.turn) {
    setPill($('stream-state'), view.ended ? 'ended' : 'turn mode', view.ended ? null : 'turn');
  }
}

/** Shows the session's events after the last one shown, read with GET …/events. */
async function catchUp(view) {
  try {
    const body = await api('sessions/' + seg(view.id) + '/events?offset=' + view.lastSequence,
      { signal: view.controller.signal });
    for (const event of body.events || []) {
      if (event.sequence > view.lastSequence && state.selected === view) {
        view.lastSequence = event.sequence;
        showEvent(view, event);
      }
    }
    followTimeline(view);
  } catch (error) {
    if (!view.controller.signal.aborted) {
      showError($('send-error'), error);
    }
  }
}

/**
 * Whether this event ends a turn stream (the daemon's rule): the stream is over once it is shown;
 * a turn that waits for a permission or an answer goes on after the reply.
 */
function endsTurn(view, event) {
  const data = event.data || {};
  if (['session.ended', 'error', 'agent.unparsed', 'permission.requested', 'question.requested'].includes(event.type)) {
    return true;
  }
  if (event.type !== 'item.completed' || !data.item) {
    return false;
  }
  const item = data.item;
  if (item.kind === 'status') {
    const status = (item.content || []).find((p) => p.type === 'status');
    return Boolean(status) && (status.label === 'turn.completed' || status.label === 'session.idle');
  }
  return item.kind === 'message' && item.role === 'assistant' && view.agent !== 'codex';
}

/** Sends the message on POST …/messages/stream and shows the turn's events as they arrive. */
async function sendTurn(view, text) {
  stopContinuation(view);
  await catchUp(view);
  view.turn = true;
  const signal = view.controller.signal;
  try {
    const response = await api('sessions/' + seg(view.id) + '/messages/stream',
      { method: 'POST', json: messageBody(text), raw: true, stream: true, signal });
    if (!response.ok) {
      const problem = await response.json().catch(() => null);
      throw new ApiError(response.status, problem);
    }
    $('message').value = '';
    clearAttachments();
    showError($('send-error'), null);
    setPill($('stream-state'), 'turn streaming…', 'live');
    await readStream(response.body, view, signal);
  } finally {
    view.turn = false;
  }
  if (state.selected === view) {
    // What was recorded after the stream's terminal event (a turn's closing status, say).
    await catchUp(view);
    setPill($('stream-state'), view.ended ? 'ended' : 'turn mode', view.ended ? null : 'turn');
  }
}

/**
 * After a reply to a permission or question in turn mode, the turn goes on: its events are read
 * from the session's stream until the turn ends again.
 */
async function continueTurn(view) {
  if (view.turn || view.ended) {
    return;
  }
  view.turn = true;
  const continuation = new AbortController();
  view.continuation = continuation;
  view.controller.signal.addEventListener('abort', () => continuation.abort(), { once: true });
  const signal = continuation.signal;
  try {
    const response = await api('sessions/' + seg(view.id) + '/events/sse?offset=' + view.lastSequence,
      { raw: true, stream: true, signal });
    if (response.ok) {
      setPill($('stream-state'), 'turn streaming…', 'live');
      await readStream(response.body, view, signal, (event) => endsTurn(view, event));
    }
  } catch (error) {
    if (!signal.aborted) {
      showError($('send-error'), error);
    }
  } finally {
    view.turn = false;
    view.continuation = null;
  }
  if (state.selected === view && turnMode() && !signal.aborted) {
    setPill($('stream-state'), view.ended ? 'ended' : 'turn mode', view.ended ? null : 'turn');
  }
}

/** Stops following a turn that went on after a reply (a new turn or the session's stream takes over). */
function stopContinuation(view) {
  if (view.continuation) {
    view.continuation.abort();
  }
}

// ---- composer ---------------------------------------------------------------------------------

/** The images and files attached to the next message: {type, name, mimeType, data (Base64)}. */
let attachments = [];

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

function readAttachment(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      const attachment = { type: IMAGE_TYPES.includes(file.type) ? 'image' : 'file', name: file.name,
        data: url.slice(url.indexOf(',') + 1) };
      if (file.type && attachment.type === 'file') {
        attachment.mimeType = file.type;
      }
      resolve(attachment);
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function renderAttachments() {
  const list = $('attachments');
  list.hidden = attachments.length === 0;
  list.replaceChildren(...attachments.map((a, i) => el('li', { 'data-testid': 'attachment' },
    el('span', { class: 'muted', text: a.type }), el('span', { text: a.name }),
    el('button', { type: 'button', title: 'Remove ' + a.name, 'aria-label': 'Remove ' + a.name, text: '×',
      onclick: () => { attachments.splice(i, 1); renderAttachments(); } }))));
}

function clearAttachments() {
  attachments = [];
  renderAttachments();
}

$('attach').addEventListener('click', () => $('attach-input').click());
$('attach-input').addEventListener('change', async () => {
  const files = [...$('attach-input').files];
  $('attach-input').value = '';
  try {
    attachments.push(...await Promise.all(files.map(readAttachment)));
  } catch (error) {
    showError($('send-error'), error);
  }
  renderAttachments();
});

/** The body of a message: its text and, when there are any, its attachments. */
function messageBody(text) {
  return attachments.length ? { message: text, attachments } : { message: text };
}

$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('message').value;
  const view = state.selected;
  if (!view || !text.trim()) {
    return;
  }
  $('send').disabled = true;
  try {
    if (turnMode()) {
      await sendTurn(view, text);
    } else {
      await api('sessions/' + seg(view.id) + '/messages', { method: 'POST', json: messageBody(text) });
      $('message').value = '';
      clearAttachments();
      showError($('send-error'), null);
    }
  } catch (error) {
    if (!view.controller.signal.aborted) {
      showError($('send-error'), error);
    }
  } finally {
    if (state.selected === view && !view.ended) {
      $('send').disabled = false;
      $('message').focus();
    }
  }
});

$('message').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});

// ---- start ------------------------------------------------------------------------------------

async function start() {
  // Nothing is asked of the daemon before the user says how to connect, so a daemon that needs a
  // token never sees (and the console never shows) a request without one.
  if (state.token === null) {
    askForToken(null);
    return;
  }
  showEndpoint();
  setPill($('connection'), 'connecting…');
  try {
    await loadAgents();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      setPill($('connection'), 'daemon unreachable', 'down');
    }
    return;
  }
  setPill($('connection'), 'connected' + (state.token ? ' (token)' : ''), 'live');
  $('forget-token').hidden = false;
  $('forget-token').textContent = state.token ? 'Forget token' : 'Use a token';
  if (!$('create-id').value) {
    $('create-id').value = newSessionId();
  }
  await loadSessions().catch(() => {});
}

start();
