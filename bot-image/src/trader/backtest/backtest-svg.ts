import type { BacktestResult } from './backtest.ts';

/** Background colour of each regime; an unknown label gets grey. */
export const REGIME_COLORS: Readonly<Record<string, string>> = {
  calm: '#2e7d32',
  choppy: '#f9a825',
  volatile: '#ef6c00',
  panic: '#c62828',
  none: '#9e9e9e',
};

const WIDTH = 1000;
const HEIGHT = 540;
const PLOT = { left: 90, right: 970, top: 60, bottom: 440 };
const EQUITY_COLOR = '#1a237e';

/**
 * A standalone SVG of the equity curve over regime-coloured background bands (one band per run
 * of bars in the same regime of the primary symbol), with axes, ticks, a title with the headline
 * metrics and a legend. Bars are spaced evenly (closed-market gaps are not drawn).
 */
export function renderBacktestSvg(result: BacktestResult): string {
  const points = result.equity;
  if (points.length < 2) throw new Error('backtest chart: needs at least two equity points');
  const values = points.map((p) => p.equity);
  const [low, high] = niceRange(Math.min(...values), Math.max(...values));
  const x = (i: number) => PLOT.left + (i / (points.length - 1)) * (PLOT.right - PLOT.left);
  const y = (v: number) => PLOT.bottom - ((v - low) / (high - low)) * (PLOT.bottom - PLOT.top);
  const out: string[] = [];

  // Regime bands: each covers its bars' half-steps on both sides, so bands tile the plot.
  const half = (PLOT.right - PLOT.left) / (points.length - 1) / 2;
  let runStart = 0;
  const seen = new Set<string>();
  for (let i = 1; i <= points.length; i++) {
    const label = points[runStart]!.regime ?? 'none';
    if (i < points.length && (points[i]!.regime ?? 'none') === label) continue;
    seen.add(label);
    const x0 = Math.max(PLOT.left, x(runStart) - half);
    const x1 = Math.min(PLOT.right, x(i - 1) + half);
    out.push(
      `<rect class="regime regime-${escape(label)}" x="${f(x0)}" y="${PLOT.top}" ` +
        `width="${f(x1 - x0)}" height="${PLOT.bottom - PLOT.top}" fill="${colorOf(label)}" ` +
        `fill-opacity="0.18"><title>${escape(label)}</title></rect>`,
    );
    runStart = i;
  }

  // Axes, grid and tick labels.
  out.push(`<g class="axis y-axis" font-size="12" text-anchor="end">`);
  for (const tick of ticks(low, high)) {
    out.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${f(y(tick))}" y2="${f(y(tick))}" stroke="#ddd"/>`,
      `<text x="${PLOT.left - 8}" y="${f(y(tick) + 4)}">${formatMoney(tick)}</text>`,
    );
  }
  out.push(`</g>`, `<g class="axis x-axis" font-size="12" text-anchor="middle">`);
  const xTicks = Math.min(6, points.length);
  for (let k = 0; k < xTicks; k++) {
    const i = Math.round((k / (xTicks - 1)) * (points.length - 1));
    out.push(
      `<line x1="${f(x(i))}" x2="${f(x(i))}" y1="${PLOT.bottom}" y2="${PLOT.bottom + 6}" stroke="#333"/>`,
      `<text x="${f(x(i))}" y="${PLOT.bottom + 22}">${formatTime(points[i]!.timestamp)}</text>`,
    );
  }
  out.push(
    `</g>`,
    `<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<text x="20" y="${(PLOT.top + PLOT.bottom) / 2}" font-size="13" text-anchor="middle" ` +
      `transform="rotate(-90 20 ${(PLOT.top + PLOT.bottom) / 2})">Equity</text>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 44}" font-size="13" ` +
      `text-anchor="middle">Time (UTC)</text>`,
  );

  // The equity line, thinned to about two points per pixel.
  const stride = Math.max(1, Math.floor(points.length / (2 * (PLOT.right - PLOT.left))));
  const path = points
    .map((p, i) => ({ p, i }))
    .filter(({ i }) => i % stride === 0 || i === points.length - 1)
    .map(({ p, i }, k) => `${k === 0 ? 'M' : 'L'}${f(x(i))},${f(y(p.equity))}`)
    .join(' ');
  out.push(
    `<path class="equity" d="${path}" fill="none" stroke="${EQUITY_COLOR}" stroke-width="1.5"/>`,
  );

  // Legend: the equity line, then each regime that appears, quietest first.
  const order = Object.keys(REGIME_COLORS);
  const legend = [...seen].sort((a, b) => rank(order, a) - rank(order, b));
  const legendY = HEIGHT - 30;
  out.push(
    `<g class="legend" font-size="12">`,
    `<line x1="${PLOT.left}" x2="${PLOT.left + 24}" y1="${legendY - 4}" y2="${legendY - 4}" ` +
      `stroke="${EQUITY_COLOR}" stroke-width="2"/>`,
    `<text x="${PLOT.left + 30}" y="${legendY}">equity</text>`,
  );
  legend.forEach((label, k) => {
    const lx = PLOT.left + 110 + k * 110;
    out.push(
      `<rect x="${lx}" y="${legendY - 11}" width="14" height="14" fill="${colorOf(label)}" fill-opacity="0.5"/>`,
      `<text x="${lx + 20}" y="${legendY}">${escape(label)}</text>`,
    );
  });
  out.push(`</g>`);

  const m = result.metrics;
  const title =
    `${result.symbols.join(', ')} ${result.timeframe} · ${result.source} · ` +
    `return ${(m.totalReturn * 100).toFixed(2)}% · max drawdown ${(m.maxDrawdown * 100).toFixed(2)}% · ` +
    `Sharpe ${m.sharpe.toFixed(2)} · ${m.trades} trades`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">`,
    `<title>${escape(`Backtest: ${title}`)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${PLOT.left}" y="30" font-size="15" font-weight="bold">${escape(title)}</text>`,
    ...out,
    `</svg>`,
    '',
  ].join('\n');
}

function niceRange(min: number, max: number): [number, number] {
  const span = max - min || Math.abs(max) * 0.01 || 1;
  return [min - span * 0.05, max + span * 0.05];
}

/** About five round tick values within [low, high]. */
function ticks(low: number, high: number): number[] {
  const raw = (high - low) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + 1e-9; v += step) out.push(v);
  return out;
}

function colorOf(label: string): string {
  return Object.hasOwn(REGIME_COLORS, label) ? REGIME_COLORS[label]! : '#9e9e9e';
}

function rank(order: string[], label: string): number {
  const i = order.indexOf(label);
  return i < 0 ? order.length : i;
}

function formatMoney(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) < 100 ? 2 : 0 });
}

function formatTime(timestamp: number): string {
  return new Date(timestamp).toISOString().slice(0, 16).replace('T', ' ');
}

function f(value: number): string {
  return value.toFixed(1);
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
