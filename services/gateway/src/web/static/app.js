/* global document, fetch, sessionStorage, crypto, setTimeout, URLSearchParams, location */
// The feed explorer: asks GET /v1/feed for one user and surface, shows each
// item's reason, score and sources, sends a click (or like, or skip) through
// POST /v1/events, then asks again and shows what changed. No framework and
// no build step; every text from the server goes in through textContent.

const $ = (id) => document.getElementById(id);

/** Time for an event to travel Kafka -> stream processor -> Redis before the next feed. */
const REFRESH_DELAY_MS = 400;
const KEY_STORAGE = 'recsys.eventsKey';

let eventsKey = null;
/** The last feed shown, item id -> rank, and what it was a feed of. */
let previous = { view: '', ranks: new Map() };
const titles = new Map();

function setState(state, message = '') {
  document.body.dataset.state = state;
  $('status').textContent = message;
}

function request() {
  const surface = $('surface').value;
  const query = new URLSearchParams({ user_id: $('user').value.trim(), surface, n: $('n').value });
  if (surface === 'more_like_this') query.set('item_id', $('item').value.trim());
  if (surface === 'search') query.set('q', $('q').value.trim());
  return query;
}

function syncFields() {
  const surface = $('surface').value;
  $('item-field').hidden = surface !== 'more_like_this';
  $('q-field').hidden = surface !== 'search';
}

function name(itemId) {
  return titles.get(itemId) ?? `item ${itemId}`;
}

async function errorText(res) {
  const body = await res.json().catch(() => ({}));
  return body?.error?.message ?? `HTTP ${res.status}`;
}

async function loadTitles(ids) {
  const missing = ids.filter((id) => !titles.has(id));
  if (missing.length === 0) return;
  const res = await fetch(`/ui/titles?${new URLSearchParams({ ids: missing.join(',') })}`);
  if (!res.ok) return; // ids are shown instead
  const body = await res.json();
  for (const [id, title] of Object.entries(body.titles ?? {})) titles.set(id, title);
}

/** Fetches and renders the feed; `after` names the action that came before, for the summary. */
async function showFeed(after) {
  const query = request();
  setState('loading', 'Loading the feed...');
  const res = await fetch(`/v1/feed?${query}`);
  if (!res.ok) return setState('error', `The feed failed: ${await errorText(res)}`);
  const feed = await res.json();
  await loadTitles(feed.items.map((i) => i.item_id));
  const view = [...query].filter(([k]) => k !== 'n').join('&');
  const before = previous.view === view ? previous.ranks : undefined;
  render(feed, before, after);
  previous = { view, ranks: new Map(feed.items.map((i) => [i.item_id, i.rank])) };
  const degraded = feed.degraded.length ? `; degraded: ${feed.degraded.join(', ')}` : '';
  setState('ready', `${feed.items.length} items${degraded}`);
}

function render(feed, before, after) {
  const list = $('feed');
  list.replaceChildren(...feed.items.map((item) => row(item, before)));
  list.dataset.renders = String(Number(list.dataset.renders) + 1);
  $('meta').textContent =
    `request ${feed.request_id} · model ${feed.model_version} · ` +
    `${feed.timings.total_ms} ms (retrieval ${feed.timings.retrieval_ms}, ranking ${feed.timings.ranking_ms})`;
  summarise(feed, before, after);
}

function row(item, before) {
  const li = document.createElement('li');
  li.dataset.itemId = item.item_id;
  const rank = span('rank', String(item.rank));
  const title = document.createElement('button');
  title.type = 'button';
  title.className = 'title';
  title.textContent = name(item.item_id);
  title.title = `Click: sends a click event for ${item.item_id}`;
  title.addEventListener('click', () => void act('click', item));
  const head = document.createElement('div');
  head.append(title);
  const was = before?.get(item.item_id);
  if (before && was === undefined) {
    head.append(span('move new', 'new'));
    li.classList.add('new');
  } else if (was !== undefined && was !== item.rank) {
    const up = was > item.rank;
    head.append(
      span(`move ${up ? 'up' : 'down'}`, `${up ? '▲' : '▼'} ${Math.abs(was - item.rank)}`),
    );
  }
  const details = span('details', `score ${item.score.toFixed(4)} · `);
  for (const source of item.sources) details.append(span('source', source));
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(
    button('Like', () => void act('like', item)),
    button('Skip', () => void act('skip', item)),
    button('More like this', () => moreLikeThis(item.item_id)),
  );
  li.append(rank, head, actions, span('reason', item.reason), details);
  return li;
}

