//! Transparency: results files and their mistakes, the results pages with their totals and
//! rates, the "What changed" page and Atom feed, and the open data files read back against the
//! content they were built from.

mod common;
use common::SiteTest;
use std::collections::HashMap;

const H1: &str = "period: {from: 2019-01-01, to: 2019-06-30, label: 6 tháng đầu năm 2019}\nrows:\n";

/// Drop `tests/fixtures/results_mistakes/<name>.yaml` into the minimal site as a results file
/// and run `niemyet check`: exit 1, the error at `file:line:col`, each needle in the output.
fn expect_error(name: &str, line_col: &str, needles: &[&str]) {
    let t = SiteTest::fixture("minimal");
    let text = std::fs::read_to_string(
        common::repo().join(format!("tests/fixtures/results_mistakes/{name}.yaml")),
    )
    .unwrap();
    let rel = format!("content/results/{name}.yaml");
    t.write(&rel, &text);
    if name == "overlapping_period" {
        t.write(
            "content/results/2019-h1.yaml",
            &format!("{H1}  - {{unit: xa-a, field: ho-tich, received: 3, resolved_on_time: 3}}\n"),
        );
    }
    let run = t.run(&["check"]);
    run.assert_code(1);
    run.assert_stderr_contains(&format!("--> {rel}:{line_col}"));
    for n in needles {
        run.assert_stderr_contains(n);
    }
}

#[test]
fn negative_count() {
    expect_error(
        "negative_count",
        "3:44",
        &["`rows[0].received`", "cannot be negative"],
    );
}

#[test]
fn fractional_count() {
    expect_error(
        "fractional_count",
        "3:44",
        &[
            "must be a whole number of dossiers, not a fraction",
            "not `5.343`",
        ],
    );
}

#[test]
fn count_written_in_words() {
    expect_error("text_count", "3:44", &["found the text \"mười hai\""]);
}

#[test]
fn more_resolved_than_received() {
    // The first row (100 received, 95 accounted for) is fine; the second is not.
    expect_error(
        "too_many_resolved",
        "4:5",
        &[
            "`rows[1]`: this row accounts for 13 dossiers",
            "only 12 were received or carried over",
            "cannot exceed received + carried_over",
        ],
    );
}

#[test]
fn unknown_unit_suggests_one() {
    expect_error(
        "unknown_unit",
        "3:12",
        &["unknown unit `xa-c`", "did you mean `xa-b`?"],
    );
}

#[test]
fn unknown_field_suggests_one() {
    expect_error(
        "unknown_field",
        "3:25",
        &["unknown field `hotich`", "did you mean `ho-tich`?"],
    );
}

#[test]
fn period_ending_before_it_starts() {
    expect_error(
        "from_after_to",
        "1:32",
        &["`period.to`: the period ends (01/01/2019) before it starts (30/06/2019)"],
    );
}

#[test]
fn two_rows_for_one_counter_and_field() {
    expect_error(
        "duplicate_row",
        "4:5",
        &["the counter `xa-a` already has a row for the field `ho-tich` in this period (line 3)"],
    );
}

#[test]
fn overlapping_periods_name_the_other_file() {
    expect_error(
        "overlapping_period",
        "1:16",
        &[
            "overlaps the one in content/results/2019-h1.yaml (01/01/2019 – 30/06/2019)",
            "periods must not overlap",
        ],
    );
}

#[test]
fn misspelt_key_is_reported_once() {
    let t = SiteTest::fixture("minimal");
    t.write(
        "content/results/k.yaml",
        &std::fs::read_to_string(
            common::repo().join("tests/fixtures/results_mistakes/unknown_key.yaml"),
        )
        .unwrap(),
    );
    let run = t.run(&["check"]);
    run.assert_code(1)
        .assert_stderr_contains("--> content/results/k.yaml:3:34")
        .assert_stderr_contains("unknown key `recieved`")
        .assert_stderr_contains("did you mean `received`?");
    // The unreadable count does not also trip the sum check.
    assert!(!run.stderr.contains("accounts for"), "{}", run.stderr);
}

#[test]
fn received_by_channel_keys_are_checked() {
    expect_error(
        "unknown_channel",
        "3:56",
        &["unknown key `in_persn`", "did you mean `in_person`?"],
    );
}

