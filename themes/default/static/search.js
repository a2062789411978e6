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
  // terms: [[{list: [postings], q: quality}]]; a posting is {doc, cls, pos, off, len}
  function rank(nDocs, terms) {
    var T = terms.length, best = [], phrase = [[], []];
    for (var i = 0; i < T; i++) {
      best.push(new Float64Array(nDocs));
      phrase[0].push(new Map()); phrase[1].push(new Map());
      terms[i].forEach(function (cand) {
        cand.list.forEach(function (p) {
          var s = cand.q * WEIGHT[p.cls];
          if (s > best[i][p.doc]) best[i][p.doc] = s;
          if (p.cls === TITLE || p.cls === KEYWORD) {
            var m = phrase[p.cls - TITLE][i];
            if (!m.has(p.doc)) m.set(p.doc, []);
            m.get(p.doc).push(p);
          }
        });
      });
    }
    var hits = [];
    for (var d = 0; d < nDocs; d++) {
      var coverage = 0, score = 0;
      for (i = 0; i < T; i++) if (best[i][d] > 0) coverage++;
      if (coverage === 0) continue;
      for (i = 0; i < T; i++) score += best[i][d];
      for (var c = 0; c < 2; c++) {
        var ps = [];
        for (i = 0; i < T; i++) ps.push(phrase[c][i].get(d) || []);
        score += phraseBonus(c, ps);
      }
      hits.push({ doc: d, coverage: coverage, score: score });
    }
    var top = 0;
    hits.forEach(function (h) { top = Math.max(top, h.coverage); });
    var floor = Math.max(0, top - Math.floor(T / 3));
    hits = hits.filter(function (h) { return h.coverage >= floor; });
    hits.sort(function (a, b) { return b.coverage - a.coverage || b.score - a.score || a.doc - b.doc; });
    return hits;
  }
  function phraseBonus(c, ps) {
    var score = 0, i;
    for (i = 0; i + 1 < ps.length; i++) {
      var next = ps[i + 1];
      if (ps[i].some(function (a) { return next.some(function (b) { return b.pos === a.pos + 1; }); })) score += ADJACENT;
    }
    var groups = new Map();
    ps.forEach(function (term) {
      var seen = [];
      term.forEach(function (p) {
        var start = p.pos - p.off;
        if (seen.indexOf(start) < 0) {
          seen.push(start);
          var g = groups.get(start) || [0, p.len];
          g[0]++;
          groups.set(start, g);
        }
      });
    });
    var share = 0;
    groups.forEach(function (g) { share = Math.max(share, g[0] / Math.max(g[1], 1)); });
    score += FRACTION[c] * share;
    if (share >= 1) score += WHOLE;
    var head = false;
    groups.forEach(function (_, g) {
      if (ps.every(function (term, i) { return term.some(function (p) { return p.pos - p.off === g && p.off === i; }); })) head = true;
    });
    if (head && ps.length > 0) score += HEAD;
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
    var out = [];
    lists.forEach(function (list, cls) {
      if (!list) return;
      if (typeof list === 'string') {
        decodeBitmap(list).forEach(function (d) { out.push({ doc: d, cls: cls, pos: 0, off: 0, len: 0 }); });
        return;
      }
      var step = cls === TITLE ? 3 : cls === KEYWORD ? 4 : 1, doc = 0;
      for (var i = 0; i < list.length; i += step) {
        doc += list[i];
        var p = { doc: doc, cls: cls, pos: 0, off: 0, len: 0 };
        if (cls === TITLE) { p.pos = p.off = list[i + 1]; p.len = list[i + 2]; }
        if (cls === KEYWORD) { p.pos = list[i + 1]; p.off = list[i + 2]; p.len = list[i + 3]; }
        out.push(p);
      }
    });
    return out;
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
  // → {terms, matched: Set of index tokens, hits: [{doc, coverage, score}]}
  Index.prototype.search = function (input) {
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
                self.postings[t] = shard[t] ? decodePostings(shard[t]) : [];
              }
              return { list: self.postings[t], q: c[1] };
            });
          });
          return { terms: terms, matched: matched, hits: rank(m.n, withPostings) };
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
    var n = result.hits.length;
    status.textContent = n ? (form.getAttribute('data-count') || '{n}').replace('{n}', n) : (form.getAttribute('data-none') || '');
    docs.forEach(function (doc, i) {
      var li = document.createElement('li');
      li.id = 'search-option-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      var a = document.createElement('a');
      a.href = root + doc[0];
      a.tabIndex = -1;
      var title = document.createElement('span');
      title.className = 'search-title';
      highlight(title, doc[1], result.matched);
      a.appendChild(title);
      var meta = [doc[2], doc[3], doc[4], doc[5], doc[6]].filter(Boolean);
      if (meta.length) {
        var small = document.createElement('span');
        small.className = 'search-meta';
        highlight(small, meta.join(' · '), result.matched);
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
    index.search(q).then(function (result) {
      var top = result.hits.slice(0, LIMIT).map(function (h) { return h.doc; });
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
    location.href = opts[Math.max(active, 0)].querySelector('a').href;
  });
  // The A–Z list reached by submitting before the script ran: show that query's results.
  var q = new URLSearchParams(location.search).get('q');
  if (q && !input.value) { input.value = q; run(); }
})();
