import { useEffect } from 'preact/hooks';
import { useApi } from '../api.js';
import { Loading, Problem } from '../components/Status.jsx';
import { Movement, Outcomes } from './Outcomes.jsx';

// The Local Outcomes Framework beyond the local authority
// (docs/local-outcomes.md, "Places"): a region (#/region/CODE), England
// (#/england) and a user-defined place (#/place/CODE), and the list of them
// (#/places). An LA's framework is on its own page (#/la/CODE).

const KIND = {
  region: { kicker: (code) => `Region ${code}`, fallback: (code) => `Region ${code}` },
  england: { kicker: () => 'Country E92000001', fallback: () => 'England' },
  place: { kicker: (code) => `User-defined place ${code}`, fallback: (code) => `Place ${code}` },
};

function nameOf(places, level, code) {
  if (!places) return '';
  if (level === 'england') return places.england ? places.england.name : '';
  const found = ((level === 'region' ? places.regions : places.places) || []).find((p) => p.code === code);
  return found ? found.name : '';
}

export function PlacePage({ level, code = '' }) {
  const list = useApi('/api/v1/places');
  const places = list.data ? list.data[0] : null;
  const k = KIND[level];
  const name = nameOf(places, level, code) || k.fallback(code);
  useEffect(() => {
    document.title = `${name}: Local Outcomes Framework – Lantern`;
  }, [name]);
  return (
    <article class="area place" data-testid="place">
      <p class="kicker">{k.kicker(code)}</p>
      <h1 tabIndex={-1} data-testid="place-name">
        {name}
      </h1>
      {level === 'place' ? (
        <p class="mirror">
          A place its users defined (a partnership board’s patch, a combined authority): local authorities, schools or postcode districts, named in the server’s places file. A place of schools or districts
          counts pupils by where their school is.
        </p>
      ) : null}
      {list.loading ? <Loading what="the places" message={list.retrying ? list.error : ''} /> : <Outcomes level={level} code={code} />}
      {list.loading ? null : <Movement level={level} code={code} />}
      <p class="no-print place-foot">
        <a href="#/places">Every place with a Local Outcomes Framework</a>
      </p>
    </article>
  );
}

export function PlacesPage() {
  const list = useApi('/api/v1/places');
  useEffect(() => {
    document.title = 'Places: Local Outcomes Framework – Lantern';
  }, []);
  const places = list.data ? list.data[0] : null;
  const heading = <h1 tabIndex={-1}>Places: the Local Outcomes Framework</h1>;
  if (!places) {
    return (
      <>
        {heading}
        {list.loading ? <Loading what="the places" message={list.retrying ? list.error : ''} /> : <Problem status={list.status} message={list.error} />}
      </>
    );
  }
  const regions = places.regions || [];
  const userPlaces = places.places || [];
  return (
    <article class="places" data-testid="places">
      {heading}
      <p class="mirror">
        How well each place serves all its young people: every measure by pupil group, the gaps between groups, and the trend. For a local authority, <a href="#/">find it</a>: its page has the framework, set beside its statistical neighbours.
      </p>
      <section aria-labelledby="places-england">
        <h2 id="places-england">England</h2>
        {places.england ? (
          <p>
            <a href="#/england" data-testid="england-link">
              {places.england.name}
            </a>
          </p>
        ) : (
          <p data-testid="no-england-place">
            {regions.length
              ? 'This server has no figures for England: its pupil records do not cover all nine of England’s regions. Lantern’s open-data mode has England’s published figures.'
              : 'This server has no figures for England.'}
          </p>
        )}
      </section>
      <section aria-labelledby="places-regions">
        <h2 id="places-regions">Regions</h2>
        {regions.length ? (
          <ul class="plain" data-testid="region-list">
            {regions.map((r) => (
              <li key={r.code}>
                <a href={`#/region/${encodeURIComponent(r.code)}`}>{r.name || r.code}</a> <span class="muted">({r.code})</span>
              </li>
            ))}
          </ul>
        ) : (
          <p>No region has figures on this server.</p>
        )}
      </section>
      <section aria-labelledby="places-user">
        <h2 id="places-user">Places defined by their users</h2>
        {userPlaces.length ? (
          <ul class="plain" data-testid="place-list">
            {userPlaces.map((p) => (
              <li key={p.code}>
                <a href={`#/place/${encodeURIComponent(p.code)}`}>{p.name || p.code}</a> <span class="muted">({p.code})</span>
              </li>
            ))}
          </ul>
        ) : (
          <p>
            None on this server. A partnership board’s patch or a combined authority is defined in a places file (its local authorities, schools or postcode districts), which the server reads from the store’s <code>places.csv</code>.
          </p>
        )}
      </section>
    </article>
  );
}
