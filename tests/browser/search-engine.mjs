// The page's search script on the shared vectors, in node (run by tests/search.rs): the same
// normalisation as src/text.rs (tests/vectors/normalize.json), the expected first result of
// tests/vectors/ranking.json, and the very ranking src/search.rs computes (RUST_RANKING: a JSON
// file of {query, hits: [[doc, coverage, score]], count} for the built example's index).
import fs from 'node:fs';
import { reporter } from './lib.mjs';
import { loadEngine } from './search-node.mjs';

const r = reporter('search-engine');
const vectors = (name) => JSON.parse(fs.readFileSync(new URL(`../vectors/${name}.json`, import.meta.url), 'utf8'));
const { api, index } = loadEngine(process.env.SITE_DIR);

for (const v of vectors('normalize')) {
  r.ok(api.text.fold(v.input) === v.fold, `fold ${JSON.stringify(v.input)} → ${JSON.stringify(api.text.fold(v.input))}`);
  const n = api.text.normalizeForSearch(v.input);
  r.ok(n === v.normalized, `normalized ${JSON.stringify(v.input)} → ${JSON.stringify(n)}`);
  r.ok(api.text.slugify(v.input) === v.slug, `slug ${JSON.stringify(v.input)}`);
}
// the telex reading and edit distance of src/search.rs's unit tests
for (const [input, expected] of [['sinhf', 'sinh'], ['kys', 'ky'], ['ddang', 'dang'], ['khoong', 'khong'], ['nguowif', 'nguoi'], ['as', 'as']]) {
  r.ok(api.rank.telex(input) === expected, `telex ${input}`);
}
r.ok(api.rank.oneEdit([...'sihn'], [...'sinh'], true) && !api.rank.oneEdit([...'chung'], [...'chunf'], true)
  && api.rank.oneEdit([...'chun'], [...'chung'], false), 'oneEdit');

const ranking = vectors('ranking');
r.ok(ranking.length >= 30, `only ${ranking.length} ranking vectors`);
for (const v of ranking) {
  const result = await index.search(v.query);
  const docs = await index.docs(result.hits.slice(0, 3).map((h) => h.doc));
  const names = docs.map((d) => d[2] || d[0]);
  r.ok(names[0] === v.first, `${JSON.stringify(v.query)} (${v.why}): expected ${v.first}, got ${names.join(', ')}`);
}
if (process.env.RUST_RANKING) {
  const rust = JSON.parse(fs.readFileSync(process.env.RUST_RANKING, 'utf8'));
  for (const q of rust) {
    const result = await index.search(q.query, q.hits.length || 1);
    const js = result.hits.map((h) => [h.doc, h.coverage, h.score]);
    r.ok(JSON.stringify(js) === JSON.stringify(q.hits) && result.count === q.count,
      `${JSON.stringify(q.query)}: JS ${JSON.stringify(js)} (${result.count}) ≠ Rust ${JSON.stringify(q.hits)} (${q.count})`);
  }
}
r.done();
