//! Open data: the catalogue and the results as files anyone can reuse, and a page that lists
//! them with their licence. `data/procedures.json` holds every field of every procedure file
//! (the format is documented in the README, "Open data"); the CSV files hold the columns people
//! filter on; `data/procedure.schema.json` is `niemyet schema`.

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use tera::Context;

use super::{OutputFile, RenderContext, RenderError};
use crate::format::{self, Lang};
use crate::model::*;
use crate::results::Rate;
use crate::site::{SiteProcedure, paths};

/// Bumped when a key changes meaning or disappears; adding keys keeps it.
pub const FORMAT_VERSION: u32 = 1;

pub fn render(ctx: &RenderContext) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    let err = |what: &str, e: String| {
        vec![RenderError {
            what: what.into(),
            message: e,
        }]
    };
    // Each file is handed on as soon as it is made (the catalogue's are tens of MB and written
    // record by record, never joined); the page keeps only their sizes. A partial rebuild
    // (`serve`) hands on only the files that can have changed: the results and the schema
    // depend on no procedure.
    let mut out: Vec<OutputFile> = Vec::new();
    let mut sizes: Vec<(&'static str, u64)> = Vec::new();
    // Hands a file on; returns its size.
    let mut put =
        |path: &'static str, file: Joined, changed: bool| -> Result<u64, Vec<RenderError>> {
            let parts = file.parts();
            if changed || ctx.is_full() {
                out.extend(ctx.emit_parts(path, &parts).map_err(|e| vec![e])?);
            }
            Ok(parts.iter().map(|p| p.len() as u64).sum())
        };
    if ctx.streams() {
        // A build: the records are made a batch at a time and written as they come.
        let head = json_head(ctx).map_err(|e| err(paths::DATA_JSON, e))?;
        let json = |i| json_record(ctx, i);
        let size = stream_records(ctx, paths::DATA_JSON, (&head, b",", b"]}"), json)
            .map_err(|e| vec![e])?;
        sizes.push((paths::DATA_JSON, size));
        let head = csv_head().map_err(|e| err(paths::DATA_CSV, e.to_string()))?;
        let csv = |i| csv_record(ctx, i);
        let size =
            stream_records(ctx, paths::DATA_CSV, (&head, b"", b""), csv).map_err(|e| vec![e])?;
        sizes.push((paths::DATA_CSV, size));
    } else {
        let (records, changed) = records(ctx);
        let json = procedures_json(ctx, records.json.clone())
            .map_err(|e| err(paths::DATA_JSON, e.to_string()))?;
        sizes.push((paths::DATA_JSON, put(paths::DATA_JSON, json, changed.0)?));
        let csv =
            procedures_csv(records.csv.clone()).map_err(|e| err(paths::DATA_CSV, e.to_string()))?;
        sizes.push((paths::DATA_CSV, put(paths::DATA_CSV, csv, changed.1)?));
        ctx.keep_state(STATE, records);
    }
    let results = results_csv(ctx).map_err(|e| err(paths::DATA_RESULTS_CSV, e.to_string()))?;
    let size = put(paths::DATA_RESULTS_CSV, Joined::whole(results), false)?;
    sizes.push((paths::DATA_RESULTS_CSV, size));
    let schema = serde_json::to_vec_pretty(&crate::schema::procedure_schema())
        .map_err(|e| err(paths::DATA_SCHEMA, e.to_string()))?;
    let size = put(paths::DATA_SCHEMA, Joined::whole(schema), false)?;
    sizes.push((paths::DATA_SCHEMA, size));

    #[derive(Serialize)]
    struct FileRow {
        url: &'static str,
        name: String,
        description: String,
        size: String,
    }
    let t = |k: &str| ctx.engine.i18n.t(k).to_string();
    let rows: Vec<FileRow> = sizes
        .iter()
        .map(|&(path, size)| {
            let key = path.trim_start_matches("data/").replace('.', "_");
            FileRow {
                url: path,
                name: path.trim_start_matches("data/").to_string(),
                description: t(&format!("data.{key}")),
                size: crate::views::form_label(path, size).1,
            }
        })
        .collect();
    let mut c = Context::new();
    c.insert("title", &t("data.title"));
    c.insert("files", &rows);
    c.insert("licence", &ctx.site.content.site.data_licence);
    let page = ctx
        .engine
        .render("data.html", paths::DATA, c)
        .map_err(|e| vec![e])?;
    out.push(page);
    Ok(out)
}

