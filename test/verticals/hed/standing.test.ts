import t from 'tap';
import { ACADEMIC_STANDINGS } from '../../../api/record.js';
import { STANDING_BANDS, standingFor } from '../../../verticals/hed/standing.js';

t.test('the bands hold each of the 12 standings once, floors falling from best to worst', async (t) => {
  t.same(STANDING_BANDS.map((b) => b.standing).sort(), [...ACADEMIC_STANDINGS].sort());
  for (let k = 1; k < STANDING_BANDS.length; k++) t.ok(STANDING_BANDS[k - 1]!.minGpa > STANDING_BANDS[k]!.minGpa);
});

t.test('a GPA on a band floor earns that band, just under it the next one down', async (t) => {
  t.equal(standingFor(4), 'Distinguished Scholar');
  t.equal(standingFor(3.8), 'Distinguished Scholar');
  t.equal(standingFor(3.79), "Dean's List");
  t.equal(standingFor(3.5), "Dean's List");
  t.equal(standingFor(3.49), 'Honor Roll');
  t.equal(standingFor(2.5), 'Satisfactory Progress');
  t.equal(standingFor(2), 'Probationary Status');
  t.equal(standingFor(1.99), 'Academic Probation');
  t.equal(standingFor(1.49), 'Academic Suspension');
  t.equal(standingFor(0), 'Academic Suspension');
  t.equal(standingFor(-1), 'Academic Suspension', 'below every floor is still a standing');
});
