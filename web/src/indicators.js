// The indicator list (GET /api/v1/indicators): what `lantern scorecard`
// writes as scorecard_indicators.json, an object keyed by id; an array of
// objects with an `id` is accepted too.
export function normaliseIndicators(raw) {
  let entries = [];
  if (Array.isArray(raw)) {
    entries = raw.filter((x) => x && x.id).map((x) => [String(x.id), x]);
  } else if (raw && Array.isArray(raw.indicators)) {
    entries = raw.indicators.filter((x) => x && x.id).map((x) => [String(x.id), x]);
  } else if (raw && typeof raw === 'object') {
    entries = Object.entries(raw).filter(([, v]) => v && typeof v === 'object');
  }
  const byId = new Map();
  const list = entries.map(([id, v], order) => {
    const dp = Number.isInteger(v.decimal_places) ? v.decimal_places : 1;
    const meta = {
      id,
      order,
      label: v.label || id,
      domain: v.domain || 'other',
      kind: v.kind || '',
      unit: v.unit || '',
      dp,
      polarity: v.polarity || '',
      numerator: v.numerator || '',
      denominator: v.denominator || '',
      source_note: v.source_note || '',
      not_available_reason: v.not_available_reason || '',
    };
    byId.set(id, meta);
    return meta;
  });
  return { list, byId };
}

// The meta of an indicator, or a stand-in from its id.
export function indicatorMeta(indicators, id) {
  return (
    (indicators && indicators.byId.get(id)) || {
      id, order: 1e6, label: String(id).replace(/_/g, ' '), domain: 'other', kind: '', unit: '', dp: 1,
      polarity: '', numerator: '', denominator: '', source_note: '', not_available_reason: '',
    }
  );
}
