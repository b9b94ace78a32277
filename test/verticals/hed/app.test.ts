import t from 'tap';
import { VERTICALS } from '../../../verticals/index.js';
import { STUDENT, STUDENT_BOOLEAN_FIELDS, STUDENT_CATEGORY_FIELDS, STUDENT_NUMERIC_FIELDS, STUDENT_REQUIRED_FIELDS } from '../../../verticals/hed/app.js';

t.test("every field StudentSuccess reads is a field of HED's definition, of the type its role needs", async (t) => {
  const types = new Map(VERTICALS.hed.fields.map((f) => [f.name, f.type]));
  for (const [role, name] of Object.entries(STUDENT)) t.ok(types.has(name), `${role}: ${name} is a HED field`);
  t.equal(new Set(Object.values(STUDENT)).size, Object.keys(STUDENT).length, 'one role per field');
  t.same(STUDENT_NUMERIC_FIELDS.filter((f) => !['number', 'integer'].includes(types.get(f) ?? '')), [], 'the numeric fields are numbers');
  t.same(STUDENT_BOOLEAN_FIELDS.filter((f) => types.get(f) !== 'boolean'), [], 'the boolean fields are booleans');
  t.same([...STUDENT_CATEGORY_FIELDS, ...STUDENT_REQUIRED_FIELDS].filter((f) => !types.has(f)), [], 'categories and required fields are fields');
});

t.test("the app's KPI, summary and category fields are those HED's definition names for its app", async (t) => {
  const app = VERTICALS.hed.app;
  t.same(app.kpis.map((k) => k.formula.field), [STUDENT.gpa, STUDENT.completion, STUDENT.engagement, STUDENT.atRisk]);
  t.equal(VERTICALS.hed.risk.field, STUDENT.atRisk);
  t.same(app.summary.filter((f) => !(STUDENT_NUMERIC_FIELDS as readonly string[]).includes(f)), [], 'every summary field is numeric for the app');
});
