// Numbers, symbols and labels. A published figure is a number or one of the
// Department's symbols; a symbol is never shown as a number and never
// plotted.

export const SYMBOLS = {
  c: {
    text: 'withheld',
    title: 'Withheld to protect pupils: a count of 1 or 2, or a figure that would reveal one',
  },
  x: { text: 'not available', title: 'Not available: the figure is not held in this source or could not be computed' },
  z: { text: 'not applicable', title: 'Not applicable: the figure does not apply here (for example, nobody to count)' },
};

export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
export const isSymbol = (v) => typeof v === 'string' && Object.prototype.hasOwnProperty.call(SYMBOLS, v);

// A published text cell ("4.61234", "c") as a number, or null.
export function numberOf(v) {
  if (isNum(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return null;
}

const formatters = new Map();
export function formatNumber(v, dp = 1) {
  const places = Number.isInteger(dp) && dp >= 0 && dp <= 6 ? dp : 1;
  if (!formatters.has(places)) {
    formatters.set(places, new Intl.NumberFormat('en-GB', { minimumFractionDigits: places, maximumFractionDigits: places }));
  }
  return formatters.get(places).format(v);
}

// The plain text of a cell (for labels, titles and checks).
export function cellText(v, dp = 1) {
  if (isNum(v)) return formatNumber(v, dp);
  if (isSymbol(v)) return SYMBOLS[v].text;
  if (v === null || v === undefined || v === '') return 'not given';
  return String(v);
}

export function Sym({ v }) {
  const s = SYMBOLS[v];
  return (
    <abbr class={`sym sym-${v}`} title={s.title} data-symbol={v}>
      {s.text}
    </abbr>
  );
}

// A figure: a formatted number (with its unit when asked) or the symbol in
// words.
export function Val({ v, dp = 1, unit = '' }) {
  if (isNum(v)) {
    return (
      <span class="num">
        {formatNumber(v, dp)}
        {unit ? unitSuffix(unit) : ''}
      </span>
    );
  }
  if (isSymbol(v)) return <Sym v={v} />;
  if (v === null || v === undefined || v === '') return <span class="sym">not given</span>;
  return <span>{String(v)}</span>;
}

export function unitSuffix(unit) {
  if (!unit) return '';
  if (unit === '%') return '%';
  return `\u00a0${unit}`;
}

// "3.7 to 5.6"; a symbol once when either end is one.
export function Range({ lo, hi, dp = 1 }) {
  if (isNum(lo) && isNum(hi)) {
    return (
      <span class="num">
        {formatNumber(lo, dp)} to {formatNumber(hi, dp)}
      </span>
    );
  }
  const sym = isSymbol(lo) ? lo : isSymbol(hi) ? hi : null;
  if (sym) return <Sym v={sym} />;
  return <span class="sym">not given</span>;
}
export function rangeText(lo, hi, dp = 1) {
  if (isNum(lo) && isNum(hi)) return `${formatNumber(lo, dp)} to ${formatNumber(hi, dp)}`;
  const sym = isSymbol(lo) ? lo : isSymbol(hi) ? hi : null;
  return sym ? SYMBOLS[sym].text : '';
}

// An ISO date (2019-03-14) as "14 March 2019"; anything else as given.
export function dayText(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso));
  if (!m) return String(iso);
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}`;
}

// "201819" -> "2018/19"
export function periodText(p) {
  const s = String(p || '');
  return /^\d{6}$/.test(s) ? `${s.slice(0, 4)}/${s.slice(4)}` : s;
}

export const GROUP_LABELS = {
  all_pupils: 'All pupils',
  sen_support: 'SEN support',
  ehcp: 'EHC plan',
  no_sen: 'No SEN',
  fsm: 'Eligible for free school meals',
  not_fsm: 'Not eligible for free school meals',
  disadvantaged: 'Disadvantaged',
  not_disadvantaged: 'Not disadvantaged',
  eal: 'English as an additional language',
  looked_after: 'Looked after',
  boys: 'Boys',
  girls: 'Girls',
};
export function groupLabel(id) {
  return GROUP_LABELS[id] || String(id || '').replace(/_/g, ' ');
}

export const DOMAINS = [
  { id: 'context', title: 'Context', intro: 'Who the school serves, beside its similar schools, the local authority and England. Context is never a line of enquiry.' },
  { id: 'formal_outcome', title: 'Formal inclusion outcomes', intro: 'Attendance, suspensions, exclusions, moves, reintegration, attainment and destinations.' },
  { id: 'additional', title: 'Additional school data', intro: 'Alternative provision, internal units, recognition and wellbeing.' },
];

export const POSITION_TEXT = {
  within_95: 'within the 95% limits: ordinary variation',
  above_95: 'above the 95% limits (within 99.8%)',
  below_95: 'below the 95% limits (within 99.8%)',
  above_99_8: 'above the 99.8% limits',
  below_99_8: 'below the 99.8% limits',
  not_assessed: 'not assessed',
};
export function positionText(p) {
  if (isSymbol(p)) return SYMBOLS[p].text;
  return POSITION_TEXT[p] || (p ? String(p).replace(/_/g, ' ') : '');
}

export const DIRECTION_TEXT = { higher: 'Higher than similar schools', lower: 'Lower than similar schools' };

export function schoolName(s) {
  const name = s && (s.name || s.school_name);
  const urn = s && (s.urn || s.school_urn);
  return name ? String(name) : `School ${urn}`;
}

// A published table as the server gives it, {columns, rows: [[...]]}, as
// objects, one per row ({column: cell}); none for anything else.
export function rowObjects(body) {
  if (!body || !Array.isArray(body.columns) || !Array.isArray(body.rows)) return [];
  return body.rows.map((r) => Object.fromEntries(body.columns.map((c, i) => [c, r[i]])));
}

export function capitalise(s) {
  const t = String(s || '');
  return t ? t[0].toUpperCase() + t.slice(1) : t;
}
