// The chart specifications (Observable Plot). Shapes and row labels carry
// the meaning, never colour alone; symbols (c, x, z) are never plotted.
import { formatNumber, isNum } from './format.jsx';

const INK = '#0b0c0c';
const BLUE = '#1d70b8';
const GREY = '#505a5f';
const BAND_998 = '#d2e2f1';
const BAND_95 = '#8eb8e5';

const tick = (dp) => (d) => formatNumber(d, Number.isInteger(d) ? 0 : Math.min(dp, 2));

const STYLE = { fontSize: '12px', fontFamily: 'inherit', color: INK, background: 'white', overflow: 'visible' };

function xLabel(unit) {
  if (!unit) return null;
  return unit === '%' ? 'Per cent →' : `${unit.charAt(0).toUpperCase()}${unit.slice(1)} →`;
}

// Rows: [{ label, shape, value, lo, hi, lo95, hi95, lo998, hi998 }]. The
// school's own row has lo/hi (its 95% range); the similar schools' row has
// its 95% and 99.8% limits for a school of this size, drawn as bands; the LA
// and England rows their 99.8% limits as a thin line.
export function comparisonChart(Plot, width, rows, { unit = '', dp = 1, reference = null } = {}) {
  const labels = rows.map((r) => r.label);
  const numeric = (k) => rows.filter((r) => isNum(r[k]) && isNum(r.value));
  const both = (a, b) => rows.filter((r) => isNum(r[a]) && isNum(r[b]));
  const marks = [
    Plot.ruleY(both('lo998', 'hi998').filter((r) => r.shape === 'diamond'), { y: 'label', x1: 'lo998', x2: 'hi998', stroke: BAND_998, strokeWidth: 18 }),
    Plot.ruleY(both('lo95', 'hi95'), { y: 'label', x1: 'lo95', x2: 'hi95', stroke: BAND_95, strokeWidth: 18 }),
    Plot.ruleY(both('lo998', 'hi998').filter((r) => r.shape !== 'diamond'), { y: 'label', x1: 'lo998', x2: 'hi998', stroke: GREY, strokeWidth: 1.5, strokeDasharray: '3 2' }),
    Plot.ruleY(both('lo', 'hi'), { y: 'label', x1: 'lo', x2: 'hi', stroke: INK, strokeWidth: 2 }),
    Plot.tickX(both('lo', 'hi'), { y: 'label', x: 'lo', stroke: INK, strokeWidth: 2 }),
    Plot.tickX(both('lo', 'hi'), { y: 'label', x: 'hi', stroke: INK, strokeWidth: 2 }),
  ];
  if (isNum(reference)) marks.push(Plot.ruleX([reference], { stroke: BLUE, strokeDasharray: '5 3', strokeWidth: 1.5 }));
  const shapes = [
    ['circle', INK],
    ['diamond', BLUE],
    ['square', GREY],
    ['triangle', GREY],
  ];
  for (const [shape, fill] of shapes) {
    const data = numeric('value').filter((r) => r.shape === shape);
    if (data.length) marks.push(Plot.dot(data, { x: 'value', y: 'label', symbol: shape, r: 6, fill, stroke: 'white', strokeWidth: 1.5 }));
  }
  const narrow = width < 420;
  const layout = rowLabels(Plot, width, labels, { margin: 124, row: 34, aboveRow: 50, padding: 0.3 });
  return Plot.plot({
    width,
    height: layout.marginTop + 30 + rows.length * layout.step,
    marginLeft: layout.marginLeft,
    marginRight: 16,
    marginTop: layout.marginTop,
    marginBottom: 34,
    style: STYLE,
    x: { label: xLabel(unit), labelAnchor: 'right', nice: true, inset: 10, grid: true, ticks: narrow ? 4 : 7, tickFormat: tick(dp) },
    y: layout.y,
    marks: [...layout.marks, ...marks],
  });
}