type Record = std::sync::Arc<Result<Vec<u8>, String>>;

const STATE: &str = "data";

/// Each procedure's record in `procedures.json` and row in `procedures.csv`, by place in the
/// site order. Each depends on its procedure alone: `serve` keeps them between rebuilds and,
/// while every procedure stays in its place, recomputes only those of the changed ones.
struct Records {
    json: Vec<Record>,
    csv: Vec<Record>,
}

/// Every file of the open data, whatever the content.
pub fn paths(_: &RenderContext) -> Vec<String> {
    [
        paths::DATA_JSON,
        paths::DATA_CSV,
        paths::DATA_RESULTS_CSV,
        paths::DATA_SCHEMA,
        paths::DATA,
    ]
    .map(String::from)
    .to_vec()
}

/// The records, and whether any record of the JSON and of the CSV file can differ from the
/// previous build's.
fn records(ctx: &RenderContext) -> (Records, (bool, bool)) {
    let site = ctx.site;
    let json = |i: usize| ctx.fragment("data.json", i, || json_record(ctx, i));
    let csv = |i: usize| ctx.fragment("data.csv", i, || csv_record(ctx, i));
    if let (Some(mut kept), Some(scope)) = (ctx.take_state::<Records>(STATE), &ctx.scope)
        && kept.json.len() == site.procedures.len()
    {
        let mut changed = (false, false);
        for &i in &scope.procedures {
            let (j, c) = (json(i), csv(i));
            changed.0 |= j != kept.json[i];
            changed.1 |= c != kept.csv[i];
            kept.json[i] = j;
            kept.csv[i] = c;
        }
        return (kept, changed);
    }
    let (json, csv) = (0..site.procedures.len())
        .into_par_iter()
        .map(|i| (json(i), csv(i)))
        .unzip();
    (Records { json, csv }, (true, true))
}

/// Procedure `i`'s record in `procedures.json`.
fn json_record(ctx: &RenderContext, i: usize) -> Result<Vec<u8>, String> {
    serde_json::to_vec(&procedure_record(ctx, &ctx.site.procedures[i])).map_err(|e| e.to_string())
}

/// Procedure `i`'s row in `procedures.csv`.
fn csv_record(ctx: &RenderContext, i: usize) -> Result<Vec<u8>, String> {
    procedure_csv_row(ctx, i).map_err(|e| e.to_string())
}

/// A file as a head, records (each checked `Ok`) separated by `sep`, and a tail.
struct Joined {
    head: Vec<u8>,
    sep: &'static [u8],
    records: Vec<Record>,
    tail: &'static [u8],
}

impl Joined {
    fn whole(data: Vec<u8>) -> Joined {
        Joined {
            head: data,
            sep: b"",
            records: Vec::new(),
            tail: b"",
        }
    }

    fn parts(&self) -> Vec<&[u8]> {
        let mut parts = Vec::with_capacity(self.records.len() * 2 + 2);
        parts.push(self.head.as_slice());
        for (i, r) in self.records.iter().enumerate() {
            if i > 0 && !self.sep.is_empty() {
                parts.push(self.sep);
            }
            parts.push(r.as_ref().as_deref().unwrap_or_default());
        }
        parts.push(self.tail);
        parts
    }
}

