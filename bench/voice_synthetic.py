#!/usr/bin/env python3
"""A synthetic national-shaped pupil voice wave for the benchmark: schools
across every LA of the real geography's shape (LA codes 201-940), a
provider, and RESPONDENTS x ITEMS response rows in the input layout of
docs/input-schema.md. Pupils and enrolments are empty (no linkage): the
report is by school, LA, region, trust and England for all pupils.

  python3 bench/voice_synthetic.py OUT RESPONDENTS [ITEMS_FROM catalogue/voice_items.csv]
"""
import csv, os, random, sys

out, respondents = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
rng = random.Random(20190101)
bank = list(csv.DictReader(open(os.path.join(os.path.dirname(__file__), '..', 'catalogue', 'voice_items.csv'))))
scales = {}
for r in csv.DictReader(open(os.path.join(os.path.dirname(__file__), '..', 'catalogue', 'voice_scales.csv'))):
    scales.setdefault(r['scale_id'], []).append(r['code'])
items = [(b['item_id'], scales[b['scale_id']] + ['prefer_not_to_say', 'not_answered']) for b in bank]
# The 150 real LAs (codes, names, regions) from the real data beside the repository.
real = os.environ.get('LANTERN_REAL_DATA', os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data', 'real'))
geo = {}
for r in csv.DictReader(open(os.path.join(real, 'neet_nk_la', 'UD_NEETNK_LA_dashboard_2023_final.csv'), encoding='utf-8-sig', errors='replace')):
    if r['geographic_level'] == 'Local authority':
        geo[r['old_la_code']] = (r['new_la_code'], r['la_name'].replace(',', ''), r['region_code'], r['region_name'])
las = sorted(geo)
n_schools = max(30, respondents // 150)
with open(f'{out}/local_authorities.csv', 'w') as f:
    f.write('old_la_code,new_la_code,la_name,region_code,region_name\n')
    for la in las:
        f.write(f'{la},{",".join(geo[la])}\n')
with open(f'{out}/trusts.csv', 'w') as f:
    f.write('trust_id,trust_name,trust_type\n')
    for t in range(n_schools // 10):
        f.write(f'T{t},Trust {t},MAT\n')
with open(f'{out}/schools.csv', 'w') as f:
    f.write('urn,la_code,estab,name,phase,type,trust_id\n')
    for s in range(n_schools):
        trust = f'T{s // 10}' if s % 3 == 0 and s // 10 < n_schools // 10 else ''
        f.write(f'{100000 + s},{las[s % len(las)]},{4000 + s // len(las)},School {s},secondary,,{trust}\n')
open(f'{out}/pupils.csv', 'w').write('upn,birth_date,sex,fsm_eligible,disadvantaged,sen_provision,eal,looked_after,home_la_code,year_group\n')
open(f'{out}/enrolments.csv', 'w').write('upn,urn,entry_date,leaving_date,leaving_reason,enrol_status\n')
open(f'{out}/voice_providers.csv', 'w').write('provider_id,provider_name,accredited_from,accredited_to\nPRV-NAT,National Voice,2018-01-01,\n')
# Answer sheets: a pool of respondents' answers to every item, each a block
# of rows with the respondent's prefix left as \0, so a national wave is
# written at disk speed (one replace per respondent).
def sheet():
    rows = []
    for item, cats in items:
        k = len(cats)
        c = min(k - 1, int(rng.random() ** 0.7 * (k - 2))) if rng.random() > 0.03 else k - 2 + (rng.random() < 0.5)
        rows.append(f'\0{item},1,{cats[c]}\n')
    return ''.join(rows)
pool = [sheet() for _ in range(4096)]
with open(f'{out}/voice_responses.csv', 'w') as f:
    f.write('provider_id,wave,urn,respondent_key,collected_date,mode,item_id,item_version,response\n')
    buf = []
    for r in range(respondents):
        urn = 100000 + r % n_schools
        buf.append(pool[rng.getrandbits(12)].replace('\0', f'PRV-NAT,2018/19,{urn},V-{r:09d},2019-06-12,online,'))
        if len(buf) >= 20000:
            f.write(''.join(buf))
            buf = []
    f.write(''.join(buf))
