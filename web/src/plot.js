// Observable Plot, in a chunk of its own (loaded on first chart). Only the
// functions src/charts.js calls: the rest of Plot stays out of the bundle
// (a third of its size, in dist/ and in every offline page). A chart that
// needs another mark adds it here (line: the P8-to-P5 slope chart and trends;
// stackX and axisY: the pupil voice bars and their wrapped group labels).
export { plot, dot, line, ruleX, ruleY, tickX, barX, text, selectLast, stackX, axisY } from '@observablehq/plot';
