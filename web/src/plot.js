// Observable Plot, in a chunk of its own (loaded on first chart). Only the
// functions src/charts.js calls: the rest of Plot stays out of the bundle
// (a third of its size, in dist/ and in every offline page). A chart that
// needs another mark adds it here.
export { plot, dot, ruleX, ruleY, tickX, barX, text, stackX } from '@observablehq/plot';
