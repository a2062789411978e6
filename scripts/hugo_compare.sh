#!/usr/bin/env bash
# Throughput of niemyet against Hugo (Debian's package) on the same synthetic site: the
# procedures of scripts/gen_site.py as Hugo pages (the procedure YAML as front matter) with
# templates of comparable work: a page per procedure with the same sections (steps, channels
# with durations and fees, documents, requirements, legal basis, history, Markdown rendered),
# list pages per field, per level and per counter (taxonomies), a home page and a sitemap.
# One run of each, building into a RAM disk. Heavy: never run in CI.
#
# usage: scripts/hugo_compare.sh [N]   (default 10000 procedures)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
W=${BENCH_SHM:-/dev/shm/niemyet-bench}/hugo-$N
command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install hugo)"; exit 2; }
cargo build --release --quiet --bin niemyet
BIN=${BENCH_BIN:-$PWD/target/release/niemyet}
rm -rf "$W"; mkdir -p "$W"
python3 scripts/gen_site.py "$N" "$W/site" >/dev/null

# The Hugo site: every procedure file becomes content/thu-tuc/<name>.md with its YAML as front
# matter plus the counters that post it (every commune for commune-level procedures).
H=$W/hugo
mkdir -p "$H/content/thu-tuc" "$H/layouts/_default" "$H/layouts/partials"
python3 - "$W/site/content" "$H" <<'PY'
import os, re, sys
src, out = sys.argv[1], sys.argv[2]
communes = re.findall(r"id: (xa-\d+)", open(os.path.join(src, "units.yaml"), encoding="utf-8").read())
for root, _, files in os.walk(os.path.join(src, "procedures")):
    for name in files:
        text = open(os.path.join(root, name), encoding="utf-8").read()
        counters = communes if "\nlevel: commune" in text else ["trung-tam"]
        body = "---\n" + text.rstrip("\n") + "\ncounters: [" + ", ".join(counters) + "]\n---\n"
        with open(os.path.join(out, "content/thu-tuc", name[:-5] + ".md"), "w", encoding="utf-8") as f:
            f.write(body)