#[test]
fn missing_period() {
    expect_error("missing_period", "1:1", &["missing required key `period`"]);
}

#[test]
fn impossible_date() {
    expect_error("bad_date", "1:16", &["February 2019 has 28 days"]);
}

/// Two periods in the minimal site: one with dossiers, one with none at all.
fn site_with_results() -> SiteTest {
    let t = SiteTest::fixture("minimal");
    t.write(
        "content/results/2019-h1.yaml",
        &format!(
            "{H1}  - {{unit: xa-a, field: ho-tich, received: {{online: 10, in_person: 80, postal: 0}}, resolved_on_time: 80, resolved_late: 5, in_progress: 5}}\n  - {{unit: xa-b, field: dat-dai, received: 30, resolved_early: 10, resolved_on_time: 20}}\n  - {{unit: huyen, field: dat-dai, received: 12, in_progress: 12}}\nnotes: Ghi chú **kỳ này**.\n"
        ),
    );
    t.write(
        "content/results/2019-h2.yaml",
        "period: {from: 2019-07-01, to: 2019-12-31, label: 6 tháng cuối năm 2019}\nrows:\n  - {unit: xa-a, field: ho-tich, received: 0}\n",
    );
    t.build();
    t
}

#[test]
fn totals_and_rates_on_the_results_pages() {
    let t = site_with_results();
    // Latest period first: nothing received, so the rate is "–", never 0 % or 100 %.
    let overview = t.read("public/ket-qua/index.html");
    let h2 = overview.find("6 tháng cuối năm 2019").unwrap();
    let h1 = overview.find("6 tháng đầu năm 2019").unwrap();
    assert!(h2 < h1, "the latest period comes first");
    t.check_file_contains(
        "public/ket-qua/index.html",
        "<dt>Tỷ lệ đúng hạn</dt><dd>–</dd>",
    );
    // The earlier period: 132 dossiers, 110 on time of 115 resolved → 95,7%.
    let report = t.read("public/ket-qua/ky/2019-h1.html");
    for needle in [
        "<th scope=\"row\">Tiếp nhận mới trong kỳ</th><td class=\"num\">132</td>",
        "<th scope=\"row\">Giải quyết trước hạn</th><td class=\"num\">10</td>",
        "<td class=\"num\"><strong>95,7%</strong></td>",
        "Ghi chú <strong>kỳ này</strong>.",
    ] {
        assert!(report.contains(needle), "report lacks {needle:?}");
    }
    // Counters ranked: xa-b (100 %), xa-a (94,1 %), then huyen, whose rate is undefined.
    let b = report.find("xã B").unwrap();
    let a = report.find("xã A").unwrap();
    let h = report.find("huyện Thử</a>").unwrap();
    assert!(b < a && a < h, "ranking order");
    // A counter's history lists both periods, the empty one with "–".
    let xa_a = t.read("public/ket-qua/don-vi/xa-a.html");
    assert!(xa_a.contains("94,1%") && xa_a.contains("<strong>–</strong>"));
    assert!(xa_a.contains("<svg class=\"chart-svg\"") && xa_a.contains("role=\"img\""));
    t.check_file_contains("public/ket-qua/linh-vuc/dat-dai.html", "100%");
    // The home page shows the latest headline and leads to the overview.
    t.check_file_contains("public/index.html", "href=\"ket-qua/index.html\"")
        .check_file_contains(
            "public/index.html",
            "6 tháng cuối năm 2019: 0 hồ sơ, tỷ lệ giải quyết đúng hạn –",
        );
}

#[test]
fn results_pages_are_absent_without_results() {
    let t = SiteTest::fixture("minimal");
    t.build();
    assert!(!t.path("public/ket-qua").exists());
    t.check_file_doesnt_contain("public/index.html", "ket-qua/index.html");
    // The data files are still there, results.csv with its header only.
    assert_eq!(t.read("public/data/results.csv").lines().count(), 1);
}

