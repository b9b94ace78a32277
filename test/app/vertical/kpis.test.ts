import t from 'tap';
import { buildVerticalKpi, buildVerticalKpis, kpiSelect } from '../../../app/vertical/metrics.js';
import { ALL_VERTICALS, VERTICALS, computeKpi, formatKpi, generateRecords, kpiSql } from '../../../verticals/index.js';

for (const definition of ALL_VERTICALS) {
  t.test(`${definition.prefix}: the four KPI cards of ${definition.app.name} with their targets`, async (t) => {
    // HED's records come from its builder (verticals/hed/); the cards only need values.
    const values = definition.prefix === 'hed' ? [3.1, 0.8, 72, 0.35] : definition.app.kpis.map((k) => computeKpi(k.formula, generateRecords(definition, 42, 300)));
    const cards = buildVerticalKpis(definition, values);
    t.same(cards.map((c) => c.label), definition.app.kpis.map((k) => k.label), 'the lab labels, in order');
    for (const [i, card] of cards.entries()) {
      const kpi = definition.app.kpis[i]!;
      t.equal(card.display, formatKpi(values[i]!, kpi.format), `${kpi.label}: written as the lab writes it`);
      if (!kpi.target) {
        t.same([card.deltaDisplay, card.deltaGood, card.target], ['', null, null], `${kpi.label}: no target, no delta`);
        continue;
      }
      const delta = values[i]! - kpi.target.value;
      t.equal(card.target, kpi.target.value);
      t.equal(card.targetDisplay, formatKpi(kpi.target.value, kpi.format));
      t.ok(card.deltaDisplay.endsWith(` ${kpi.target.note}`), `${kpi.label}: "${card.deltaDisplay}" names the target`);
      t.equal(card.deltaDisplay.slice(1, -kpi.target.note.length - 1), formatKpi(Math.abs(delta), kpi.format), 'the delta in the value format');
      if (card.deltaDirection !== 'none') t.equal(card.deltaDirection, delta > 0 ? 'up' : 'down', 'the arrow follows the sign');
      t.equal(card.deltaGood, kpi.target.better === 'higher' ? delta >= 0 : delta <= 0, 'the colour follows `better`');
    }
  });
}

t.test('the arrow follows the sign, the colour follows better: lower-is-better above its target is up and bad', async (t) => {
  const churn = VERTICALS.tlc.app.kpis[0]!; // Avg Churn Risk Probability, target 25%, lower is better
  t.match(buildVerticalKpi(churn, 0.301), { display: '30.1%', deltaDisplay: '+5.1% vs target', deltaDirection: 'up', deltaGood: false });
  t.match(buildVerticalKpi(churn, 0.2), { deltaDisplay: '-5.0% vs target', deltaDirection: 'down', deltaGood: true });
  const weight = VERTICALS.agr.app.kpis[1]!; // Avg Animal Weight, 1,500 lbs, higher is better
  t.match(buildVerticalKpi(weight, 1338.4), { id: 'avg-animal-weight', display: '1,338 lbs', deltaDisplay: '-162 lbs vs target', deltaDirection: 'down', deltaGood: false });
  t.match(buildVerticalKpi(weight, 1500.2), { deltaDisplay: '+0 lbs vs target', deltaDirection: 'none', deltaGood: true }, 'a delta that rounds to zero has no arrow');
  t.match(buildVerticalKpi(VERTICALS.fts.app.kpis[1]!, 2581), { display: '$2,581', deltaDisplay: '-$330,752 vs target', deltaGood: true });
});

t.test('no rows: a dash, no delta', async (t) => {
  t.match(buildVerticalKpi(VERTICALS.agr.app.kpis[0]!, null), { display: '–', deltaDisplay: '', deltaGood: null, deltaDirection: 'none' });
});

t.test('the KPI SELECT is kpiSql of each formula, nothing else', async (t) => {
  const select = kpiSelect(VERTICALS.tlc);
  for (const [i, kpi] of VERTICALS.tlc.app.kpis.entries()) t.ok(select.includes(`${kpiSql(kpi.formula)} AS k${i}`), kpi.label);
  t.ok(select.startsWith('CAST(count(*) AS DOUBLE) AS n'));
});
