import { useApi } from '../api.js';
import { cellText, numberOf, rowObjects } from '../format.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Chart } from '../components/Chart.jsx';

// Evidence of each Local Inclusion and Participation Agreement's
// effectiveness (docs/early-warning.md, lipa_effectiveness.csv): response
// times against its standards, referrals by outcome, and the flagged pupils
// who went on to be permanently excluded or to leave education. Published
// figures, disclosure-controlled on the server (c: 1 or 2 pupils; z: not
// applicable). On a trust page (kind "trust") one row per local authority it
// works with; on an LA page one row per trust.

const STYLE = { fontSize: '12px', fontFamily: 'inherit', color: '#0b0c0c', background: 'white', overflow: 'visible' };

const OUTCOME_WORDS = {
  support_in_school: 'support in school',
  early_help: 'early help',
  ehc_assessment: 'EHC needs assessment',
  ap_placement: 'AP placement',
  managed_move: 'managed move',
  social_care: 'social care',
  no_further_action: 'no further action',
  permanently_excluded: 'permanently excluded',
  left_education: 'left education',
  moved_away: 'moved away',
};

const ACK = 'Acknowledged within the standard';
const PLAN = 'Plan agreed within the standard';

const asCell = (v) => (numberOf(v) !== null ? numberOf(v) : v);

