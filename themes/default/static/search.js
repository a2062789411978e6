// Search as you type, offline and from file://. The text rules mirror src/text.rs and the
// ranking mirrors src/search.rs step by step (read their module docs); both sides are tested
// against tests/vectors/*.json. The index is plain script files under search/ that call
// niemyetSearch.add(name, data) (fetch() of JSON is blocked on file://); a query loads only the
// shards of its words and the result files of the results it shows.
(function () {
  'use strict';

  // ---- text (src/text.rs) ----
  var TONES = '\u0300\u0309\u0303\u0301\u0323';
  var isMark = function (c) { return c >= '\u0300' && c <= '\u036f'; };
  var lowerAscii = function (c) { return c >= 'A' && c <= 'Z' ? c.toLowerCase() : c; };

  function toneOnFirstVowel(w) {
    var chars = Array.from(w), letters = [], tones = [];
    chars.forEach(function (c, i) {
      if (!isMark(c)) letters.push(i);
      if (TONES.indexOf(c) >= 0) tones.push(i);
    });
    if (letters.length < 2 || tones.length !== 1) return w;
    var first = letters[letters.length - 2], second = letters[letters.length - 1], tone = tones[0];
    var pair = lowerAscii(chars[first]) + lowerAscii(chars[second]);
    if ((pair !== 'oa' && pair !== 'oe' && pair !== 'uy') || chars.length !== first + 3 || tone < first) return w;
    if (letters.length >= 3) {
      var before = lowerAscii(chars[letters[letters.length - 3]]);
      if ('aeiouy'.indexOf(before) >= 0 || (pair === 'uy' && before === 'q')) return w;
    }
    var mark = chars.splice(tone, 1)[0];
    chars.splice(first + 1, 0, mark);
    return chars.join('');
  }
  function unifyTonePlacement(s) {
    return s.normalize('NFD').replace(/[A-Za-z\u0110\u0111\u0300-\u036f]+/g, toneOnFirstVowel).normalize('NFC');
  }
  function fold(s) {
    return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\u0111/g, 'd');
  }
  function normalizeForSearch(s) {
    return unifyTonePlacement(s.normalize('NFC').toLowerCase()).split(/[\s\u0085]+/).filter(Boolean).join(' ');
  }
  var TOKEN = /(?:[\p{Alphabetic}\p{N}\u0300-\u036f]|(?<=[0-9])\.(?=[0-9]))+/gu;
  function searchTokens(s) { return s.match(TOKEN) || []; }
  function slugify(s) { return fold(s).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''); }

  // ---- ranking (src/search.rs) ----
  var WEIGHT = [12, 8, 6, 3, 1], ADJACENT = 2, FRACTION = [4, 3], WHOLE = 6, HEAD = 3, MAX_TERMS = 8;
  var TITLE = 1, KEYWORD = 2;
  var isNumeric = function (t) { return t.charCodeAt(0) >= 48 && t.charCodeAt(0) <= 57; };

  function queryTerms(input) {
    var terms = [];
    searchTokens(normalizeForSearch(input)).forEach(function (t) {
      if (terms.indexOf(t) < 0 && terms.length < MAX_TERMS) terms.push(t);
    });
    return terms;
  }
  function telex(f) {
    if (!/^[a-z]*$/.test(f)) return f;
    var s = f.length > 2 && /[sfrxj]$/.test(f) ? f.slice(0, -1) : f;
    [['dd', 'd'], ['aa', 'a'], ['aw', 'a'], ['ee', 'e'], ['oo', 'o'], ['ow', 'o'], ['uw', 'u'], ['w', 'u']]
      .forEach(function (r) { s = s.split(r[0]).join(r[1]); });
    return s;
  }
  function same(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function oneEdit(a, b, swapsOnly) {
    if (same(a, b)) return false;
    var p = 0;
    while (p < a.length && p < b.length && a[p] === b[p]) p++;
    a = a.slice(p); b = b.slice(p);
    if (a.length === b.length) {
      var swap = a.length >= 2 && a[0] === b[1] && a[1] === b[0] && same(a.slice(2), b.slice(2));
      return swap || (!swapsOnly && same(a.slice(1), b.slice(1)));
    }
    return !swapsOnly && ((a.length + 1 === b.length && same(a, b.slice(1))) ||
      (b.length + 1 === a.length && same(b, a.slice(1))));
  }
  // vocab: [{t: token, f: fold(token)}]
  function wordCandidates(term, last, vocab) {
    var f = fold(term), fc = Array.from(f), out = [], rest = [], foldedFound = false;
    vocab.forEach(function (v) {
      if (v.t === term) { out.push([v.t, 1.0]); foldedFound = true; }
      else if (v.f === f) { out.push([v.t, 0.9]); foldedFound = true; }
      else rest.push(v);
    });
    var tx = foldedFound ? null : telex(f);
    if (tx === f) tx = null;
    rest.forEach(function (v) {
      var q = 0;
      if (tx !== null && tx === v.f) q = 0.8;
      if (last && fc.length >= 2 && v.f.startsWith(f)) q = Math.max(q, 0.7);
      if (fc.length >= 4 && oneEdit(fc, Array.from(v.f), fc.length < 5)) q = Math.max(q, 0.6);
      if (q > 0) out.push([v.t, q]);
    });
    return out;
  }
  function numericCandidates(term, last, tokens) {
    var prefix = last && Array.from(term).length >= 2, out = [];
    tokens.forEach(function (v) {
      if (v === term) out.push([v, 1.0]);
      else if (prefix && v.startsWith(term)) out.push([v, 0.7]);
    });
    return out;
  }
  // → {count, hits: the best `limit` [{doc, coverage, score}]}
  // terms: [[{list, q: quality}]]; a list holds postings as columns {n, doc, cls, pos, off, len}.
  // Typed arrays and per-document linked lists of title and keyword postings keep a query on
  // 10,000 documents free of garbage.
  var buffers = {};
  // A zeroed (or `fill`ed) typed array of `size`, reused from query to query.
  function buffer(name, Type, size, fill) {
    var a = buffers[name];
    if (!a || a.length < size) a = buffers[name] = new Type(size);
    if (fill !== undefined) a.fill(fill, 0, size);
    return a;
  }
  function rank(nDocs, terms, limit) {
    var T = terms.length, i, k, d, total = 0, n = nDocs;
    terms.forEach(function (cands) { cands.forEach(function (c) { total += c.list.n; }); });
    var best = buffer('best', Float64Array, T * n, 0), head = buffer('head', Int32Array, 2 * n, -1);
    var entries = {
      next: buffer('next', Int32Array, total), term: buffer('term', Uint8Array, total),
      pos: buffer('pos', Uint16Array, total), off: buffer('off', Uint16Array, total), len: buffer('len', Uint16Array, total),
    }, e = 0;
    for (i = 0; i < T; i++) {
      for (var ci = 0; ci < terms[i].length; ci++) {
        var l = terms[i][ci].list, q = terms[i][ci].q;
        for (k = 0; k < l.n; k++) {
          d = l.doc[k];
          var cls = l.cls[k], s = q * WEIGHT[cls];
          if (s > best[i * n + d]) best[i * n + d] = s;
          if (cls === TITLE || cls === KEYWORD) {
            entries.term[e] = i; entries.pos[e] = l.pos[k]; entries.off[e] = l.off[k]; entries.len[e] = l.len[k];
            entries.next[e] = head[(cls - TITLE) * n + d];
            head[(cls - TITLE) * n + d] = e++;
          }
        }
      }
    }
    var cov = buffer('cov', Uint8Array, n, 0), score = buffer('score', Float64Array, n, 0), top = 0;
    for (d = 0; d < n; d++) {
      for (i = 0; i < T; i++) if (best[i * n + d] > 0) cov[d]++;
      if (cov[d] === 0) continue;
      top = Math.max(top, cov[d]);
      for (i = 0; i < T; i++) score[d] += best[i * n + d];
      for (var c = 0; c < 2; c++) {
        if (head[c * n + d] >= 0) score[d] += phraseBonus(c, T, entries, head[c * n + d]); // none: no bonus
      }
    }
    // Step 5 without sorting every result: count them, keep the best `limit` in order.
    var floor = Math.max(1, top - Math.floor(T / 3)), count = 0, kept = [];
    var better = function (a, b) { return cov[a] !== cov[b] ? cov[a] > cov[b] : score[a] !== score[b] ? score[a] > score[b] : a < b; };
    for (d = 0; d < n; d++) {
      if (cov[d] < floor) continue;
      count++;
      if (kept.length === limit && !better(d, kept[limit - 1])) continue;
      var at = kept.length < limit ? kept.length : limit - 1;
      while (at > 0 && better(d, kept[at - 1])) { kept[at] = kept[at - 1]; at--; }
      kept[at] = d;
    }
    return {
      count: count,
      hits: kept.map(function (d) { return { doc: d, coverage: cov[d], score: score[d] }; }),
    };
  }
  var bits = function (m) { var n = 0; for (; m; m &= m - 1) n++; return n; };
  // Scratch space reused by every call: terms (a bit each, MAX_TERMS = 8) at each position, and
  // per title or keyword (by where it starts) which terms are in it and which begin it in order.
  var atPos = new Uint8Array(65537), gStart = [], gLen = [], gTerms = [], gHeads = [];
  // Step 4's bonuses for one document: `first` starts its linked list of postings in class c.
  function phraseBonus(c, T, en, first) {
    var score = 0, a, g, ng = 0, pairs = 0, share = 0, head = false;
    for (a = first; a >= 0; a = en.next[a]) atPos[en.pos[a]] |= 1 << en.term[a];
    for (a = first; a >= 0; a = en.next[a]) {
      var t = en.term[a];
      if (t + 1 < T && atPos[en.pos[a] + 1] & (1 << (t + 1))) pairs |= 1 << t;
      var start = en.pos[a] - en.off[a];
      for (g = 0; g < ng && gStart[g] !== start; g++);
      if (g === ng) { gStart[g] = start; gLen[g] = en.len[a]; gTerms[g] = 0; gHeads[g] = 0; ng++; }
      gTerms[g] |= 1 << t;
      if (en.off[a] === t) gHeads[g] |= 1 << t;
    }
    for (a = first; a >= 0; a = en.next[a]) atPos[en.pos[a]] = 0;
    score += ADJACENT * bits(pairs);
    for (g = 0; g < ng; g++) {
      share = Math.max(share, bits(gTerms[g]) / Math.max(gLen[g], 1));
      if (gHeads[g] === (1 << T) - 1) head = true;
    }
    score += FRACTION[c] * share;
    if (share >= 1) score += WHOLE;
    if (head && T > 0) score += HEAD;
    return score;
  }

  // ---- the index files (src/render/search.rs) ----
  function decodeBitmap(s) {
    var bin = atob(s), docs = [];
    for (var i = 0; i < bin.length; i++) {
      var byte = bin.charCodeAt(i);
      for (var b = 0; b < 8; b++) if (byte & (1 << b)) docs.push(i * 8 + b);
    }
    return docs;
  }
  function decodePostings(lists) {
    var docs = [], cols = [[], [], [], []]; // cls, pos, off, len
    var push = function (d, cls, pos, off, len) {
      docs.push(d); cols[0].push(cls); cols[1].push(pos); cols[2].push(off); cols[3].push(len);
    };
    lists.forEach(function (list, cls) {
      if (!list) return;
      if (typeof list === 'string') {
        decodeBitmap(list).forEach(function (d) { push(d, cls, 0, 0, 0); });
        return;
      }
      var step = cls === TITLE ? 3 : cls === KEYWORD ? 4 : 1, doc = 0;
      for (var i = 0; i < list.length; i += step) {
        doc += list[i];
        if (cls === TITLE) push(doc, cls, list[i + 1], list[i + 1], list[i + 2]);
        else if (cls === KEYWORD) push(doc, cls, list[i + 1], list[i + 2], list[i + 3]);
        else push(doc, cls, 0, 0, 0);
      }
    });
    return { n: docs.length, doc: Int32Array.from(docs), cls: Uint8Array.from(cols[0]),
      pos: Uint16Array.from(cols[1]), off: Uint16Array.from(cols[2]), len: Uint16Array.from(cols[3]) };
  }
  var shardKey = function (t) { return Array.from(fold(t)).slice(0, 2).join(''); };

  var registry = {};
  function add(name, data) { registry[name] = data; }

  // loadFile(file name under search/) → Promise that settles once the file has run.
  function Index(loadFile) {
    this.loadFile = loadFile;
    this.files = {};
    this.postings = {};
  }
  Index.prototype.get = function (name, file) {
    var self = this;
    if (!self.files[file]) {
      self.files[file] = self.loadFile(file).then(function () {
        if (!(name in registry)) throw new Error('search index file ' + file + ' did not register ' + name);
        return registry[name];
      });
      self.files[file].catch(function () { delete self.files[file]; });
    }
    return self.files[file];
  };
  Index.prototype.meta = function () {
    var self = this;
    return self.get('meta', 'meta.js').then(function (m) {
      if (!self.vocab) {
        self.vocab = m.vocab ? m.vocab.split(' ').map(function (t) { return { t: t, f: fold(t) }; }) : [];
      }
      return m;
    });
  };
  Index.prototype.shard = function (m, key) {
    var file = m.shards[key];
    return file ? this.get('s:' + key, file) : Promise.resolve({});
  };
  // → {terms, matched: Set of index tokens, count, hits: the best `limit` [{doc, coverage, score}]}
  Index.prototype.search = function (input, limit) {
    var self = this, terms = queryTerms(input);
    return self.meta().then(function (m) {
      var cands = terms.map(function (term, i) {
        var last = i + 1 === terms.length;
        if (!isNumeric(term)) return Promise.resolve(wordCandidates(term, last, self.vocab));
        return self.shard(m, shardKey(term)).then(function (s) {
          return numericCandidates(term, last, Object.keys(s).filter(isNumeric));
        });
      });
      return Promise.all(cands).then(function (cands) {
        var keys = {};
        cands.forEach(function (cs) { cs.forEach(function (c) { keys[shardKey(c[0])] = true; }); });
        return Promise.all(Object.keys(keys).map(function (k) { return self.shard(m, k); })).then(function () {
          var matched = new Set();
          var withPostings = cands.map(function (cs) {
            return cs.map(function (c) {
              matched.add(c[0]);
              var t = c[0];
              if (!self.postings[t]) {
                var shard = registry['s:' + shardKey(t)] || {};
                self.postings[t] = decodePostings(shard[t] || []);
              }
              return { list: self.postings[t], q: c[1] };
            });
          });
          var ranked = rank(m.n, withPostings, limit || 10);
          return { terms: terms, matched: matched, count: ranked.count, hits: ranked.hits };
        });
      });
    });
  };
  // [url, title, code, field, level, duration, fee] of documents
  Index.prototype.docs = function (ids) {
    var self = this;
    return self.meta().then(function (m) {
      var chunks = {};
      ids.forEach(function (d) { chunks[Math.floor(d / m.chunk)] = true; });
      return Promise.all(Object.keys(chunks).map(function (c) { return self.get('d:' + c, m.docs[c]); }))
        .then(function () {
          return ids.map(function (d) { return registry['d:' + Math.floor(d / m.chunk)][d % m.chunk]; });
        });
    });
  };

  var api = {
    add: add, Index: Index,
    text: { unifyTonePlacement: unifyTonePlacement, fold: fold, normalizeForSearch: normalizeForSearch, searchTokens: searchTokens, slugify: slugify },
    rank: { queryTerms: queryTerms, telex: telex, oneEdit: oneEdit, wordCandidates: wordCandidates, numericCandidates: numericCandidates },
  };
  globalThis.niemyetSearch = api;
  if (typeof document === 'undefined') return;

  // ---- the page ----
  var form = document.querySelector('form.search');
  var input = form && form.querySelector('input[type=search]');
  if (!input) return;
  var root = form.getAttribute('data-root') || '';
  var base = root + 'search/';
  var index = new Index(function (file) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = base + file;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('cannot load ' + s.src)); };
      document.head.appendChild(s);
    });
  });
  var LIMIT = 10;
  var panel = document.createElement('div');
  panel.className = 'search-results';
  var status = document.createElement('p');
  status.className = 'search-status';
  status.setAttribute('role', 'status');
  var list = document.createElement('ul');
  list.id = 'search-list';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', form.getAttribute('data-results-label') || '');
  list.hidden = true;
  panel.appendChild(status);
  panel.appendChild(list);
  form.appendChild(panel);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-expanded', 'false');

  var active = -1, seq = 0, timer = 0;
  function options() { return list.querySelectorAll('[role=option]'); }
  function setActive(i) {
    var opts = options();
    if (!opts.length) return;
    active = (i + opts.length) % opts.length;
    opts.forEach(function (o, j) { o.setAttribute('aria-selected', String(j === active)); });
    input.setAttribute('aria-activedescendant', opts[active].id);
    opts[active].scrollIntoView({ block: 'nearest' });
  }
  function close() {
    list.hidden = true;
    list.textContent = '';
    status.textContent = '';
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }
  // Text with the words the query matched in <mark>.
  function highlight(el, text, matched) {
    var parts = text.split(/((?:[\p{Alphabetic}\p{N}\u0300-\u036f]|(?<=[0-9])\.(?=[0-9]))+)/u);
    parts.forEach(function (part, i) {
      if (!part) return;
      if (i % 2 === 1 && matched.has(normalizeForSearch(part))) {
        var mark = document.createElement('mark');
        mark.textContent = part;
        el.appendChild(mark);
      } else {
        el.appendChild(document.createTextNode(part));
      }
    });
  }
  function show(q, result, docs, my) {
    if (my !== seq) return;
    panel.setAttribute('data-query', q); // what the list shows results for
    list.textContent = '';
    active = -1;
    input.removeAttribute('aria-activedescendant');
    var n = result.count;
    status.textContent = n ? (form.getAttribute('data-count') || '{n}').replace('{n}', n) : (form.getAttribute('data-none') || '');
    docs.forEach(function (doc, i) {
      // The link is the option (a link inside an option would nest interactive elements).
      var li = document.createElement('li');
      li.setAttribute('role', 'none');
      var a = document.createElement('a');
      a.id = 'search-option-' + i;
      a.setAttribute('role', 'option');
      a.setAttribute('aria-selected', 'false');
      a.href = root + doc[0];
      a.tabIndex = -1;
      var title = document.createElement('span');
      title.className = 'search-title';
      highlight(title, doc[1], result.matched);
      a.appendChild(title);
      var rest = [doc[3], doc[4], doc[5], doc[6]].filter(Boolean).join(' · ');
      if (doc[2] || rest) {
        var small = document.createElement('span');
        small.className = 'search-meta';
        if (doc[2]) highlight(small, doc[2], result.matched); // the code; other words stay plain
        small.appendChild(document.createTextNode((doc[2] && rest ? ' · ' : '') + rest));
        a.appendChild(small);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = !docs.length;
    input.setAttribute('aria-expanded', String(docs.length > 0));
  }
  function run() {
    var my = ++seq, q = input.value;
    if (!queryTerms(q).length) { close(); panel.setAttribute('data-query', q); return; }
    index.search(q, LIMIT).then(function (result) {
      var top = result.hits.map(function (h) { return h.doc; });
      return index.docs(top).then(function (docs) { show(q, result, docs, my); });
    }).catch(function (e) {
      if (my === seq) status.textContent = String(e.message || e);
    });
  }
  input.addEventListener('focus', function () { index.meta().catch(function () {}); });
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(run, 80);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (list.hidden) return;
      e.preventDefault();
      setActive(active < 0 ? (e.key === 'ArrowDown' ? 0 : -1) : active + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Escape') {
      if (!list.hidden) { e.preventDefault(); close(); } else if (input.value) { e.preventDefault(); input.value = ''; }
    }
  });
  list.addEventListener('mousedown', function (e) { e.preventDefault(); }); // keep focus in the box
  form.addEventListener('submit', function (e) {
    var opts = options();
    if (!opts.length) return; // no results: the A–Z list
    e.preventDefault();
    location.href = opts[Math.max(active, 0)].href;
  });
  // The A–Z list reached by submitting before the script ran: show that query's results.
  var q = new URLSearchParams(location.search).get('q');
  if (q && !input.value) { input.value = q; run(); }
})();