/// The canonical text of a duration (`3 working days`, `Same day`): `parse_duration` reads it
/// back to the same value.
pub fn duration_text(d: &format::Duration) -> String {
    d.display(Lang::En)
}

/// One procedure as a JSON object: the keys of the YAML file, every key present (`null` or `[]`
/// when absent), plus the resolved counters and the page's address. Borrowed from the model and
/// serialised directly, so a national catalogue does not pass through a `Value` tree.
#[derive(Serialize)]
pub struct ProcedureRecord<'a> {
    code: &'a str,
    title: &'a str,
    field: &'a str,
    field_name: &'a str,
    level: &'a str,
    level_name: &'a str,
    units: Vec<&'a str>,
    counters: Vec<&'a str>,
    audience: &'a [String],
    keywords: &'a [String],
    summary: Option<&'a str>,
    steps: &'a [String],
    channels: Vec<ChannelRecord<'a>>,
    documents: Vec<DocumentRecord<'a>>,
    requirements: Option<&'a str>,
    result: &'a str,
    agency: &'a str,
    legal_basis: Vec<LegalRecord<'a>>,
    online: Option<OnlineRecord<'a>>,
    status: &'static str,
    effective: Option<String>,
    updated: Option<String>,
    history: Vec<ChangeRecord<'a>>,
    url: &'a str,
    page_url: Option<String>,
}

#[derive(Serialize)]
struct ChannelRecord<'a> {
    method: &'static str,
    duration: String,
    duration_max: Option<String>,
    duration_note: Option<&'a str>,
    fees: &'a [Fee],
}

#[derive(Serialize)]
struct DocumentRecord<'a> {
    name: &'a str,
    form: Option<&'a str>,
    originals: u32,
    copies: u32,
    kind: &'static str,
    condition: Option<&'a str>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct LegalRecord<'a> {
    number: &'a str,
    title: &'a str,
    issued: Option<String>,
    issuer: Option<&'a str>,
}

#[derive(Serialize)]
struct OnlineRecord<'a> {
    level: &'static str,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct ChangeRecord<'a> {
    date: String,
    decision: &'a str,
    change: &'a str,
}

pub fn procedure_record<'a>(ctx: &'a RenderContext, sp: &'a SiteProcedure) -> ProcedureRecord<'a> {
    let p = sp.p;
    let site = ctx.site;
    let iso = |d: Option<jiff::civil::Date>| d.map(format::date_iso);
    ProcedureRecord {
        code: &p.code.value,
        title: &p.title,
        field: &p.field.value,
        field_name: &site.fields[sp.field].f.name,
        level: &p.level.value,
        level_name: &site.levels[sp.level].l.name,
        units: p.units.iter().map(|u| u.value.as_str()).collect(),
        counters: sp
            .units
            .iter()
            .map(|&u| site.units[u].u.id.as_str())
            .collect(),
        audience: &p.audience,
        keywords: &p.keywords,
        summary: p.summary.as_deref(),
        steps: &p.steps,
        channels: p
            .channels
            .iter()
            .map(|c| ChannelRecord {
                method: c.method.id(),
                duration: duration_text(&c.duration),
                duration_max: c.duration_max.as_ref().map(duration_text),
                duration_note: c.duration_note.as_deref(),
                fees: &c.fees,
            })
            .collect(),
        documents: p
            .documents
            .iter()
            .map(|d| DocumentRecord {
                name: &d.name,
                form: d.form.as_ref().map(|f| f.value.as_str()),
                originals: d.originals,
                copies: d.copies,
                kind: match d.kind {
                    DocumentKind::Submit => "submit",
                    DocumentKind::Show => "show",
                },
                condition: d.condition.as_deref(),
                note: d.note.as_deref(),
            })
            .collect(),
        requirements: p.requirements.as_deref(),
        result: &p.result,
        agency: &p.agency,
        legal_basis: p
            .legal_basis
            .iter()
            .map(|a| LegalRecord {
                number: &a.number,
                title: &a.title,
                issued: iso(a.issued),
                issuer: a.issuer.as_deref(),
            })
            .collect(),
        online: p.online.as_ref().map(|o| OnlineRecord {
            level: match o.level {
                OnlineLevel::Full => "full",
                OnlineLevel::Partial => "partial",
            },
            url: o.url.as_deref(),
        }),
        status: match p.status {
            Status::Active => "active",
            Status::Abolished => "abolished",
        },
        effective: iso(p.effective),
        updated: iso(p.updated.as_ref().map(|d| d.value)),
        history: p
            .history
            .iter()
            .map(|h| ChangeRecord {
                date: format::date_iso(h.date),
                decision: &h.decision,
                change: &h.change,
            })
            .collect(),
        url: &sp.url,
        page_url: site
            .content
            .site
            .base_url
            .as_deref()
            .map(|b| format!("{b}{}", sp.url)),
    }
}

