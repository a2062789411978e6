//! The notice boards: what a counter prints for its wall, and `niemyet boards`.

mod common;
use common::SiteTest;

/// Procedure codes shown on a board page (`Mã thủ tục: <strong>CODE</strong>` on sheets,
/// `<td class="code">CODE</td>` on list boards).
fn codes(html: &str, marker: &str, end: &str) -> Vec<String> {
    html.split(marker)
        .skip(1)
        .filter_map(|s| s.split(end).next())
        .map(str::to_string)
        .collect()
}

fn sheet_codes(html: &str) -> Vec<String> {
    codes(html, "Mã thủ tục: <strong>", "</strong>")
}

fn list_codes(html: &str) -> Vec<String> {
    codes(html, "<td class=\"code\">", "</td>")
}

/// The documents a counter's index says make its whole wall set (`<ol class="boards wall">`),
/// as paths under `public/`.
fn wall_documents(t: &SiteTest, unit: &str) -> Vec<String> {
    let index = t.read(&format!("public/boards/{unit}/index.html"));
    let wall = index
        .split("<ol class=\"boards wall\">")
        .nth(1)
        .and_then(|s| s.split("</ol>").next())
        .unwrap_or_else(|| panic!("{unit}/index.html lists no wall set"));
    wall.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|href| match href.strip_prefix("../../") {
            Some(rel) => format!("public/{rel}"),
            None => format!("public/boards/{unit}/{href}"),
        })
        .collect()
}

/// Every sheet the wall set of `unit` prints, document by document, checked against its list
/// board: each listed procedure exactly once. Returns the documents.
fn check_wall_covers_the_list(t: &SiteTest, unit: &str) -> Vec<String> {
    let docs = wall_documents(t, unit);
    assert_eq!(
        docs[0],
        format!("public/boards/{unit}/print.html"),
        "{unit}: own file first"
    );
    let mut printed: Vec<String> = docs.iter().flat_map(|d| sheet_codes(&t.read(d))).collect();
    let mut listed = list_codes(&t.read(&format!("public/boards/{unit}/danh-muc.html")));
    printed.sort();
    listed.sort();
    assert_eq!(
        printed, listed,
        "{unit}: every listed procedure printed exactly once"
    );
    docs
}

#[test]
fn every_counter_of_the_example_gets_its_boards() {
    let t = SiteTest::example();
    t.run(&["build", "--posting-date", "2026-11-20"])
        .assert_code(0);
    let units = t.read("content/units.yaml");
    let ids: Vec<&str> = units
        .lines()
        .filter_map(|l| l.strip_prefix("- id: "))
        .collect();
    assert_eq!(ids.len(), 9);
    let index = t.read("public/boards/index.html");
    for id in &ids {
        for file in ["index.html", "danh-muc.html", "print.html"] {
            assert!(
                t.path(&format!("public/boards/{id}/{file}")).is_file(),
                "{id}/{file}"
            );
        }
        assert!(index.contains(&format!("href=\"../boards/{id}/print.html\"")));
        // print.html: the list board and the feedback notice; the sheets are in the shared
        // set of the counter's level (every procedure of the example is posted by every
        // counter of its level), which its index names.
        let print = t.read(&format!("public/boards/{id}/print.html"));
        let listed = list_codes(&print);
        assert!(!listed.is_empty(), "{id} posts nothing");
        assert!(
            sheet_codes(&print).is_empty(),
            "{id}: no shared sheet in print.html"
        );
        let docs = check_wall_covers_the_list(&t, id);
        let level = if *id == "thi-xa-nga-nam" {
            "district"
        } else {
            "commune"
        };
        assert_eq!(
            docs[1..],
            [format!("public/boards/phieu/{level}.html")],
            "{id}: its own file and its level's shared set"
        );
        // The shared set holds the sheets in list order.
        assert_eq!(
            sheet_codes(&t.read(&docs[1])),
            listed,
            "{id}: sheets in list order"
        );
        assert!(print.contains("Địa chỉ tiếp nhận phản ánh, kiến nghị về quy định hành chính"));
        assert!(print.contains("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã Ngã Năm"));
        assert!(print.contains("0299 3867 110") && print.contains("phananh@ngangam.example.vn"));
        assert!(print.contains("Ngày niêm yết: <strong>20/11/2026</strong>"));
        assert_eq!(
            list_codes(&t.read(&format!("public/boards/{id}/danh-muc.html"))),
            listed
        );
    }
    // Only the counter's own procedures: the land certificate is the town's, birth
    // registration the wards'; the abolished procedure is on no wall.
    let town = t.read("public/boards/thi-xa-nga-nam/print.html");
    let ward = t.read("public/boards/phuong-1/print.html");
    assert!(list_codes(&town).contains(&"1.012753".to_string()));
    assert!(!list_codes(&town).contains(&"1.001193".to_string()));
    assert!(list_codes(&ward).contains(&"1.001193".to_string()));
    assert!(!list_codes(&ward).contains(&"1.012753".to_string()));
    for page in [&town, &ward] {
        assert!(!page.contains("cong-nhan-gia-dinh-van-hoa-theo-thong-tu-12-2011"));
    }
    // Each sheet is printed once for all the counters that post it: two shared sets, and the
    // boards index names them.
    let mut sheets: Vec<String> = ["district", "commune"]
        .iter()
        .flat_map(|l| sheet_codes(&t.read(&format!("public/boards/phieu/{l}.html"))))
        .collect();
    let n = sheets.len();
    sheets.sort();
    sheets.dedup();
    assert_eq!(sheets.len(), n, "a sheet in two shared sets");
    assert_eq!(n, 50);
    for l in ["district", "commune"] {
        assert!(index.contains(&format!("href=\"../boards/phieu/{l}.html\"")));
    }
}

