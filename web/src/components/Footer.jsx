import { periodText, dayText } from '../format.jsx';

// The site's footer: what Lantern is, the symbols, and the year and mode of
// the figures and the last day of the records they come from (from
// /api/v1/health, or from the scorecard in an offline copy).
export function Footer({ health }) {
  return (
    <footer class="site-footer">
      <div class="wrap">
        <p>
          Lantern is a mirror, never a ranking: no page here orders schools by a result. Figures carry the Department's symbols:{' '}
          <em>withheld</em> (c: to protect pupils), <em>not available</em> (x), <em>not applicable</em> (z).
        </p>
        {health ? (
          <p class="muted" data-testid="health">
            {health.time_period ? `Academic year ${periodText(health.time_period)}. ` : ''}
            {health.as_of ? `Records to ${dayText(health.as_of)}. ` : ''}
            {health.mode === 'open-data' ? 'From the Department’s published files (open data).' : health.mode ? 'From pupil-level records (pupil-level mode).' : ''}
          </p>
        ) : null}
      </div>
    </footer>
  );
}
