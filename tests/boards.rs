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
        // print.html: the list board, the feedback notice, and a sheet for each listed code,
        // in the list's order.
        let print = t.read(&format!("public/boards/{id}/print.html"));
        let listed = list_codes(&print);
        assert!(!listed.is_empty(), "{id} posts nothing");
        assert_eq!(sheet_codes(&print), listed, "{id}: sheets in list order");
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
        "src=\"../../boards/qr/dang-ky-khai-sinh.svg\"",
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

#[test]
fn qr_codes_decode_to_the_procedure_pages() {
    let t = SiteTest::example();
    t.build();
    let qr_dir = t.path("public/boards/qr");
    let mut n = 0;
    for e in std::fs::read_dir(&qr_dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let slug = name.strip_suffix(".svg").unwrap();
        let url = decode_qr(&std::fs::read_to_string(e.path()).unwrap());
        assert_eq!(
            url,
            format!("https://thutuc.ngangam.example.vn/thu-tuc/{slug}.html")
        );
        assert!(t.path(&format!("public/thu-tuc/{slug}.html")).is_file());
        t.check_file_contains(
            &format!("public/boards/thu-tuc/{slug}.html"),
            &format!("src=\"../../boards/qr/{slug}.svg\""),
        );
        n += 1;
    }
    assert_eq!(n, 50, "one QR code per posted procedure");
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
    assert!(!t.path("public/boards/qr").exists());
    t.check_file_doesnt_contain("public/boards/thu-tuc/dang-ky-khai-sinh.html", "<img");
}

#[test]
fn boards_only_merges_into_a_built_site() {
    let t = SiteTest::fixture("minimal");
    t.build();
    let site_page = t.read("public/thu-tuc/dang-ky-khai-sinh.html");
    t.run(&["boards", "--unit", "xa-a", "--posting-date", "2019-06-15"])
        .assert_code(0)
        .assert_stdout_contains("public/boards/xa-a/print.html");
    // The website is untouched; the chosen counter's boards carry the new date, the other
    // counters' boards stay as the full build left them.
    assert_eq!(t.read("public/thu-tuc/dang-ky-khai-sinh.html"), site_page);
    assert!(t.path("public/index.html").is_file());
    t.check_file_contains("public/boards/xa-a/print.html", "15/06/2019");
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
        .assert_stdout_contains("public/boards/xa-a/print-ho-tich.html");
    let part = t.read("public/boards/xa-a/print-ho-tich.html");
    assert_eq!(sheet_codes(&part), list_codes(&part));
    assert!(list_codes(&part).contains(&"1.001193".to_string()));
    assert!(!t.path("public/boards/xa-a/print.html").exists());
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
fn a_counter_with_very_many_procedures_prints_field_by_field() {
    let t = SiteTest::fixture("minimal");
    let n = niemyet::render::boards::PRINT_SPLIT + 1;
    for i in 0..n {
        let field = if i % 2 == 0 { "ho-tich" } else { "dat-dai" };
        t.write(
            &format!("content/procedures/gen/p{i}.yaml"),
            &format!(
                "code: \"9.{i:06}\"\ntitle: Thủ tục thử số {i}\nfield: {field}\nlevel: district\n\
                 steps: [Nộp hồ sơ.]\nchannels:\n  - {{method: in_person, duration: 3 working days}}\n\
                 documents:\n  - {{name: Đơn}}\nresult: Giấy xác nhận\nagency: UBND huyện\n"
            ),
        );
    }
    t.build();
    let print = t.read("public/boards/huyen/print.html");
    assert!(
        sheet_codes(&print).is_empty(),
        "no sheets in the split print.html"
    );
    assert!(print.contains("href=\"print-ho-tich.html\""));
    let ho_tich = t.read("public/boards/huyen/print-ho-tich.html");
    let dat_dai = t.read("public/boards/huyen/print-dat-dai.html");
    assert_eq!(
        sheet_codes(&ho_tich).len() + sheet_codes(&dat_dai).len(),
        n,
        "every procedure of the counter in one of the field files (its abolished one on none)"
    );
    // Communes are under the threshold: one print.html with everything.
    assert!(!t.path("public/boards/xa-a/print-ho-tich.html").exists());
}