#[test]
fn results_csv_matches_the_files() {
    let t = site_with_results();
    let mut rdr = csv::Reader::from_path(t.path("public/data/results.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<HashMap<String, String>> = rdr
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 4);
    let a = rows
        .iter()
        .find(|r| r["period"] == "2019-h1" && r["unit"] == "xa-a")
        .unwrap();
    assert_eq!(a["received"], "90");
    assert_eq!(a["received_online"], "10");
    assert_eq!(a["resolved_late"], "5");
    assert_eq!(a["on_time_rate"], "0.9412");
    assert_eq!(a["unit_name"], "Bộ phận một cửa xã A");
    let empty = rows.iter().find(|r| r["period"] == "2019-h2").unwrap();
    assert_eq!(empty["on_time_rate"], "");
    assert_eq!(empty["received_online"], "");
}

#[test]
fn feed_is_valid_atom_with_escaped_changes() {
    let t = SiteTest::fixture("minimal");
    let path = "content/procedures/ho-tich/cap-ban-sao-trich-luc.yaml";
    let mut text = t.read(path);
    assert!(!text.contains("history:"));
    text.push_str("history:\n  - {date: 2020-05-04, decision: \"QĐ 1 <b>&</b>\", change: \"Giảm phí <script>x</script> & **bỏ** bản sao\"}\n  - {date: 2019-01-02, decision: QĐ 2, change: Công bố.}\n");
    t.write(path, &text);
    t.build();
    let xml = t.read("public/feed.xml");
    let doc = roxmltree::Document::parse(&xml).expect("feed.xml is well-formed XML");
    let ns = "http://www.w3.org/2005/Atom";
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ns, "feed")));
    let child = |n: roxmltree::Node, name: &str| -> Option<String> {
        n.children()
            .find(|c| c.has_tag_name((ns, name)))
            .map(|c| c.text().unwrap_or("").to_string())
    };
    assert_eq!(
        child(feed, "id").unwrap(),
        "https://thu.example.vn/feed.xml"
    );
    assert!(child(feed, "title").is_some());
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((ns, "entry")))
        .collect();
    // Two changes here, one in the birth registration procedure, one abolished procedure.
    assert_eq!(entries.len(), 4);
    // The feed's date is its newest entry's, and entries come newest first.
    let dates: Vec<String> = entries
        .iter()
        .map(|e| child(*e, "updated").unwrap())
        .collect();
    assert_eq!(child(feed, "updated").unwrap(), dates[0]);
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let mut ids = std::collections::HashSet::new();
    for e in &entries {
        let id = child(*e, "id").unwrap();
        assert!(id.starts_with("https://thu.example.vn/thu-tuc/"), "{id}");
        assert!(ids.insert(id), "entry ids are unique");
        let updated = child(*e, "updated").unwrap();
        assert!(updated.parse::<jiff::Timestamp>().is_ok(), "{updated}");
        let link = e.children().find(|c| c.has_tag_name((ns, "link"))).unwrap();
        assert!(
            link.attribute("href")
                .unwrap()
                .starts_with("https://thu.example.vn/")
        );
    }
    // Newest first; the change's HTML is carried as escaped text, its script shown, not run.
    let ours = entries
        .iter()
        .find(|e| child(**e, "updated").unwrap() == "2020-05-04T00:00:00+07:00")
        .unwrap();
    let content = child(*ours, "content").unwrap();
    assert!(content.contains("<strong>bỏ</strong>"), "{content}");
    assert!(content.contains("&lt;script&gt;"), "{content}");
    assert_eq!(child(*ours, "summary").unwrap(), "QĐ 1 <b>&</b>");
    // The abolished procedure has no history: it appears on the date of its last update.
    let abolished = entries
        .iter()
        .find(|e| child(**e, "title").unwrap().starts_with("[Bãi bỏ]"))
        .expect("an entry for the abolished procedure");
    assert_eq!(
        child(*abolished, "updated").unwrap(),
        "2026-08-01T00:00:00+07:00"
    );
    // The page lists the same changes and announces the feed.
    t.check_file_contains(
        "public/thay-doi.html",
        "<time datetime=\"2020-05-04\">04/05/2020</time>",
    )
    .check_file_contains("public/thay-doi.html", "type=\"application/atom+xml\"");
}

#[test]
fn no_feed_without_base_url() {
    let t = SiteTest::fixture("minimal");
    t.edit(
        "content/site.yaml",
        "base_url: https://thu.example.vn/\n",
        "",
    );
    t.build();
    assert!(!t.path("public/feed.xml").exists());
    t.check_file_doesnt_contain("public/thay-doi.html", "feed.xml");
}

