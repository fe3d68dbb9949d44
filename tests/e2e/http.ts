// Small REST helpers shared by the e2e tests.

export interface FeedItem {
  item_id: string;
  score: number;
  rank: number;
  sources: string[];
  reason: string;
}

export interface FeedBody {
  request_id: string;
  model_version: string;
  items: FeedItem[];
  timings: Record<string, number>;
  degraded: string[];
  error?: { code: string; message: string };
}

export async function feed(
  base: string,
  params: Record<string, string>,
): Promise<{ status: number; body: FeedBody }> {
  const response = await fetch(`${base}/v1/feed?${new URLSearchParams(params).toString()}`);
  return { status: response.status, body: (await response.json()) as FeedBody };
}

export const ids = (body: FeedBody) => body.items.map((i) => i.item_id);

export async function postClicks(
  base: string,
  apiKey: string,
  userId: string,
  itemIds: readonly string[],
): Promise<{ accepted: number }> {
  const now = Date.now();
  const events = itemIds.map((itemId, i) => ({
    event_id: `${userId}-click-${now}-${i}`,
    user_id: userId,
    item_id: itemId,
    type: 'click',
    timestamp: now,
    surface: 'home',
    position: i,
  }));
  const response = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ events }),
  });
  if (response.status !== 202) throw new Error(`POST /v1/events: ${response.status}`);
  return (await response.json()) as { accepted: number };
}

/** Polls until `check` is true; fails with `what` after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
