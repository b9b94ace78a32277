import t from 'tap';
import { compareRows } from '../../../tester/scenarios/compare.js';
import { allPassed, escapeXml, firstLine, formatReport, formatTable, reportJson, reportJunit } from '../../../tester/scenarios/report.js';
import type { MatrixReport } from '../../../tester/scenarios/types.js';
import { warning } from '../../../tester/scenarios/warnings.js';
import { junitSchemaProblems, parseXml } from './junit-schema.js';

const source = [{ record_id: 'a', v: 1 }, { record_id: 'b', v: 2 }];
const report: MatrixReport = {
  connector: 'fixtures/connectors/<odd & "named">',
  startedAt: '2026-11-25T10:00:00.123Z',
  durationMs: 12_345,
  results: [
    { scenario: 'flaky', description: 'd', verdict: 'pass', comparison: compareRows(source, source), runs: [{ round: 'full', ok: true, timedOut: false, durationMs: 10 }], warnings: [], requests: 9, durationMs: 1000 },
    {
      scenario: 'truncated',
      description: 'd',
      verdict: 'fail',
      reason: 'The warehouse differs from the source.',
      comparison: compareRows(source, [{ record_id: 'a', v: 1 }]),
      runs: [{ round: 'full', ok: true, timedOut: false, durationMs: 10 }],
      warnings: [warning('silent-partial-sync', 'A full sync reported success with 1 source record missing from the warehouse.')],
      requests: 5,
      durationMs: 2000,
    },
    {
      scenario: 'hang',
      description: 'd',
      verdict: 'timeout',
      reason: 'The full sync did not end within the time limit and was stopped.',
      runs: [{ round: 'full', ok: false, reason: 'stopped after 5 s \u0007', timedOut: true, durationMs: 5000 }],
      warnings: [warning('no-request-timeout', 'A request the server never answered was still waiting.')],
      requests: 3,
      durationMs: 5000,
    },
  ],
};

t.test('the table shows a verdict and the counts per scenario, then reasons and advice', async (t) => {
  const text = formatReport(report);
  t.match(text, /^Scenario matrix for fixtures\/connectors\/<odd & "named">\n/);
  t.match(text, /flaky +\| PASS +\| 2\/2 +\| 0 +\| 0 +\| 0 +\| 0 +\| 1\/1 ok \| 0 +\| 1\.0 s/);
  t.match(text, /truncated +\| FAIL +\| 1\/2 +\| 1 +\| 0 +\| 0 +\| 0 +\| 1\/1 ok \| 1 +\| 2\.0 s/);
  t.match(text, /hang +\| TIMEOUT \| - +\| - +\| - +\| - +\| - +\| 0\/1 ok \| 1 +\| 5\.0 s/);
  t.match(text, /truncated: {3}e\.g\. lost b/);
  t.match(text, /truncated: WARNING silent-partial-sync: .*\n +advice: Let errors propagate/);
  t.match(text, /hang: WARNING no-request-timeout: .*\n +advice: Give every request a timeout/);
  t.match(text, /1 of 3 scenarios passed, 2 warnings, in 12\.3 s\.\n$/);
  t.notOk(allPassed(report));
  t.ok(allPassed({ ...report, results: [report.results[0]!] }));
  t.notOk(allPassed({ ...report, results: [] }), 'nothing run is not a pass');
  t.equal(formatTable(['a', 'bb'], [['xyz', '1']]), 'a   | bb\n----+---\nxyz | 1\n');
  t.equal(firstLine('update() failed: HTTP 503\n  File "connector.py", line 3\n'), 'update() failed: HTTP 503 (more in --json)');
  t.equal(firstLine('one line'), 'one line');
  t.equal(firstLine(''), '');
});

t.test('the JSON file holds every result and whether all passed', async (t) => {
  const parsed = JSON.parse(reportJson(report)) as { passed: boolean; results: { scenario: string; verdict: string; comparison?: { lost: number }; warnings: { kind: string; advice: string }[] }[] };
  t.equal(parsed.passed, false);
  t.same(parsed.results.map((r) => [r.scenario, r.verdict]), [['flaky', 'pass'], ['truncated', 'fail'], ['hang', 'timeout']]);
  t.equal(parsed.results[1]!.comparison!.lost, 1);
  t.equal(parsed.results[2]!.warnings[0]!.kind, 'no-request-timeout');
});

