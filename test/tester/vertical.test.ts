import t from 'tap';
import { ALL_VERTICALS, VERTICALS } from '../../verticals/index.js';
import { DEFAULT_VERTICAL, isDataUrl, VerticalChoiceError, verticalByPrefix, verticalOfRequests, verticalOfSource, verticalOfTable, verticalOfTables, verticalOfUrl } from '../../tester/vertical.js';

t.test('a vertical by its prefix, table or path; nothing else is one', async (t) => {
  t.equal(DEFAULT_VERTICAL, VERTICALS.hed);
  for (const v of ALL_VERTICALS) {
    t.equal(verticalByPrefix(v.prefix.toUpperCase()), v);
    t.equal(verticalOfTable(v.table), v);
    t.equal(verticalOfTable(`tester.${v.table}`), v);
    t.equal(verticalOfUrl(`${v.path}?page_size=100&cursor=x`), v);
  }
  t.throws(() => verticalByPrefix('xyz'), new VerticalChoiceError('--vertical must be one of agr, cds, con, cpg, fpr, fts, hed, hpt, icp, met, mso, phr, rdp, spl, tlc; got "xyz".'));
  t.equal(verticalOfTable('hed_data'), undefined);
  t.equal(verticalOfUrl('/agr_data_x'), undefined);
  t.equal(verticalOfUrl('/healthz'), undefined);
  t.ok(isDataUrl('/tlc_data?page_size=5'));
  t.ok(isDataUrl('/tlc_data', VERTICALS.tlc));
  t.notOk(isDataUrl('/tlc_data', VERTICALS.agr));
  t.notOk(isDataUrl('/__admin/records?vertical=tlc'));
});

t.test('the vertical of a warehouse: its one vertical table, HED when none, a sentence when several', async (t) => {
  t.equal(verticalOfTables(['mso_records']), VERTICALS.mso);
  t.equal(verticalOfTables(['hed_records', 'other']), VERTICALS.hed);
  t.equal(verticalOfTables([]), VERTICALS.hed);
  t.equal(verticalOfTables(['hed_data']), VERTICALS.hed, 'a wrong table name: the check then says hed_records is missing');
  t.throws(() => verticalOfTables(['hed_records', 'agr_records'], 'files/warehouse.db'), /^files\/warehouse\.db holds agr_records, hed_records: pass --vertical with one of agr, hed to say which to check\.$/);
});

t.test('the vertical a connector names, and the one its requests asked for', async (t) => {
  t.equal(verticalOfSource('TABLE = "tlc_records"\nurl = f"{base_url}/tlc_data"'), VERTICALS.tlc);
  t.equal(verticalOfSource('yield op.upsert("agr_records", record)'), VERTICALS.agr);
  t.equal(verticalOfSource('url = base + "/cds_data"'), VERTICALS.cds);
  t.equal(verticalOfSource('TABLE = configuration["table"]'), undefined, 'none named');
  t.equal(verticalOfSource('"agr_records" and "tlc_records"'), undefined, 'two named: not guessed');
  t.equal(verticalOfSource('"xagr_records_old"'), undefined, 'a word that only holds a table name');
  t.equal(verticalOfRequests([{ url: '/healthz' }]), undefined);
  t.equal(verticalOfRequests([{ url: '/hed_data' }, { url: '/phr_data?cursor=a' }, { url: '/phr_data?cursor=b' }]), VERTICALS.phr);
});