// Where a chart's row labels go, each whole, never cut. Beside the rows,
// in the left margin, `row` px a row, where the longest fits in 45% of the
// chart (40% on a phone), at about 7.5 px a character of the 12 px text:
// the margin as wide as it needs, and at least `margin` px on a wide
// screen. A longer label such as "Disadvantaged: Ward Jackson Church of
// England VA Primary School", or "SEN provision: EHC plan" on a phone, goes
// above its row instead, with the chart's whole width, wrapped (at that
// width in ems of the 12 px text, a fifth kept spare); a row is then
// `aboveRow` px and 14 more for each further line, its mark below it.
export function rowLabels(Plot, width, labels, { margin, row, aboveRow, padding = 0.2 }) {
  const longest = Math.max(0, ...labels.map((l) => String(l).length));
  const needed = 12 + Math.ceil(longest * 7.5);
  const wide = width >= 420;
  if (needed <= width * (wide ? 0.45 : 0.4)) {
    return {
      marginLeft: wide ? Math.min(Math.round(width * 0.45), Math.max(margin, needed)) : needed,
      marginTop: 6,
      step: row,
      y: { domain: labels, label: null, tickSize: 0, padding },
      marks: [],
    };
  }
  // Every row as tall as the longest label's lines need (14 px a line).
  const lines = Math.max(1, Math.ceil((longest * 7.5) / ((width - 16) * 0.8)));
  return {
    marginLeft: 16, // room for half the first tick's figure
    marginTop: 12 + 14 * (lines - 1),
    step: aboveRow + 14 * (lines - 1),
    // The row's mark as thick as in a row of one line, below its label.
    y: { domain: labels, label: null, axis: null, padding: 1 - aboveRow / (2 * (aboveRow + 14 * (lines - 1))) },
    marks: [
      Plot.text(labels, {
        y: (d) => d,
        text: (d) => d,
        frameAnchor: 'left',
        textAnchor: 'start',
        lineAnchor: 'bottom',
        dy: -(aboveRow / 4) - 3,
        fontSize: 12,
        fill: INK,
        lineWidth: Math.max(10, (width - 16) / 15),
      }),
    ],
  };
}

// One row per pupil group: the figure (circle) with its 95% range, and the
// similar schools' figure for the same group (diamond).
export function groupChart(Plot, width, rows, { unit = '', dp = 1 } = {}) {
  const layout = rowLabels(Plot, width, rows.map((r) => r.label), { margin: 132, row: 26, aboveRow: 40 });
  const narrow = width < 420;
  return Plot.plot({
    width,
    height: layout.marginTop + 28 + rows.length * layout.step,
    marginLeft: layout.marginLeft,
    marginRight: 16,
    marginTop: layout.marginTop,
    marginBottom: 34,
    style: STYLE,
    x: { label: xLabel(unit), labelAnchor: 'right', nice: true, inset: 10, grid: true, ticks: narrow ? 4 : 7, tickFormat: tick(dp) },
    y: layout.y,
    marks: [
      ...layout.marks,
      Plot.ruleY(rows.filter((r) => isNum(r.lo) && isNum(r.hi)), { y: 'label', x1: 'lo', x2: 'hi', stroke: INK, strokeWidth: 2 }),
      Plot.dot(rows.filter((r) => isNum(r.sim)), { x: 'sim', y: 'label', symbol: 'diamond', r: 5, fill: BLUE, stroke: 'white' }),
      Plot.dot(rows.filter((r) => isNum(r.value)), { x: 'value', y: 'label', symbol: 'circle', r: 5, fill: INK, stroke: 'white' }),
    ],
  });
}

// Horizontal bars in the order given (never sorted by value), each labelled
// with its figure.
export function barChart(Plot, width, rows, { unit = '%', dp = 1 } = {}) {
  const layout = rowLabels(Plot, width, rows.map((r) => r.label), { margin: 210, row: 24, aboveRow: 40 });
  const narrow = width < 420;
  return Plot.plot({
    width,
    height: layout.marginTop + 28 + rows.length * layout.step,
    marginLeft: layout.marginLeft,
    marginRight: 52,
    marginTop: layout.marginTop,
    marginBottom: 34,
    style: STYLE,
    x: { label: xLabel(unit), labelAnchor: 'right', nice: true, insetRight: 10, grid: true, ticks: narrow ? 4 : 7 },
    y: layout.y,
    marks: [
      ...layout.marks,
      Plot.barX(rows, { y: 'label', x: 'value', fill: BLUE }),
      Plot.text(rows, { y: 'label', x: 'value', text: (d) => formatNumber(d.value, dp), dx: 4, textAnchor: 'start', fill: INK }),
      Plot.ruleX([0], { stroke: INK }),
    ],
  });
}
