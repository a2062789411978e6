// The page's search script (static/search.js) in node, on a built site's index: for the
// engine test and scripts/search_bench.mjs. Files are read from disk and run in one context,
// as the page runs them through <script> elements.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

// → { api, index, loaded } where loaded lists the search/ files run so far.
export function loadEngine(siteDir) {
  const context = vm.createContext({ atob, console });
  vm.runInContext(fs.readFileSync(path.join(siteDir, 'static/search.js'), 'utf8'), context);
  const api = context.niemyetSearch;
  const loaded = [];
  const index = new api.Index(async (file) => {
    loaded.push(file);
    vm.runInContext(fs.readFileSync(path.join(siteDir, 'search', file), 'utf8'), context);
  });
  return { api, index, loaded };
}