#[test]
fn abolished_procedures_appear_with_their_date() {
    let t = SiteTest::example();
    t.build();
    let page = t.read("public/thay-doi.html");
    let at = page
        .find("<time datetime=\"2018-09-17\">17/09/2018</time>")
        .expect("dated entry");
    let rest = &page[at..at + page[at..].find("</li>").unwrap()];
    assert!(rest.contains("Bãi bỏ"), "{rest}");
    let xml = t.read("public/feed.xml");
    roxmltree::Document::parse(&xml).expect("the example's feed parses");
}

fn opt<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    v[key].as_str()
}

#[test]
fn procedures_json_round_trips_the_yaml() {
    let t = SiteTest::example();
    t.build();
    let json: serde_json::Value =
        serde_json::from_str(&t.read("public/data/procedures.json")).unwrap();
    assert_eq!(json["format"], "niemyet-procedures");
    assert_eq!(json["licence"]["name"], "CC BY 4.0");
    let (content, diags) = niemyet::load::load(&t.path("content"), t.dir.path());
    assert!(!diags.has_errors());
    let content = content.unwrap();
    let records = json["procedures"].as_array().unwrap();
    assert_eq!(records.len(), content.procedures.len());
    let by_code: HashMap<&str, &serde_json::Value> = records
        .iter()
        .map(|r| (r["code"].as_str().unwrap(), r))
        .collect();
    let date = |d: Option<jiff::civil::Date>| d.map(niemyet::format::date_iso);
    for p in &content.procedures {
        let r = by_code[p.code.value.as_str()];
        let ctx = p.code.value.as_str();
        assert_eq!(r["title"], p.title.as_str(), "{ctx}");
        assert_eq!(r["field"], p.field.value.as_str(), "{ctx}");
        assert_eq!(r["level"], p.level.value.as_str(), "{ctx}");
        let units: Vec<&str> = p.units.iter().map(|u| u.value.as_str()).collect();
        assert_eq!(r["units"], serde_json::json!(units), "{ctx}");
        assert_eq!(r["audience"], serde_json::json!(p.audience), "{ctx}");
        assert_eq!(r["keywords"], serde_json::json!(p.keywords), "{ctx}");
        assert_eq!(opt(r, "summary"), p.summary.as_deref(), "{ctx}");
        assert_eq!(r["steps"], serde_json::json!(p.steps), "{ctx}");
        assert_eq!(opt(r, "requirements"), p.requirements.as_deref(), "{ctx}");
        assert_eq!(r["result"], p.result.as_str());
        assert_eq!(r["agency"], p.agency.as_str());
        assert_eq!(
            opt(r, "effective").map(String::from),
            date(p.effective),
            "{ctx}"
        );
        assert_eq!(
            opt(r, "updated").map(String::from),
            date(p.updated.as_ref().map(|d| d.value)),
            "{ctx}"
        );
        assert_eq!(
            r["status"],
            if p.status == niemyet::model::Status::Active {
                "active"
            } else {
                "abolished"
            }
        );
        let channels = r["channels"].as_array().unwrap();
        assert_eq!(channels.len(), p.channels.len(), "{ctx}");
        for (c, m) in channels.iter().zip(&p.channels) {
            assert_eq!(c["method"], m.method.id());
            // Durations are written so the loader reads them back to the same value.
            let d = niemyet::format::parse_duration(c["duration"].as_str().unwrap()).unwrap();
            assert_eq!(d, m.duration, "{ctx}");
            let max = opt(c, "duration_max").map(|s| niemyet::format::parse_duration(s).unwrap());
            assert_eq!(max, m.duration_max, "{ctx}");
            assert_eq!(opt(c, "duration_note"), m.duration_note.as_deref());
            let fees = c["fees"].as_array().unwrap();
            assert_eq!(fees.len(), m.fees.len());
            for (f, mf) in fees.iter().zip(&m.fees) {
                assert_eq!(f["name"], mf.name.as_str());
                assert_eq!(f["amount"].as_u64(), mf.amount, "{ctx}");
                assert_eq!(f["max"].as_u64(), mf.max);
                assert_eq!(f["from"].as_u64(), mf.from.map(u64::from));
                assert_eq!(opt(f, "per"), mf.per.as_deref());
                assert_eq!(opt(f, "basis"), mf.basis.as_deref());
            }
        }
        let docs = r["documents"].as_array().unwrap();
        assert_eq!(docs.len(), p.documents.len(), "{ctx}");
        for (d, md) in docs.iter().zip(&p.documents) {
            assert_eq!(d["name"], md.name.as_str());
            assert_eq!(opt(d, "form"), md.form.as_ref().map(|f| f.value.as_str()));
            assert_eq!(d["originals"].as_u64(), Some(u64::from(md.originals)));
            assert_eq!(d["copies"].as_u64(), Some(u64::from(md.copies)));
            assert_eq!(opt(d, "condition"), md.condition.as_deref());
        }
        let acts = r["legal_basis"].as_array().unwrap();
        assert_eq!(acts.len(), p.legal_basis.len());
        for (a, ma) in acts.iter().zip(&p.legal_basis) {
            assert_eq!(a["number"], ma.number.as_str());
            assert_eq!(opt(a, "issued").map(String::from), date(ma.issued));
        }
        let history = r["history"].as_array().unwrap();
        assert_eq!(history.len(), p.history.len());
        for (h, mh) in history.iter().zip(&p.history) {
            assert_eq!(opt(h, "date").map(String::from), date(Some(mh.date)));
            assert_eq!(h["change"], mh.change.as_str());
        }
        assert_eq!(r["online"].is_null(), p.online.is_none());
        // Every record has its page, which exists, and its absolute address.
        let url = r["url"].as_str().unwrap();
        assert!(t.path(&format!("public/{url}")).is_file(), "{url}");
        assert_eq!(
            r["page_url"],
            format!("https://thutuc.ngangam.example.vn/{url}")
        );
        assert!(!r["counters"].as_array().unwrap().is_empty() || p.level.value == "province");
    }
}

