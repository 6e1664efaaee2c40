import { useId, useMemo } from 'react';
import { dailyTotals, DEFAULT_BOX, formatCount, type KeyUsage, layoutChart, usageSummary } from './usage';
import './keys.css';

const hourLabel = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  });

/**
 * Allowed and denied requests per hour, stacked, as an inline SVG. The picture is for sighted readers; the
 * caption and a visually hidden table of the same figures carry it for screen readers.
 */
export function UsageChart({ usage }: { usage: KeyUsage }) {
  const layout = useMemo(() => layoutChart(usage.hours), [usage.hours]);
  const days = useMemo(() => dailyTotals(usage.hours), [usage.hours]);
  const busyHours = usage.hours.filter((h) => h.allowed + h.denied > 0);
  const captionId = useId();
  const { plot, yMax } = layout;
  const bottom = plot.y + plot.height;
  const summary = usageSummary(usage.totals);

  return (
    <figure className="usage-figure" aria-labelledby={captionId}>
      <figcaption id={captionId} className="usage-caption">
        {summary}
      </figcaption>
      <ul className="usage-legend" aria-hidden="true">
        <li>
          <span className="usage-swatch usage-allowed" /> Allowed
        </li>
        <li>
          <span className="usage-swatch usage-denied" /> Denied
        </li>
      </ul>
      <svg
        className="usage-chart"
        viewBox={`0 0 ${DEFAULT_BOX.width} ${DEFAULT_BOX.height}`}
        aria-hidden="true"
        focusable="false"
        data-testid="usage-chart"
      >
        {/* y axis: 0, half and the top */}
        {[0, 0.5, 1].map((f) => {
          const y = bottom - f * plot.height;
          return (
            <g key={f}>
              <line x1={plot.x} x2={plot.x + plot.width} y1={y} y2={y} className={f === 0 ? 'usage-axis' : 'usage-grid'} />
              {f !== 0.5 || yMax % 2 === 0 ? (
                <text
                  x={plot.x - 6}
                  y={y}
                  dy="0.32em"
                  textAnchor="end"
                  className="usage-label"
                  data-testid={f === 1 ? 'usage-y-max' : undefined}
                >
                  {formatCount(f * yMax)}
                </text>
              ) : null}
            </g>
          );
        })}
        {layout.ticks.map((t) => (
          <g key={t.date}>
            <line x1={t.x} x2={t.x} y1={plot.y} y2={bottom + 5} className="usage-tick" />
            <text x={t.x + 3} y={bottom + 18} className="usage-label">
              {t.label}
            </text>
          </g>
        ))}
        {layout.bars.map((b) => (
          <g key={b.hour.hour}>
            <title>{`${hourLabel(b.hour.hour)}: ${formatCount(b.hour.allowed)} allowed, ${formatCount(b.hour.denied)} denied`}</title>
            {/* A full-height transparent target, so that the hour's tooltip shows over empty hours too. */}
            <rect x={b.x} y={plot.y} width={b.width} height={plot.height} fill="transparent" />
            {b.allowed.height > 0 ? (
              <rect x={b.x} y={b.allowed.y} width={b.width} height={b.allowed.height} className="usage-allowed" />
            ) : null}
            {b.denied.height > 0 ? <rect x={b.x} y={b.denied.y} width={b.width} height={b.denied.height} className="usage-denied" /> : null}
          </g>
        ))}
        <text x={plot.x - 6} y={bottom + 18} textAnchor="end" className="usage-label">
          UTC
        </text>
      </svg>
      {busyHours.length === 0 ? <p className="muted">No requests in the last 7 days.</p> : null}

      {/* Hidden by a wrapper: a table grows to fit its rows whatever its width, and stretched the page below the chart. */}
      <div className="cs-visually-hidden">
        <table>
          <caption>Requests per day (UTC)</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Allowed</th>
              <th scope="col">Denied</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.date}>
                <th scope="row">
                  {new Date(`${d.date}T00:00:00Z`).toLocaleDateString(undefined, {
                    weekday: 'long',
                    month: 'long',
                    day: 'numeric',
                    timeZone: 'UTC',
                  })}
                </th>
                <td>{formatCount(d.allowed)}</td>
                <td>{formatCount(d.denied)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {busyHours.length ? (
        <details className="usage-details">
          <summary>Hourly figures</summary>
          <table>
            <caption className="cs-visually-hidden">Requests per hour (UTC); hours without requests are left out</caption>
            <thead>
              <tr>
                <th scope="col">Hour</th>
                <th scope="col">Allowed</th>
                <th scope="col">Denied</th>
              </tr>
            </thead>
            <tbody>
              {busyHours.map((h) => (
                <tr key={h.hour}>
                  <th scope="row">
                    <time dateTime={h.hour}>{hourLabel(h.hour)}</time>
                  </th>
                  <td>{formatCount(h.allowed)}</td>
                  <td>{formatCount(h.denied)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Hours without requests are left out.</p>
        </details>
      ) : null}
    </figure>
  );
}