PY
cat > "$H/hugo.yaml" <<'YAML'
baseURL: https://thutuc.example.vn/
languageCode: vi
title: Thủ tục hành chính tỉnh Thử nghiệm
disableKinds: [RSS]
taxonomies: {field: field, level: level, counter: counters}
markup: {goldmark: {renderer: {unsafe: false}}}
YAML
cat > "$H/layouts/_default/baseof.html" <<'HTML'
<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ site.Title }}</title><link rel="stylesheet" href="{{ "site.css" | relURL }}"></head>
<body><header><a href="{{ "" | relURL }}">{{ site.Title }}</a><nav><ul>{{ range site.Taxonomies.field }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></li>{{ end }}</ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer><p>Ủy ban nhân dân tỉnh Thử nghiệm</p></footer></body></html>
HTML
cat > "$H/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1>
<dl><dt>Mã</dt><dd>{{ .Params.code }}</dd><dt>Lĩnh vực</dt><dd>{{ .Params.field }}</dd><dt>Cấp</dt><dd>{{ .Params.level }}</dd></dl>
{{ with .Params.summary }}<div class="summary">{{ . | markdownify }}</div>{{ end }}
<h2>1. Trình tự thực hiện</h2><ol>{{ range .Params.steps }}<li>{{ . | markdownify }}</li>{{ end }}</ol>
<h2>2. Cách thức thực hiện</h2><table><tr><th>Hình thức</th><th>Thời hạn</th><th>Phí, lệ phí</th></tr>
{{ range .Params.channels }}<tr><td>{{ .method }}</td><td>{{ .duration }}{{ with .duration_max }} (tối đa {{ . }}){{ end }}{{ with .duration_note }}<br>{{ . | markdownify }}{{ end }}</td>
<td>{{ range .fees }}{{ .name }}: {{ with .amount }}{{ lang.FormatNumberCustom 0 . }} đồng{{ else }}{{ .basis }}{{ end }}{{ with .per }}/{{ . }}{{ end }}; {{ else }}Miễn phí{{ end }}</td></tr>{{ end }}</table>
<h2>3. Thành phần hồ sơ</h2><table><tr><th>Giấy tờ</th><th>Bản chính</th><th>Bản sao</th><th>Mẫu</th></tr>
{{ range .Params.documents }}<tr><td>{{ .name }}{{ with .condition }} ({{ . }}){{ end }}</td><td>{{ default 1 .originals }}</td><td>{{ default 0 .copies }}</td><td>{{ with .form }}<a href="{{ . | relURL }}">{{ path.Base . }}</a>{{ end }}</td></tr>{{ end }}</table>
{{ with .Params.requirements }}<h2>Yêu cầu, điều kiện</h2>{{ . | markdownify }}{{ end }}
<h2>Kết quả</h2><p>{{ .Params.result }}</p><h2>Cơ quan thực hiện</h2><p>{{ .Params.agency }}</p>
<h2>Căn cứ pháp lý</h2><ul>{{ range .Params.legal_basis }}<li>{{ .number }} {{ .title }}{{ with .issued }} ({{ time.Format "02/01/2006" . }}){{ end }}</li>{{ end }}</ul>
{{ with .Params.history }}<h2>Lịch sử</h2><ul>{{ range . }}<li>{{ .decision }}: {{ .change | markdownify }}</li>{{ end }}</ul>{{ end }}
<p>Nơi tiếp nhận: {{ range .Params.counters }}<a href="{{ printf "counters/%s/" . | relURL }}">{{ . }}</a> {{ end }}</p>
{{ .Content }}{{ end }}
HTML
cat > "$H/layouts/partials/rows.html" <<'HTML'
<table><tr><th>Mã</th><th>Tên thủ tục</th><th>Thời hạn</th><th>Phí</th></tr>{{ range . }}<tr><td>{{ .Params.code }}</td><th><a href="{{ .RelPermalink }}">{{ .Title }}</a></th><td>{{ with index .Params.channels 0 }}{{ .duration }}{{ end }}</td><td>{{ with index .Params.channels 0 }}{{ range .fees }}{{ with .amount }}{{ lang.FormatNumberCustom 0 . }} đồng {{ end }}{{ else }}Miễn phí{{ end }}{{ end }}</td></tr>{{ end }}</table>
HTML
cat > "$H/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ len .Pages }} thủ tục</p>{{ partial "rows.html" .Pages.ByTitle }}{{ end }}
HTML
cat > "$H/layouts/_default/terms.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
HTML
cat > "$H/layouts/index.html" <<'HTML'
{{ define "main" }}<h1>{{ site.Title }}</h1><p>{{ len (where site.RegularPages "Section" "thu-tuc") }} thủ tục</p>
<ul>{{ range site.Taxonomies.field }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
<h2>Tất cả thủ tục</h2>{{ partial "rows.html" (where site.RegularPages "Section" "thu-tuc").ByTitle }}{{ end }}
HTML

echo "hugo: $(hugo version | cut -d' ' -f1-2)"
hlog=$( { /usr/bin/time -f "TIME %e %M" hugo --quiet=false --source "$H" --destination "$W/hugo-out" --cleanDestinationDir; } 2>&1 )
ht=$(awk '/^TIME/ {print $2}' <<<"$hlog"); hm=$(awk '/^TIME/ {print $3}' <<<"$hlog")
hp=$(awk -F'|' '/^ *Pages/ {gsub(/ /, "", $2); print $2}' <<<"$hlog")
hf=$(find "$W/hugo-out" -type f | wc -l)

nlog=$( { /usr/bin/time -f "TIME %e %M" "$BIN" build --content "$W/site/content" --output "$W/niemyet-out"; } 2>&1 )
nt=$(awk '/^TIME/ {print $2}' <<<"$nlog"); nm=$(awk '/^TIME/ {print $3}' <<<"$nlog")
np=$(grep -o '[0-9]* pages' <<<"$nlog" | awk '{print $1}')
nf=$(find "$W/niemyet-out" -type f | wc -l)

echo
echo "| $N procedures | pages | files | wall | pages/s | peak memory |"
echo "|---|---:|---:|---:|---:|---:|"
awk -v p="$hp" -v f="$hf" -v t="$ht" -v m="$hm" 'BEGIN { printf "| Hugo | %d | %d | %.2f s | %.0f | %.0f MB |\n", p, f, t, p / t, m / 1024 }'
awk -v p="$np" -v f="$nf" -v t="$nt" -v m="$nm" 'BEGIN { printf "| niemyet | %d | %d | %.2f s | %.0f | %.0f MB |\n", p, f, t, p / t, m / 1024 }'
awk -v hp="$hp" -v ht="$ht" -v np="$np" -v nt="$nt" 'BEGIN {
  printf "\nthroughput ratio (niemyet pages/s ÷ Hugo pages/s): %.2f×\n", (np / nt) / (hp / ht)
  printf "wall-time ratio for the same procedures (Hugo ÷ niemyet; niemyet also writes boards, search and data): %.2f×\n", ht / nt }'
rm -rf "$W"