#[test]
fn procedures_csv_round_trips_the_yaml() {
    let t = SiteTest::example();
    t.build();
    let (content, _) = niemyet::load::load(&t.path("content"), t.dir.path());
    let content = content.unwrap();
    let mut rdr = csv::Reader::from_path(t.path("public/data/procedures.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    for col in [
        "code",
        "title",
        "field",
        "level",
        "counters",
        "shortest_duration",
        "fee",
        "fee_vnd",
        "online_level",
        "updated",
    ] {
        assert!(header.iter().any(|h| h == col), "missing column {col}");
    }
    let rows: Vec<HashMap<String, String>> = rdr
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), content.procedures.len());
    for p in &content.procedures {
        let row = rows
            .iter()
            .find(|r| r["code"] == p.code.value)
            .expect("a row per procedure");
        assert_eq!(row["title"], p.title);
        assert_eq!(row["field"], p.field.value);
        assert_eq!(row["level"], p.level.value);
        assert_eq!(
            row["updated"],
            p.updated
                .as_ref()
                .map(|d| niemyet::format::date_iso(d.value))
                .unwrap_or_default()
        );
        let online = p.online.as_ref().map_or("", |o| match o.level {
            niemyet::model::OnlineLevel::Full => "full",
            niemyet::model::OnlineLevel::Partial => "partial",
        });
        assert_eq!(row["online_level"], online);
        if !p.units.is_empty() {
            let units: Vec<&str> = p.units.iter().map(|u| u.value.as_str()).collect();
            assert_eq!(row["counters"], units.join(";"));
        }
    }
    // A fee of fixed amounts reads as a number; certified copies (per page, tiered) do not.
    let extract = rows.iter().find(|r| r["code"] == "2.000635").unwrap();
    assert_eq!(extract["fee_vnd"], "8000");
    let copy = rows.iter().find(|r| r["code"] == "2.000815").unwrap();
    assert_eq!(copy["fee_vnd"], "");
}