function summarise(feed, before, after) {
  const box = $('changes');
  if (!before || !after) {
    box.hidden = true;
    return;
  }
  const now = new Set(feed.items.map((i) => i.item_id));
  const added = feed.items.filter((i) => !before.has(i.item_id));
  const moved = feed.items.filter((i) => before.has(i.item_id) && before.get(i.item_id) !== i.rank);
  const gone = [...before.keys()].filter((id) => !now.has(id));
  const parts = [`${added.length} new`, `${moved.length} moved`, `${gone.length} gone`];
  let text = `After the ${after}: ${parts.join(', ')}.`;
  if (gone.length) text += ` Gone: ${gone.map(name).join(', ')}.`;
  if (added.length) text += ` New: ${added.map((i) => name(i.item_id)).join(', ')}.`;
  box.textContent = text;
  box.hidden = false;
}

async function act(type, item) {
  if (!eventsKey) {
    $('key-field').hidden = false;
    return setState('error', 'Enter an events key to send events.');
  }
  const event = {
    event_id: eventId(),
    user_id: $('user').value.trim(),
    item_id: item.item_id,
    type,
    timestamp: Date.now(),
    surface: $('surface').value,
    position: item.rank - 1,
    watch_seconds: 0,
    device: 'web',
  };
  setState('loading', `Sending ${type} on ${name(item.item_id)}...`);
  const res = await fetch('/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': eventsKey },
    body: JSON.stringify({ events: [event] }),
  });
  if (res.status !== 202) return setState('error', `Not sent: ${await errorText(res)}`);
  const result = await res.json();
  if (result.accepted !== 1) {
    const why = result.rejections[0];
    return setState('error', `Not sent: ${why?.field}: ${why?.reason}`);
  }
  setState('loading', `Sent ${type} on ${name(item.item_id)}; refreshing...`);
  await new Promise((resolve) => setTimeout(resolve, REFRESH_DELAY_MS));
  await showFeed(`${type} on ${name(item.item_id)}`);
}

function moreLikeThis(itemId) {
  $('surface').value = 'more_like_this';
  $('item').value = itemId;
  syncFields();
  void showFeed();
}

/** crypto.randomUUID needs a secure context; random bytes do not. */
function eventId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function span(className, text) {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

function button(text, onClick) {
  const el = document.createElement('button');
  el.type = 'button';
  el.textContent = text;
  el.addEventListener('click', onClick);
  return el;
}

async function start() {
  const params = new URLSearchParams(location.search);
  $('user').value = params.get('user_id') ?? '1';
  const surface = params.get('surface');
  if (surface) $('surface').value = surface;
  $('item').value = params.get('item_id') ?? '';
  $('q').value = params.get('q') ?? '';
  if (params.get('n')) $('n').value = params.get('n');
  syncFields();
  $('surface').addEventListener('change', syncFields);
  $('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    void showFeed('refresh');
  });

  // With RECSYS_DEMO_UI_KEY set the gateway hands out a demo key; otherwise
  // the person types one, kept for this tab only.
  const config = await fetch('/ui/config.json').then((r) => (r.ok ? r.json() : {}));
  eventsKey = config.events_key ?? sessionStorage.getItem(KEY_STORAGE);
  if (!config.events_key) {
    $('key-field').hidden = false;
    $('key').value = eventsKey ?? '';
    $('key').addEventListener('change', () => {
      eventsKey = $('key').value.trim() || null;
      if (eventsKey) sessionStorage.setItem(KEY_STORAGE, eventsKey);
      else sessionStorage.removeItem(KEY_STORAGE);
    });
  }
  setState('ready', 'Pick a user and a surface, then show the feed.');
  if (params.has('user_id')) await showFeed();
}

start().catch((err) => setState('error', `The page failed to start: ${err.message}`));
