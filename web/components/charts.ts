/**
 * The overview's pictures (issue 19 item 4), drawn with uPlot from `GET /v1/connections/:id/charts`: stock latency and
 * order intake latency (p50 / p95 per bucket), orders imported per Vietnam day with each day's completeness verdict,
 * Tiki SKU writes and refused writes per hour. Axis labels, legends, dates and numbers follow the chosen language; a
 * chart with nothing to draw shows a sentence instead. The series rules live in domain/overview-charts.ts.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { hasData, type CompletenessVerdict } from '../../domain/overview-charts';
import { api } from '../api';
import { useI18n, type I18n } from '../i18n';
import type { Charts } from '../types';
import { ErrorBox } from './common';

const REFRESH_MS = 60_000;
const HEIGHT = 220;
const COLORS = { p50: '#1a73e8', p95: '#b26a00', bars: '#2e7d32', rejected: '#c62828' };
/** Counts are whole: no 0.25 ticks. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000];
const VERDICT_CLASS: Record<CompletenessVerdict, string> = { complete: 'ok', repaired: 'warn', incomplete: 'err' };

interface ChartSpec {
  testId: string;
  title: string;
  empty: boolean;
  data: uPlot.AlignedData;
  series: uPlot.Series[];
  yLabel: string;
  /** x axis and legend time format: hours or Vietnam days. */
  by: 'hour' | 'day';
  /** Bucket width, seconds. */
  step: number;
  bars?: boolean;
}

/** Time labels in the chosen language: short on the axis, full in the legend; days are Vietnam days. */
function timeFormats(i18n: I18n, by: 'hour' | 'day') {
  const locale = i18n.lang === 'vi' ? 'vi-VN' : 'en-GB';
  const make = (o: Intl.DateTimeFormatOptions) => {
    const f = new Intl.DateTimeFormat(locale, by === 'day' ? { ...o, timeZone: 'Asia/Ho_Chi_Minh' } : { ...o, hour12: false });
    return (sec: number) => f.format(new Date(sec * 1000));
  };
  return by === 'day'
    ? { axis: make({ day: '2-digit', month: '2-digit' }), legend: make({ weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric' }) }
    : { axis: make({ hour: '2-digit', minute: '2-digit' }), legend: make({ day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }) };
}

/** Every n-th bucket start as an axis tick (the newest always), so labels keep about `LABEL_PX` apart. */
const LABEL_PX = 64;
function ticks(xs: readonly number[], widthPx: number): number[] {
  const every = Math.max(1, Math.ceil((xs.length * LABEL_PX) / Math.max(1, widthPx - 80)));
  return xs.filter((_, i) => (xs.length - 1 - i) % every === 0);
}

/** One uPlot chart, rebuilt when its data or the language changes, destroyed with the component. */
function Chart({ spec }: { spec: ChartSpec }) {
  const i18n = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || spec.empty) return;
    const fmt = timeFormats(i18n, spec.by);
    const xs = spec.data[0] as number[];
    const half = spec.step / 2;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth || 520),
      height: HEIGHT,
      // Bucket starts as plain numbers: the ticks and labels are ours (language, Vietnam days), not the browser's.
      scales: { x: { time: false, range: (_u, min, max) => (spec.bars ? [min - half, max + half] : [min, max]) } },
      series: [{ label: spec.by === 'day' ? i18n.t('chartDay') : i18n.t('chartTime'), value: (_u, v) => (v == null ? '—' : fmt.legend(v)) }, ...spec.series],
      axes: [
        { splits: (u) => ticks(xs, u.width), values: (_u, splits) => splits.map((v) => fmt.axis(v)) },
        { label: spec.yLabel, values: (_u, splits) => splits.map((v) => i18n.fmtNum(v)), size: 60, ...(spec.bars ? { incrs: COUNT_STEPS } : {}) },
      ],
      cursor: { drag: { x: false, y: false } },
    };
    if (spec.bars) {
      // Several series side by side in each bucket (writes left, refusals right), not drawn over each other.
      const n = spec.series.length;
      opts.series = opts.series.map((s, i) =>
        i === 0 ? s : { ...s, paths: uPlot.paths.bars!({ size: [n > 1 ? 0.4 : 0.6, 40], align: n > 1 ? (i === 1 ? -1 : 1) : 0 }), points: { show: false } },
      );
    } else {
      // A bucket alone between gaps is a point, not an invisible line.
      opts.series = opts.series.map((s, i) => (i === 0 ? s : { ...s, points: { show: true, size: 6 } }));
    }
    const plot = new uPlot(opts, spec.data, el);
    return () => plot.destroy();
  }, [spec, i18n.lang]);
  return html`<div class="chart" data-testid=${spec.testId} data-empty=${spec.empty ? 'true' : 'false'}>
    <h4>${spec.title}</h4>
    ${spec.empty ? html`<p class="muted chart-empty" data-testid=${`${spec.testId}-empty`}>${i18n.t('chartNoData')}</p>` : html`<div ref=${ref}></div>`}
  </div>`;
}