export function LipaEffectiveness({ kind, id }) {
  const path = kind === 'la' ? `/api/v1/las/${encodeURIComponent(id)}/lipa` : `/api/v1/trusts/${encodeURIComponent(id)}/lipa`;
  const st = useApi(path);
  if (st.loading) return null;
  const body = st.data ? st.data[0] : null;
  const raw = rowObjects(body);
  if (raw.length === 0) return null;
  const outcomeCols = body.columns.filter((c) => c.startsWith('closed_') && c !== 'closed');
  const rows = raw.map((r) => {
    const partner = kind === 'la' ? (r.trust_id ? `Trust ${r.trust_id}` : 'Maintained schools') : `Local authority ${r.la_code}`;
    const agreement = r.agreement_id === 'none' ? 'none (national standards)' : r.agreement_id;
    const outcomes = outcomeCols
      .filter((c) => numberOf(r[c]) !== 0)
      .map((c) => `${OUTCOME_WORDS[c.slice(7)] || c.slice(7).replace(/_/g, ' ')}: ${cellText(asCell(r[c]))}`)
      .join('; ');
    const standards = `acknowledge in ${r.acknowledge_standard_days}, plan in ${r.plan_standard_days} school days`;
    return {
      partner,
      agreement,
      standards,
      terms: `${agreement}: ${standards}`,
      referrals: asCell(r.referrals),
      acknowledged: asCell(r.acknowledged),
      ackDue: asCell(r.acknowledgements_due),
      plans: asCell(r.plans_agreed),
      planDue: asCell(r.plans_due),
      ackOnTime: asCell(r.acknowledged_within_standard_percent),
      ackMedian: asCell(r.median_days_to_acknowledge),
      planOnTime: asCell(r.plans_within_standard_percent),
      planMedian: asCell(r.median_days_to_plan),
      escalated: asCell(r.escalated),
      open: asCell(r.open),
      closed: asCell(r.closed),
      outcomes: outcomes || 'none closed',
      flagged: asCell(r.flagged_pupils),
      excluded: asCell(r.flagged_then_permanently_excluded),
      left: asCell(r.flagged_then_left_education),
    };
  });
  const pts = [];
  for (const r of rows) {
    if (typeof r.ackOnTime === 'number') pts.push({ partner: r.partner, what: ACK, value: r.ackOnTime });
    if (typeof r.planOnTime === 'number') pts.push({ partner: r.partner, what: PLAN, value: r.planOnTime });
  }
  const partners = rows.map((r) => r.partner);
  // Two tables, so each fits a laptop's width: the response times, then what
  // the referrals closed with and what followed. Each downloads its own rows.
  const partnerColumn = { key: 'partner', label: kind === 'la' ? 'Trust' : 'Local authority', head: true };
  const height = 50 + partners.length * 34;
  return (
    <section aria-labelledby="lipa-h" data-testid="lipa">
      <h2 id="lipa-h">Local Inclusion and Participation Agreements: are referrals answered in time?</h2>
      <p class="mirror">
        For each agreement {kind === 'la' ? 'between this local authority and a trust' : 'between this trust and a local authority'}: the referrals raised by at-risk flags, how many were acknowledged and planned within the agreement's response standards (counted in school days; a response not given by the time its standard passed counts as late), what they closed with, and how many flagged pupils were later permanently excluded or left education. Figures of 1 or 2 pupils are shown as c. This is evidence to discuss, not a verdict on the agreement.
      </p>
      {pts.length ? (
        <figure class="chart-figure">
          <Chart
            label={`Dot chart: for each ${kind === 'la' ? 'trust' : 'local authority'}, the per cent of referrals acknowledged and planned within the agreement's standards. The table below holds the same figures.`}
            dataKey={JSON.stringify(['lipa', kind, id, pts])}
            minHeight={height}
            draw={(Plot, width) =>
              Plot.plot({
                width,
                height,
                marginLeft: 170,
                style: STYLE,
                x: { label: 'Within the response standard, per cent →', domain: [0, 100], grid: true },
                y: { domain: partners, label: null },
                color: { domain: [ACK, PLAN], range: ['#1d70b8', '#d4351c'], legend: true },
                // A ring and a diamond, so both show where the two shares are equal.
                marks: [
                  Plot.dot(pts.filter((p) => p.what === ACK), { x: 'value', y: 'partner', stroke: 'what', strokeWidth: 2, r: 7 }),
                  Plot.dot(pts.filter((p) => p.what === PLAN), { x: 'value', y: 'partner', fill: 'what', symbol: 'diamond', r: 5 }),
                ],
              })
            }
          />
          <figcaption class="legend">Blue ring: acknowledged within the standard; red diamond: a plan agreed within the standard. A missing mark means none yet, or too few to show.</figcaption>
        </figure>
      ) : (
        <p>No response times can be shown yet: no referral has been acknowledged, or too few to show without identifying pupils.</p>
      )}
      <DataTable
        caption={kind === 'la' ? 'Response times under each agreement with a trust' : 'Response times under each agreement with a local authority'}
        testid="lipa-table"
        file={`${kind}-${id}-lipa-response-times`}
        rows={rows}
        columns={[
          partnerColumn,
          { key: 'terms', label: 'Agreement and its response standards' },
          { key: 'referrals', label: 'Referrals', num: true, dp: 0 },
          { key: 'acknowledged', label: 'Acknowledged', num: true, dp: 0 },
          { key: 'ackDue', label: 'Due: given or late', num: true, dp: 0 },
          { key: 'ackOnTime', label: 'Of them, in time (%)', num: true },
          { key: 'ackMedian', label: 'Median school days to acknowledge', num: true },
          { key: 'plans', label: 'Plans agreed', num: true, dp: 0 },
          { key: 'planDue', label: 'Plans due: agreed or late', num: true, dp: 0 },
          { key: 'planOnTime', label: 'Of them, in time (%)', num: true },
          { key: 'planMedian', label: 'Median school days to a plan', num: true },
          { key: 'escalated', label: 'Escalated', num: true, dp: 0 },
          { key: 'open', label: 'Open', num: true, dp: 0 },
        ]}
        exportColumns={[
          partnerColumn,
          { key: 'agreement', label: 'Agreement' },
          { key: 'standards', label: 'Response standards' },
          { key: 'referrals', label: 'Referrals' },
          { key: 'acknowledged', label: 'Acknowledged' },
          { key: 'ackDue', label: 'Acknowledgements due (given, or not given when the standard passed)' },
          { key: 'ackOnTime', label: 'Of those due, acknowledged in time (%)' },
          { key: 'ackMedian', label: 'Median school days to acknowledge' },
          { key: 'plans', label: 'Plans agreed' },
          { key: 'planDue', label: 'Plans due (agreed, or none when the standard passed)' },
          { key: 'planOnTime', label: 'Of those due, agreed in time (%)' },
          { key: 'planMedian', label: 'Median school days to a plan' },
          { key: 'escalated', label: 'Escalated' },
          { key: 'open', label: 'Open' },
        ]}
      />
      <DataTable
        caption={kind === 'la' ? 'What the referrals under each agreement with a trust closed with, and what followed' : 'What the referrals under each agreement with a local authority closed with, and what followed'}
        testid="lipa-outcomes-table"
        file={`${kind}-${id}-lipa-outcomes`}
        rows={rows}
        columns={[
          partnerColumn,
          { key: 'closed', label: 'Closed', num: true, dp: 0 },
          { key: 'outcomes', label: 'Closed, by outcome' },
          { key: 'flagged', label: 'Flagged pupils', num: true, dp: 0 },
          { key: 'excluded', label: 'Later permanently excluded', num: true, dp: 0 },
          { key: 'left', label: 'Later left education', num: true, dp: 0 },
        ]}
      />
    </section>
  );
}
