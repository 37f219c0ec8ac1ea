import { Agent, fetch } from 'undici';

/** One request count and mean latency per verb and resource, from the apiserver's /metrics. */
export interface ApiserverRequests {
  /** `VERB resource[/subresource]` → calls so far and their mean latency in ms. */
  byRoute: Map<string, { calls: number; meanMs: number }>;
  /** Writes (POST, PUT, PATCH, DELETE, APPLY) to tradingbots, pods and secrets. */
  botWrites: number;
}

/** Reads the apiserver's request metrics; fails loudly, so a count of 0 means none. */
export async function apiserverRequests(server: {
  url: string;
  token: string;
  caPem: string;
}): Promise<ApiserverRequests> {
  const dispatcher = new Agent({ connect: { ca: server.caPem } });
  try {
    const res = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.token}` },
      dispatcher,
    });
    if (!res.ok) throw new Error(`apiserver /metrics answered ${res.status}`);
    return parse(await res.text());
  } finally {
    await dispatcher.close();
  }
}

function parse(text: string): ApiserverRequests {
  const totals = new Map<string, { sum: number; count: number }>();
  let botWrites = 0;
  for (const line of text.split('\n')) {
    const labels = /^\w+\{(.*)\} (\S+)$/.exec(line);
    if (!labels) continue;
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels[1]!)?.[1] ?? '';
    const value = Number(labels[2]);
    if (line.startsWith('apiserver_request_total{')) {
      const write = ['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY'].includes(label('verb'));
      if (write && ['tradingbots', 'pods', 'secrets'].includes(label('resource')))
        botWrites += value;
      continue;
    }
    const part = /^apiserver_request_duration_seconds_(sum|count)\{/.exec(line)?.[1];
    if (!part) continue;
    const sub = label('subresource');
    const route = `${label('verb')} ${label('resource')}${sub ? `/${sub}` : ''}`;
    const total = totals.get(route) ?? { sum: 0, count: 0 };
    if (part === 'sum') total.sum += value;
    else total.count += value;
    totals.set(route, total);
  }
  const byRoute = new Map(
    [...totals].map(([route, { sum, count }]) => [
      route,
      { calls: count, meanMs: count ? (sum / count) * 1000 : 0 },
    ]),
  );
  return { byRoute, botWrites };
}