/// `{format, version, title, authority, licence, procedures: [...]}`, the records joined.
/// The catalogue's records in batches, written as each batch is made, between `head` and
/// `tail` and separated by `sep`; returns the file's size.
fn stream_records(
    ctx: &RenderContext,
    path: &str,
    (head, sep, tail): (&[u8], &[u8], &[u8]),
    record: impl Fn(usize) -> Result<Vec<u8>, String> + Sync,
) -> Result<u64, RenderError> {
    // Large enough to keep both cores busy, small enough to stay a few MB.
    const BATCH: usize = 512;
    let mut file = ctx.stream(path)?;
    file.write(head)?;
    let n = ctx.site.procedures.len();
    for start in (0..n).step_by(BATCH) {
        let batch: Vec<Result<Vec<u8>, String>> = (start..n.min(start + BATCH))
            .into_par_iter()
            .map(&record)
            .collect();
        for (k, r) in batch.into_iter().enumerate() {
            let r = r.map_err(|message| RenderError {
                what: path.to_string(),
                message,
            })?;
            if start + k > 0 {
                file.write(sep)?;
            }
            file.write(&r)?;
        }
    }
    file.write(tail)?;
    file.finish()
}

/// `procedures.json` up to its first record.
fn json_head(ctx: &RenderContext) -> Result<Vec<u8>, String> {
    let c = &ctx.site.content.site;
    let mut head = serde_json::to_vec(&json!({
        "format": "niemyet-procedures",
        "version": FORMAT_VERSION,
        "title": c.title,
        "authority": c.authority,
        "licence": c.data_licence,
    }))
    .map_err(|e| e.to_string())?;
    // The head is an object: reopen it to add the list.
    head.pop();
    head.extend_from_slice(b",\"procedures\":[");
    Ok(head)
}

/// `procedures.csv` up to its first row: the byte-order mark (for Excel) and the header.
fn csv_head() -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(BOM.to_vec());
    w.write_record(PROCEDURES_CSV_HEADER)?;
    w.into_inner().map_err(|e| e.into_error().into())
}

fn procedures_json(ctx: &RenderContext, records: Vec<Record>) -> Result<Joined, String> {
    let head = json_head(ctx)?;
    if let Some(Err(e)) = records.iter().map(|r| r.as_ref()).find(|r| r.is_err()) {
        return Err(e.clone());
    }
    Ok(Joined {
        head,
        sep: b",",
        records,
        tail: b"]}",
    })
}

/// The fixed amount of one case in the first channel: the sum of its fees when each has an
/// amount and none is a tier (`from`); `None` when the fee depends on the case.
pub fn fee_vnd(p: &Procedure) -> Option<u64> {
    let fees = &p.channels.first()?.fees;
    fees.iter()
        .try_fold(0u64, |sum, f| match (f.amount, f.from) {
            (Some(a), None) => Some(sum + a),
            _ => None,
        })
}