#[test]
fn example_results_carry_the_2019_report() {
    let t = SiteTest::example();
    t.build();
    let mut rdr = csv::Reader::from_path(t.path("public/data/results.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (mut town, mut communes) = ([0u64; 4], [0u64; 2]);
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if &rec[col("period")] != "2019-h1" {
            continue;
        }
        let n = |c: &str| rec[col(c)].parse::<u64>().unwrap();
        if &rec[col("unit")] == "thi-xa-nga-nam" {
            town[0] += n("received");
            town[1] += n("resolved_on_time");
            town[2] += n("in_progress");
            town[3] += n("resolved_late");
        } else {
            communes[0] += n("received");
            communes[1] += n("resolved_on_time") + n("resolved_early");
        }
    }
    assert_eq!(town, [5343, 4817, 526, 0]);
    assert_eq!(communes, [24253, 24253]);
    t.check_file_contains("public/ket-qua/ky/2019-h1.html", "5.343");
}

#[test]
fn data_page_links_every_file_with_its_licence() {
    let t = SiteTest::fixture("minimal");
    let site = t.read("content/site.yaml");
    t.write(
        "content/site.yaml",
        &format!("{site}data_licence: {{name: Giấy phép dữ liệu mở Việt Nam, url: https://data.example.vn/licence}}\n"),
    );
    t.build();
    for f in [
        "data/procedures.json",
        "data/procedures.csv",
        "data/results.csv",
        "data/procedure.schema.json",
    ] {
        t.check_file_contains("public/du-lieu.html", &format!("href=\"{f}\""));
        assert!(t.path(&format!("public/{f}")).is_file(), "{f}");
    }
    t.check_file_contains("public/du-lieu.html", "<a href=\"https://data.example.vn/licence\" rel=\"license\">Giấy phép dữ liệu mở Việt Nam</a>");
    let schema: serde_json::Value =
        serde_json::from_str(&t.read("public/data/procedure.schema.json")).unwrap();
    assert_eq!(schema, niemyet::schema::procedure_schema());
    let json: serde_json::Value =
        serde_json::from_str(&t.read("public/data/procedures.json")).unwrap();
    assert_eq!(json["licence"]["name"], "Giấy phép dữ liệu mở Việt Nam");
}

#[test]
fn unaccounted_dossiers_are_a_warning() {
    let t = SiteTest::fixture("minimal");
    t.write(
        "content/results/2019-h1.yaml",
        &format!("{H1}  - {{unit: xa-a, field: ho-tich, received: 10, resolved_on_time: 8}}\n"),
    );
    t.run(&["check"])
        .assert_code(0)
        .assert_stderr_contains("--> content/results/2019-h1.yaml:3:5")
        .assert_stderr_contains(
            "2 of the 10 dossiers received or carried over are not accounted for",
        );
    t.run(&["check", "--strict"]).assert_code(1);
}

#[test]
fn csv_files_open_in_spreadsheets() {
    let t = SiteTest::fixture("minimal");
    t.build();
    for f in ["public/data/procedures.csv", "public/data/results.csv"] {
        let bytes = std::fs::read(t.path(f)).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "{f} starts with a UTF-8 BOM"
        );
    }
}

/// The catalogue files are written record by record as they are made; a rebuild still keeps an
/// unchanged file as it was (the same file, hard-linked: its mtime stays, rsync stays quiet)
/// and rewrites one that changed, longer or shorter.
#[test]
fn a_rebuild_keeps_the_unchanged_catalogue_and_rewrites_a_changed_one() {
    use std::os::unix::fs::MetadataExt;
    let t = SiteTest::fixture("minimal");
    let inode = |rel: &str| std::fs::metadata(t.path(rel)).unwrap().ino();
    let records = |t: &SiteTest| {
        let json: serde_json::Value =
            serde_json::from_str(&t.read("public/data/procedures.json")).unwrap();
        json["procedures"].as_array().unwrap().len()
    };
    t.build();
    let (json, csv) = (
        inode("public/data/procedures.json"),
        inode("public/data/procedures.csv"),
    );
    assert_eq!(records(&t), 3);
    t.build().assert_stdout_contains("unchanged)");
    assert_eq!(inode("public/data/procedures.json"), json);
    assert_eq!(inode("public/data/procedures.csv"), csv);

    t.edit(
        "content/procedures/ho-tich/dang-ky-khai-sinh.yaml",
        "title: Đăng ký khai sinh",
        "title: Đăng ký khai sinh cho trẻ em",
    );
    t.build();
    assert_ne!(inode("public/data/procedures.json"), json);
    t.check_file_contains(
        "public/data/procedures.json",
        "Đăng ký khai sinh cho trẻ em",
    );
    t.check_file_contains("public/data/procedures.csv", "Đăng ký khai sinh cho trẻ em");

    // Shorter than before: the old file's extra bytes do not make it "unchanged".
    t.remove("content/procedures/dat-dai/cap-giay-chung-nhan.yaml");
    t.build();
    assert_eq!(records(&t), 2);
}