t.test('the JUnit file is valid against Ant\'s junit.xsd: a testcase per scenario, failure for fail, error for timeout', async (t) => {
  const xml = reportJunit(report);
  t.same(junitSchemaProblems(xml), []);
  const suite = parseXml(xml);
  t.same(suite.attributes, { name: 'hed-tester scenarios: fixtures/connectors/<odd & "named">', tests: '3', failures: '1', errors: '1', time: '12.345', timestamp: '2026-11-25T10:00:00', hostname: 'localhost' });
  const cases = suite.children.filter((c) => c.name === 'testcase');
  t.same(cases.map((c) => [c.attributes.name, c.children.map((k) => k.name)]), [['flaky', []], ['truncated', ['failure']], ['hang', ['error']]]);
  t.match(cases[1]!.children[0]!.text, /lost 1, duplicated 0, unexpected 0, differing 0/);
  t.notOk(cases[2]!.children[0]!.text.includes('\u0007'), 'characters XML forbids are dropped');
  t.match(suite.children.find((c) => c.name === 'system-out')!.text, /truncated: WARNING silent-partial-sync/);
  t.same(junitSchemaProblems(reportJunit({ ...report, results: [report.results[0]!] })), [], 'valid with no warnings too');
});

t.test('a cause the journal shows goes with a non-pass verdict in the table, the JSON and the JUnit file', async (t) => {
  const cause = { kind: 'stopped-while-has-more' as const, message: 'The connector stopped after 1 page while the last page said has_more: true.', advice: 'Read the flag as data["has_more"].' };
  const withCause: MatrixReport = { ...report, results: [{ ...report.results[1]!, causes: [cause] }] };
  t.match(formatReport(withCause), /truncated: FAIL: The warehouse differs from the source\.\ntruncated: CAUSE stopped-while-has-more: The connector stopped after 1 page .*\n +fix: Read the flag as data\["has_more"\]\./);
  t.same((JSON.parse(reportJson(withCause)) as { results: { causes: unknown[] }[] }).results[0]!.causes, [cause]);
  const xml = reportJunit(withCause);
  t.same(junitSchemaProblems(xml), []);
  const failure = parseXml(xml).children.find((c) => c.name === 'testcase')!.children[0]!;
  t.equal(failure.attributes.message, 'The warehouse differs from the source. Cause: The connector stopped after 1 page while the last page said has_more: true.');
  t.match(failure.text, /cause stopped-while-has-more: .* Fix: Read the flag as data\["has_more"\]\./);
  t.notMatch(formatReport(report), /CAUSE/, 'no cause, no line');
});

t.test('the schema check finds what breaks the schema (it can fail)', async (t) => {
  const good = reportJunit(report);
  t.match(junitSchemaProblems(good.replace(' hostname="localhost"', '')), ['testsuite: required attribute hostname is missing']);
  t.match(junitSchemaProblems(good.replace('tests="3"', 'tests="3" skipped="0"')), ['testsuite: attribute skipped is not allowed']);
  t.match(junitSchemaProblems(good.replace('time="12.345"', 'time="soon"')), [/time="soon" is not a decimal/]);
  t.match(junitSchemaProblems(good.replace('2026-11-25T10:00:00', '2026-11-25T10:00:00Z')), [/is not a timestamp/]);
  t.match(junitSchemaProblems(good.replace('<properties/>', '')), [/<properties> appears 0 times/]);
  t.match(junitSchemaProblems(good.replace('</failure>', '</failure><error type="x"/>')), [/at most one of error\/failure/]);
  t.match(junitSchemaProblems(good.replace('  <system-err/>\n', '').replace('</testsuite>', '<system-err/></testsuite>').replace('<system-out>', '<system-err/><system-out>')), [/out of place|appears/]);
  t.match(junitSchemaProblems(good.replace('<testcase name="flaky"', '<testcase name="flaky" extra="1"')), [/attribute extra is not allowed/]);
  t.match(junitSchemaProblems(good.replace('<properties/>', '<properties><bogus/></properties>')), [/<bogus> is out of place/, /<bogus> is not in the schema/]);
  t.match(junitSchemaProblems('<testsuites/>'), [/the root is <testsuites>/]);
  t.match(junitSchemaProblems(good.replace('&amp;', '&')), [/bare &/]);
  t.match(junitSchemaProblems(good.replace('</testsuite>', '')), [/never closed/]);
  t.match(junitSchemaProblems(good.replace('</testsuite>', '</testsuites>')), [/closes/]);
  t.match(junitSchemaProblems(`${good}<x/>`), [/after the root/]);
  t.match(junitSchemaProblems(good.replace('<properties/>', '<properties>text</properties>')), [/text is not allowed/]);
  t.match(junitSchemaProblems(good.replace('&amp;', '&bogus;')), [/Unknown entity/]);
  t.equal(parseXml('<a b="&#65;&#x42;"/>').attributes.b, 'AB');
  t.throws(() => parseXml('<?xml version="1.0"'), /unclosed XML declaration/);
  t.throws(() => parseXml('<a b=c/>'), /Expected an attribute/);
  t.throws(() => parseXml('<a b="1" b="2"/>'), /repeated/);
  t.throws(() => parseXml('x'), /Expected an element/);
  t.throws(() => parseXml('<a>\u0001</a>'), /control character/);
  t.equal(escapeXml('a<b>&"\'\u0000'), 'a&lt;b&gt;&amp;&quot;&apos;');
});