const bucketStep = (t: readonly number[]) => (t.length > 1 ? t[1] - t[0] : 3_600);

function specs(c: Charts, i18n: I18n): ChartSpec[] {
  const { t, fmtNum } = i18n;
  const ms = (_u: uPlot, v: number | null) => (v == null ? '—' : `${fmtNum(v)} ms`);
  const count = (_u: uPlot, v: number | null) => (v == null ? '—' : fmtNum(v));
  const latency = (testId: string, title: string, s: Charts['stockLatency']): ChartSpec => ({
    testId,
    title,
    empty: !hasData(s.samples),
    data: [s.t, s.p50, s.p95],
    series: [
      { label: 'p50', stroke: COLORS.p50, width: 2, value: ms, spanGaps: false },
      { label: 'p95', stroke: COLORS.p95, width: 2, dash: [6, 4], value: ms, spanGaps: false },
    ],
    yLabel: t('chartMs'),
    by: 'hour',
    step: bucketStep(s.t),
  });
  const d = c.ordersPerDay;
  const w = c.writesPerHour;
  return [
    latency('chart-stock-latency', t('chartStockLatency'), c.stockLatency),
    latency('chart-order-latency', t('chartOrderLatency'), c.orderLatency),
    {
      testId: 'chart-orders-per-day',
      title: t('chartOrdersPerDay'),
      empty: !hasData(d.imported) && d.verdict.every((v) => v === null),
      data: [d.t, d.imported],
      series: [{ label: t('chartImported'), stroke: COLORS.bars, fill: 'rgba(46,125,50,0.35)', value: count }],
      yLabel: t('chartOrders'),
      by: 'day',
      step: 86_400,
      bars: true,
    },
    {
      testId: 'chart-writes-per-hour',
      title: t('chartWritesPerHour'),
      empty: !hasData(w.writes) && !hasData(w.rejected),
      data: [w.t, w.writes, w.rejected],
      series: [
        { label: t('chartWrites'), stroke: COLORS.bars, fill: 'rgba(46,125,50,0.35)', value: count },
        { label: t('chartRejected'), stroke: COLORS.rejected, fill: 'rgba(198,40,40,0.45)', value: count },
      ],
      yLabel: t('chartSkus'),
      by: 'hour',
      step: 3_600,
      bars: true,
    },
  ];
}

/** The completeness verdict of each day that had a check, under the orders chart. */
function Verdicts({ c }: { c: Charts }) {
  const i18n = useI18n();
  const fmtDay = timeFormats(i18n, 'day').axis;
  const days = c.ordersPerDay.t.map((t, i) => ({ t, verdict: c.ordersPerDay.verdict[i] })).filter((d) => d.verdict !== null);
  if (days.length === 0) return html`<p class="muted small" data-testid="verdicts-none">${i18n.t('verdictNone')}</p>`;
  return html`<ul class="verdicts" data-testid="verdicts">
    ${days.map((d) => html`<li data-verdict=${d.verdict}><span class="muted">${fmtDay(d.t)}</span> <b class=${VERDICT_CLASS[d.verdict!]}>${i18n.t(`verdict_${d.verdict}`)}</b></li>`)}
  </ul>`;
}

export function OverviewCharts({ connectionId }: { connectionId: string }) {
  const i18n = useI18n();
  const [charts, setCharts] = useState<Charts | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api.charts(connectionId).then(
        (c) => live && (setCharts(c), setError(null)),
        (err: unknown) => live && setError(err),
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [connectionId]);
  // Built once per answer and language, so the parent's frequent re-renders do not rebuild the charts.
  const all = useMemo(() => (charts ? specs(charts, i18n) : []), [charts, i18n.lang]);
  return html`<section class="card" data-testid="charts">
    <h3>${i18n.t('chartsTitle')}</h3>
    <${ErrorBox} error=${error} testId="charts-error" />
    ${!charts && !error ? html`<p class="muted">${i18n.t('loading')}</p>` : null}
    <div class="charts-grid">
      ${all.map((s) => html`<div key=${s.testId}><${Chart} spec=${s} />${s.testId === 'chart-orders-per-day' && charts ? html`<${Verdicts} c=${charts} />` : null}</div>`)}
    </div>
  </section>`;
}