pub const PROCEDURES_CSV_HEADER: [&str; 14] = [
    "code",
    "title",
    "field",
    "field_name",
    "level",
    "level_name",
    "counters",
    "shortest_duration",
    "fee",
    "fee_vnd",
    "online_level",
    "status",
    "updated",
    "url",
];

/// A UTF-8 byte-order mark: without it, spreadsheet programs on Windows read the Vietnamese
/// letters of a CSV file as another encoding.
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn procedures_csv(rows: Vec<Record>) -> Result<Joined, csv::Error> {
    let head = csv_head()?;
    if let Some(Err(e)) = rows.iter().map(|r| r.as_ref()).find(|r| r.is_err()) {
        return Err(std::io::Error::other(e.clone()).into());
    }
    Ok(Joined {
        head,
        sep: b"",
        records: rows,
        tail: b"",
    })
}

/// One procedure's row of `procedures.csv`, as bytes.
fn procedure_csv_row(ctx: &RenderContext, i: usize) -> Result<Vec<u8>, csv::Error> {
    let site = ctx.site;
    let sp = &site.procedures[i];
    let p = sp.p;
    let row = &ctx.rows[i];
    let counters: Vec<&str> = sp
        .units
        .iter()
        .map(|&u| site.units[u].u.id.as_str())
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        p.code.value.as_str(),
        &p.title,
        &p.field.value,
        &site.fields[sp.field].f.name,
        &p.level.value,
        &site.levels[sp.level].l.name,
        &counters.join(";"),
        &row.duration,
        &row.fee,
        &fee_vnd(p).map(|a| a.to_string()).unwrap_or_default(),
        p.online.as_ref().map_or("", |o| match o.level {
            OnlineLevel::Full => "full",
            OnlineLevel::Partial => "partial",
        }),
        match p.status {
            Status::Active => "active",
            Status::Abolished => "abolished",
        },
        &p.updated
            .as_ref()
            .map(|d| format::date_iso(d.value))
            .unwrap_or_default(),
        &sp.url,
    ])?;
    w.into_inner().map_err(|e| e.into_error().into())
}

pub fn results_csv_header() -> Vec<&'static str> {
    let mut h = vec![
        "period",
        "from",
        "to",
        "label",
        "unit",
        "unit_name",
        "field",
        "field_name",
    ];
    h.extend(Counts::NAMES);
    h.extend([
        "received_online",
        "received_in_person",
        "received_postal",
        "on_time_rate",
    ]);
    h
}

/// One row per period, counter and field, as in the files; the rate is a decimal (0.985) and
/// empty when undefined.
fn results_csv(ctx: &RenderContext) -> Result<Vec<u8>, csv::Error> {
    let content = ctx.site.content;
    let mut w = csv::Writer::from_writer(BOM.to_vec());
    w.write_record(results_csv_header())?;
    for period in content.results.iter().rev() {
        for row in &period.rows {
            let unit = content.units.iter().find(|u| u.id == row.unit.value);
            let field = content.fields.iter().find(|f| f.id == row.field.value);
            let mut rec: Vec<String> = vec![
                period.slug.clone(),
                format::date_iso(period.from.value),
                format::date_iso(period.to.value),
                period.label.clone(),
                row.unit.value.clone(),
                unit.map(|u| u.name.clone()).unwrap_or_default(),
                row.field.value.clone(),
                field.map(|f| f.name.clone()).unwrap_or_default(),
            ];
            rec.extend(row.counts.values().iter().map(u64::to_string));
            match row.received_by {
                Some(b) => rec.extend([b.online, b.in_person, b.postal].map(|v| v.to_string())),
                None => rec.extend([String::new(), String::new(), String::new()]),
            }
            let rate = Rate::of(&row.counts);
            rec.push(
                rate.percent()
                    .map(|_| format!("{:.4}", rate.on_time as f64 / rate.base as f64))
                    .unwrap_or_default(),
            );
            w.write_record(&rec)?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