#[test]
fn a_counter_that_posts_more_than_its_level_prints_those_sheets_itself() {
    let t = SiteTest::fixture("minimal");
    t.run(&["build", "--posting-date", "2026-11-20"])
        .assert_code(0);
    // The copy of a civil-status extract is posted by commune A alone (`units: [xa-a]`); birth
    // registration by both communes.
    let a = check_wall_covers_the_list(&t, "xa-a");
    let b = check_wall_covers_the_list(&t, "xa-b");
    assert_eq!(a[1..], ["public/boards/phieu/commune.html"]);
    assert_eq!(b[1..], ["public/boards/phieu/commune.html"]);
    assert_eq!(sheet_codes(&t.read(&a[0])), ["2.000635"]);
    assert_eq!(sheet_codes(&t.read(&b[0])), Vec::<String>::new());
    assert_eq!(sheet_codes(&t.read(&a[1])), ["1.001193"]);
    t.check_file_contains(
        "public/boards/xa-a/index.html",
        "kèm phiếu thông tin của 1 thủ tục chỉ nơi này niêm yết",
    );
    // print.html points to the rest of the wall set (on screen only).
    t.check_file_contains(
        "public/boards/xa-b/print.html",
        "<nav class=\"screen-only parts\"",
    );
    t.check_file_contains(
        "public/boards/xa-b/print.html",
        "href=\"../../boards/phieu/commune.html\"",
    );
    // The district counter posts only an abolished procedure: nothing shared, nothing to print
    // but its own file.
    assert_eq!(
        wall_documents(&t, "huyen"),
        ["public/boards/huyen/print.html"]
    );
    assert!(!t.path("public/boards/phieu/district.html").exists());
}

#[test]
fn a_detail_sheet_has_the_eleven_sections_of_decree_63_in_order() {
    let t = SiteTest::fixture("minimal");
    t.build();
    let sheet = t.read("public/boards/thu-tuc/dang-ky-khai-sinh.html");
    let mut at = 0;
    for heading in [
        "1. Trình tự thực hiện",
        "2. Cách thức thực hiện",
        "3. Thành phần, số lượng hồ sơ",
        "4. Thời hạn giải quyết",
        "5. Đối tượng thực hiện",
        "6. Cơ quan thực hiện",
        "7. Kết quả thực hiện",
        "8. Phí, lệ phí",
        "9. Tên mẫu đơn, mẫu tờ khai",
        "10. Yêu cầu, điều kiện thực hiện",
        "11. Căn cứ pháp lý",
    ] {
        let found = sheet[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("{heading} missing or out of order"));
        at += found;
    }
    for needle in [
        "<strong>Bước 1:</strong> Nộp tờ khai.",
        "Tờ khai đăng ký khai sinh",
        "Trong ngày",
        "Miễn phí",
        "60/2014/QH13",
        "href=\"../../static/boards.css\"",
        "<figure class=\"qr\"><span class=\"qr-code\" role=\"img\" aria-label=\"",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ",
    ] {
        assert!(sheet.contains(needle), "sheet lacks {needle:?}");
    }
    // The running footer names the procedure and the posting date on every printed page.
    assert!(sheet.contains("@bottom-left{content:\"Mã thủ tục: 1.001193\"}"));
    assert!(sheet.contains("Ngày niêm yết: "));
}

