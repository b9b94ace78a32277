import t from 'tap';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentTypeOf, packageDir, readUnder, vendorPath } from '../../app/static-files.js';

t.test('files under the root only, with their content type', async (t) => {
  const root = t.testdir({ public: { 'index.html': '<p>hi</p>', css: { 'a.css': 'p{}' } }, 'secret.txt': 'no' });
  const pub = join(root, 'public');
  symlinkSync(join(root, 'secret.txt'), join(pub, 'link.txt'));
  t.match(await readUnder(pub, 'css/a.css'), { type: 'text/css; charset=utf-8' });
  t.equal((await readUnder(pub, 'index.html'))!.body.toString(), '<p>hi</p>');
  t.equal(await readUnder(pub, '../secret.txt'), undefined);
  t.equal(await readUnder(pub, 'link.txt'), undefined, 'a symlink out of the root is refused');
  t.equal(await readUnder(pub, 'css'), undefined, 'folders are not files');
  t.equal(await readUnder(pub, 'nope.js'), undefined);
  t.equal(await readUnder(pub, 'a\0b'), undefined);
  writeFileSync(join(pub, 'data.bin'), 'x');
  t.equal((await readUnder(pub, 'data.bin'))!.type, 'application/octet-stream');
  t.equal(contentTypeOf('x.SVG'), 'image/svg+xml');
});

t.test('the vendored builds resolve inside node_modules', async (t) => {
  t.match(packageDir('vega-lite'), /node_modules[/\\]vega-lite$/);
  t.match(vendorPath('vega-embed.min.js'), /node_modules[/\\]vega-embed[/\\]build[/\\]vega-embed\.min\.js$/);
  t.equal(vendorPath('lodash.js'), undefined);
});

t.test('inherited property names are not vendor files', async (t) => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) t.equal(vendorPath(name), undefined, name);
});

t.test("the charts can run without 'unsafe-eval': vega-embed carries the expression interpreter and the page turns it on", async (t) => {
  const { readFileSync } = await import('node:fs');
  const embed = readFileSync(vendorPath('vega-embed.min.js')!, 'utf8');
  t.match(embed, /expressionInterpreter/, 'the served vega-embed build has the interpreter hook (ast: true)');
  t.match(packageDir('vega-interpreter'), /node_modules[/\\]vega-interpreter$/, 'vega-interpreter is installed');
  const page = readFileSync(new URL('../../app/public/app.js', import.meta.url), 'utf8');
  t.match(page, /vegaEmbed\([^)]*ast: true/, 'app.js embeds every chart with ast: true');
});