/// Rasterise one of our QR SVGs and decode it. The path draws each row of modules as
/// `M<x> <y>.5h<len>` then `m<gap> 0h<len>` for the row's further runs of dark modules.
fn decode_qr(svg: &str) -> String {
    let size: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect("viewBox");
    let d = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let mut dark = vec![false; size * size];
    for row in d.split('M').filter(|r| !r.is_empty()) {
        let (x, rest) = row.split_once(' ').unwrap();
        let (y, rest) = rest.split_once(".5").unwrap();
        let (mut x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        for (i, run) in rest.split('m').enumerate() {
            let (gap, len) = run.split_once('h').unwrap();
            if i > 0 {
                x += gap.strip_suffix(" 0").unwrap().parse::<usize>().unwrap();
            }
            let len: usize = len.parse().unwrap();
            for i in x..x + len {
                dark[y * size + i] = true;
            }
            x += len;
        }
    }
    let scale = 4;
    let px = size * scale;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(px, px, |x, y| {
        if dark[(y / scale) * size + x / scale] {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("decodes").1
}

/// The inline SVG of the QR code in a sheet's HTML.
fn qr_in(html: &str) -> &str {
    let start = html.find("<svg").expect("a QR code");
    let end = start + html[start..].find("</svg>").unwrap() + "</svg>".len();
    &html[start..end]
}

#[test]
fn qr_codes_decode_to_the_procedure_pages() {
    let t = SiteTest::example();
    t.build();
    let mut n = 0;
    for e in std::fs::read_dir(t.path("public/boards/thu-tuc"))
        .unwrap()
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        let slug = name.strip_suffix(".html").unwrap();
        let sheet = std::fs::read_to_string(e.path()).unwrap();
        let url = decode_qr(qr_in(&sheet));
        assert_eq!(
            url,
            format!("https://thutuc.ngangam.example.vn/thu-tuc/{slug}.html")
        );
        assert!(t.path(&format!("public/thu-tuc/{slug}.html")).is_file());
        // The code is read aloud as the address it opens.
        assert!(
            sheet.contains(&format!(
                "role=\"img\" aria-label=\"Mã QR dẫn tới {url}\"><svg"
            )),
            "{slug}: the QR code has no text alternative"
        );
        n += 1;
    }
    assert_eq!(n, 50, "one QR code per posted procedure");
    // Drawn into the sheets: no separate image files to lose when a sheet is copied alone.
    assert!(!t.path("public/boards/qr").exists());
}

#[test]
fn without_base_url_sheets_have_no_qr_code() {
    let t = SiteTest::fixture("minimal");
    t.edit(
        "content/site.yaml",
        "base_url: https://thu.example.vn/\n",
        "",
    );
    t.build();
    for needle in ["<svg", "class=\"qr\""] {
        t.check_file_doesnt_contain("public/boards/thu-tuc/dang-ky-khai-sinh.html", needle);
    }
}

#[test]
fn boards_only_merges_into_a_built_site() {
    let t = SiteTest::fixture("minimal");
    t.build();
    let site_page = t.read("public/thu-tuc/dang-ky-khai-sinh.html");
    t.run(&["boards", "--unit", "xa-a", "--posting-date", "2019-06-15"])
        .assert_code(0)
        .assert_stdout_contains("public/boards/xa-a/print.html")
        .assert_stdout_contains("public/boards/phieu/commune.html");
    // The website is untouched; the chosen counter's boards, with the shared set it prints,
    // carry the new date, the other counters' boards stay as the full build left them.
    assert_eq!(t.read("public/thu-tuc/dang-ky-khai-sinh.html"), site_page);
    assert!(t.path("public/index.html").is_file());
    for doc in check_wall_covers_the_list(&t, "xa-a") {
        t.check_file_contains(&doc, "15/06/2019");
    }
    t.check_file_doesnt_contain("public/boards/xa-b/print.html", "15/06/2019");
    assert!(t.path("public/boards/index.html").is_file());
}

#[test]
fn the_counter_page_on_the_website_links_to_its_boards() {
    let t = SiteTest::fixture("minimal");
    t.build();
    t.check_file_contains(
        "public/don-vi/xa-a.html",
        "href=\"../boards/xa-a/index.html\"",
    );
}

#[test]
fn boards_only_into_an_empty_folder_prints_on_its_own() {
    let t = SiteTest::fixture("minimal");
    t.run(&["boards"]).assert_code(0);
    for f in [
        "boards/index.html",
        "boards/xa-a/print.html",
        "boards/huyen/print.html",
        "boards/phieu/commune.html",
        "boards/thu-tuc/dang-ky-khai-sinh.html",
        "static/boards.css",
        ".niemyet-output",
    ] {
        assert!(t.path("public").join(f).is_file(), "{f}");
    }
    assert!(!t.path("public/index.html").exists());
}

#[test]
fn boards_for_one_field_go_to_their_own_print_file() {
    let t = SiteTest::fixture("minimal");
    t.run(&["boards", "--unit", "xa-a", "--field", "ho-tich"])
        .assert_code(0)
        .assert_stdout_contains("public/boards/xa-a/print-ho-tich.html")
        .assert_stdout_contains("public/boards/phieu/commune.ho-tich.html");
    // The counter's file: the field's list and the sheets only it posts; the shared part: the
    // others. Together, every listed procedure once.
    let part = t.read("public/boards/xa-a/print-ho-tich.html");
    let shared = t.read("public/boards/phieu/commune.ho-tich.html");
    let mut listed = list_codes(&part);
    assert_eq!(listed, ["2.000635", "1.001193"]);
    assert_eq!(sheet_codes(&part), ["2.000635"]);
    let mut printed = [sheet_codes(&part), sheet_codes(&shared)].concat();
    printed.sort();
    listed.sort();
    assert_eq!(printed, listed);
    assert!(!t.path("public/boards/xa-a/print.html").exists());
    assert!(!t.path("public/boards/phieu/commune.html").exists());
}

#[test]
fn unknown_counter_or_field_is_a_usage_error_listing_the_ids() {
    let t = SiteTest::fixture("minimal");
    t.run(&["boards", "--unit", "xa-c"])
        .assert_code(2)
        .assert_stderr_contains("there is no counter `xa-c`")
        .assert_stderr_contains("`huyen`, `xa-a`, `xa-b`");
    t.run(&["boards", "--field", "hotich"])
        .assert_code(2)
        .assert_stderr_contains("`ho-tich`, `dat-dai`");
    t.run(&["build", "--posting-date", "2019-02-30"])
        .assert_code(2)
        .assert_stderr_contains("--posting-date");
    assert!(!t.path("public").exists());
}

#[test]
fn print_documents_with_very_many_sheets_are_split_by_field() {
    let t = SiteTest::fixture("minimal");
    let n = niemyet::render::boards::PRINT_SPLIT + 1;
    // n district procedures (all the district's: its shared set), and n that commune A alone
    // posts (its own sheets).
    for i in 0..2 * n {
        let field = if i % 2 == 0 { "ho-tich" } else { "dat-dai" };
        let (level, units) = if i < n {
            ("district", "")
        } else {
            ("commune", "units: [xa-a]\n")
        };
        t.write(
            &format!("content/procedures/gen/p{i}.yaml"),
            &format!(
                "code: \"9.{i:06}\"\ntitle: Thủ tục thử số {i}\nfield: {field}\nlevel: {level}\n{units}\
                 steps: [Nộp hồ sơ.]\nchannels:\n  - {{method: in_person, duration: 3 working days}}\n\
                 documents:\n  - {{name: Đơn}}\nresult: Giấy xác nhận\nagency: UBND\n"
            ),
        );
    }
    t.build();
    // The district's shared set, one document per field; its print.html has no sheet.
    let docs = check_wall_covers_the_list(&t, "huyen");
    assert_eq!(
        docs[1..],
        [
            "public/boards/phieu/district.ho-tich.html",
            "public/boards/phieu/district.dat-dai.html"
        ]
    );
    assert!(!t.path("public/boards/phieu/district.html").exists());
    // Commune A's own sheets, one document per field (each with that field's list), then
    // the commune set, small enough to stay whole.
    let docs = check_wall_covers_the_list(&t, "xa-a");
    assert_eq!(
        docs[1..],
        [
            "public/boards/xa-a/print-ho-tich.html",
            "public/boards/xa-a/print-dat-dai.html",
            "public/boards/phieu/commune.html"
        ]
    );
    let print = t.read("public/boards/xa-a/print.html");
    assert!(
        sheet_codes(&print).is_empty(),
        "no sheets in a split print.html"
    );
    assert!(print.contains("href=\"../../boards/xa-a/print-ho-tich.html\""));
    assert_eq!(
        list_codes(&t.read("public/boards/xa-a/print-dat-dai.html")).len(),
        (n..2 * n).filter(|i| i % 2 == 1).count(),
        "the field's list heads its document"
    );
    // Commune B posts none of them: its wall set is unchanged.
    assert_eq!(
        check_wall_covers_the_list(&t, "xa-b")[1..],
        ["public/boards/phieu/commune.html"]
    );
}

/// `serve`: a sheet's edit rewrites its sheet and the one print document that holds it, not
/// every counter's; a procedure that moves between a shared set and a counter's own file
/// leaves the boards as a clean build makes them.
#[test]
fn serve_rewrites_the_one_print_document_that_holds_an_edited_sheet() {
    use niemyet::incremental::Incremental;
    let t = SiteTest::fixture("minimal");
    let paths = niemyet::Paths {
        root: t.dir.path().to_path_buf(),
        content: t.path("content"),
        theme: None,
        output: t.path("public"),
    };
    let boards = |outputs: Vec<(&str, &[u8])>| -> Vec<(String, Vec<u8>)> {
        outputs
            .into_iter()
            .filter(|(p, _)| p.starts_with("boards/"))
            .map(|(p, d)| (p.to_string(), d.to_vec()))
            .collect()
    };
    let clean = || {
        let (content, _) = niemyet::check(&paths, false);
        let content = content.expect("content builds");
        let theme = niemyet::theme::Theme::load(None).unwrap();
        let site = niemyet::site::Site::build(&content);
        let mut files = niemyet::render_site(&site, &theme, &paths.content).unwrap();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        boards(
            files
                .iter()
                .map(|f| (f.path.as_str(), &f.data[..]))
                .collect(),
        )
    };
    let mut engine = Incremental::new(paths.clone());
    assert!(engine.build_full().ok);
    let birth = t.path("content/procedures/ho-tich/dang-ky-khai-sinh.yaml");
    let copy = t.path("content/procedures/ho-tich/cap-ban-sao-trich-luc.yaml");
    let update = |engine: &mut Incremental, file: &std::path::Path, from: &str, to: &str| {
        t.edit(
            file.strip_prefix(t.dir.path()).unwrap().to_str().unwrap(),
            from,
            to,
        );
        let out = engine.update(&[file.to_path_buf()]);
        assert!(out.ok, "{:?}", out.diagnostics.items);
        assert_eq!(
            boards(engine.outputs().into_iter().collect()),
            clean(),
            "after {to:?}"
        );
        out
    };

    // Birth registration is in the communes' shared set.
    let out = update(&mut engine, &birth, "Nộp tờ khai.", "Nộp tờ khai đã ký.");
    let mut boards_changed: Vec<&String> = out
        .changed
        .iter()
        .filter(|p| p.starts_with("boards/"))
        .collect();
    boards_changed.sort();
    assert_eq!(
        boards_changed,
        [
            "boards/phieu/commune.html",
            "boards/thu-tuc/dang-ky-khai-sinh.html"
        ]
    );
    // Posted by commune B alone: out of the shared set (now empty, so gone) into B's file.
    let out = update(
        &mut engine,
        &birth,
        "level: commune\n",
        "level: commune\nunits: [xa-b]\n",
    );
    assert!(
        out.removed
            .contains(&"boards/phieu/commune.html".to_string())
    );
    assert_eq!(
        sheet_codes(std::str::from_utf8(&engine.get("boards/xa-b/print.html").unwrap()).unwrap()),
        ["1.001193"]
    );
    // Both communes post the extract copy: it joins a shared set again.
    update(&mut engine, &copy, "units: [xa-a]", "units: [xa-b, xa-a]");
    update(&mut engine, &birth, "units: [xa-b]\n", "");
}
