//! Building a site: what the citizen sees on the pages.

mod common;
use common::SiteTest;

#[test]
fn builds_the_minimal_site_with_a_summary_line() {
    let t = SiteTest::fixture("minimal");
    let r = t.build();
    r.assert_stdout_contains("Built 3 procedures");
    for page in [
        "index.html",
        "a-z.html",
        "bieu-mau.html",
        "404.html",
        "sitemap.xml",
        "thu-tuc/dang-ky-khai-sinh.html",
        "linh-vuc/ho-tich.html",
        "cap/commune.html",
        "don-vi/xa-a.html",
        "trang/huong-dan.html",
        "forms/to-khai.pdf",
        "static/site.css",
    ] {
        assert!(t.path("public").join(page).is_file(), "missing {page}");
    }
}

#[test]
fn the_procedure_page_shows_every_field_of_its_yaml() {
    let t = SiteTest::fixture("minimal");
    t.build();
    let page = "public/thu-tuc/dang-ky-khai-sinh.html";
    for needle in [
        "<h1>Đăng ký khai sinh</h1>",
        "1.001193",                                // code
        "Hộ tịch",                                 // field
        "Cấp xã",                                  // level
        "Công dân Việt Nam, Người nước ngoài",     // audience
        "<strong>trẻ em</strong>",                 // summary, Markdown
        "<strong>Bước 1:</strong> Nộp tờ khai.",   // steps
        "Trực tiếp",                               // channel
        "Trong ngày",                              // duration "same day"
        "Nhận hồ sơ sau 15 giờ",                   // duration_note
        "Miễn phí",                                // amount 0
        "Miễn lệ phí đăng ký khai sinh đúng hạn.", // fee note
        "Trực tuyến",
        "3 ngày làm việc",                              // "03 ngày làm việc"
        "5 ngày làm việc",                              // duration_max
        "Tờ khai đăng ký khai sinh",                    // documents
        "href=\"../forms/to-khai.pdf\"",                // form link, relative
        "(PDF,",                                        // form type
        "Trường hợp: Trẻ sinh tại cơ sở y tế",          // condition
        "xuất trình",                                   // kind: show
        "Người đi đăng ký là cha, mẹ hoặc người thân.", // requirements
        "Giấy khai sinh (bản chính)",                   // result
        "Ủy ban nhân dân cấp xã",                       // agency
        "60/2014/QH13",                                 // legal basis
        "Luật Hộ tịch",
        "20/11/2014",                          // issued, dd/mm/yyyy
        "Một phần",                            // online level
        "href=\"https://dichvucong.gov.vn/\"", // online url
        "01/01/2019",                          // effective
        "01/10/2026",                          // updated
        "12/03/2019",                          // history date
        "Công bố thủ tục chuẩn hóa.",          // history change
        "Bộ phận một cửa xã A",                // posted by both communes
        "Bộ phận một cửa xã B",
        "\"@type\":\"GovernmentService\"", // JSON-LD
    ] {
        t.check_file_contains(page, needle);
    }
}

#[test]
fn fees_read_as_citizens_expect() {
    let t = SiteTest::fixture("minimal");
    t.build();
    t.check_file_contains(
        "public/thu-tuc/cap-ban-sao-trich-luc-ho-tich.html",
        "8.000\u{a0}đồng/bản",
    );
    let land = "public/thu-tuc/cap-giay-chung-nhan-quyen-su-dung-dat-lan-dau.html";
    t.check_file_contains(land, "Theo Nghị quyết của HĐND tỉnh")
        .check_file_contains(land, "2.000\u{a0}đồng/trang")
        .check_file_contains(
            land,
            "1.000\u{a0}đồng/trang (từ trang thứ 3), tối đa 200.000\u{a0}đồng",
        )
        .check_file_contains(land, "Thủ tục đã bãi bỏ.");
}

#[test]
fn a_procedure_restricted_to_one_unit_is_listed_only_there() {
    let t = SiteTest::fixture("minimal");
    t.build();
    t.check_file_contains("public/don-vi/xa-a.html", "Cấp bản sao trích lục hộ tịch");
    t.check_file_doesnt_contain("public/don-vi/xa-b.html", "Cấp bản sao trích lục hộ tịch");
    t.check_file_contains("public/don-vi/xa-b.html", "Đăng ký khai sinh");
    t.check_file_contains(
        "public/don-vi/huyen.html",
        "Cấp Giấy chứng nhận quyền sử dụng đất",
    );
}

#[test]
fn links_are_relative_so_the_site_opens_from_disk() {
    let t = SiteTest::fixture("minimal");
    t.build();
    t.check_file_contains("public/index.html", "href=\"static/site.css\"")
        .check_file_contains(
            "public/thu-tuc/dang-ky-khai-sinh.html",
            "href=\"../static/site.css\"",
        )
        .check_file_contains(
            "public/thu-tuc/dang-ky-khai-sinh.html",
            "href=\"../index.html\"",
        )
        .check_file_doesnt_contain("public/index.html", "href=\"/")
        .check_file_doesnt_contain("public/index.html", "https://thu.example.vn/");
    t.check_file_contains(
        "public/sitemap.xml",
        "<loc>https://thu.example.vn/thu-tuc/dang-ky-khai-sinh.html</loc>",
    );
}

#[test]
fn a_to_z_is_in_vietnamese_alphabetical_order() {
    let t = SiteTest::fixture("minimal");
    t.write(
        "content/procedures/ho-tich/dung.yaml",
        "code: \"9.000001\"\ntitle: Dùng thử\nfield: ho-tich\nlevel: commune\nsteps: [a]\nchannels: [{method: in_person, duration: 1 day}]\ndocuments: [{name: Đơn}]\nresult: r\nagency: a\nupdated: 2026-10-01\n",
    );
    t.build();
    let az = t.read("public/a-z.html");
    let (c, d, dd) = (
        az.find("Cấp bản sao").unwrap(),
        az.find("Dùng thử").unwrap(),
        az.find("Đăng ký khai sinh").unwrap(),
    );
    assert!(c < d && d < dd, "C < D < Đ");
}

#[test]
fn the_404_page_links_from_the_base_url_path_as_servers_show_it_at_any_depth() {
    let t = SiteTest::fixture("minimal");
    t.edit(
        "content/site.yaml",
        "base_url: https://thu.example.vn/",
        "base_url: https://thu.example.vn/thutuc",
    );
    t.build();
    t.check_file_contains("public/404.html", "href=\"/thutuc/a-z.html\"")
        .check_file_contains("public/404.html", "href=\"/thutuc/static/site.css\"");
}

#[test]
fn without_base_url_there_is_no_sitemap() {
    let t = SiteTest::fixture("minimal");
    t.edit(
        "content/site.yaml",
        "base_url: https://thu.example.vn/\n",
        "",
    );
    t.build();
    assert!(!t.path("public/sitemap.xml").exists());
}

#[test]
fn english_ui_strings_come_from_the_theme() {
    let t = SiteTest::fixture("minimal");
    t.edit("content/site.yaml", "language: vi", "language: en");
    t.build();
    t.check_file_contains(
        "public/thu-tuc/dang-ky-khai-sinh.html",
        "Documents to bring",
    )
    .check_file_contains("public/thu-tuc/dang-ky-khai-sinh.html", "Same day")
    .check_file_contains("public/index.html", "<html lang=\"en\">");
}

#[test]
fn a_site_theme_overrides_one_template() {
    let t = SiteTest::fixture("minimal");
    t.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Riêng của xã</h1>\
         <p>{{ t.nav.home }} / {{ t[\"nav.home\"] }}</p>{% endblock content %}",
    );
    t.build();
    t.check_file_contains("public/404.html", "Riêng của xã");
    // UI strings read either way: `t.group.key`, or the key as a subscript.
    t.check_file_contains("public/404.html", "<p>Trang chủ / Trang chủ</p>");
    // The other templates still come from the built-in theme.
    t.check_file_contains("public/index.html", "Lĩnh vực");
}

#[test]
fn a_template_mistake_on_every_page_is_reported_once() {
    let t = SiteTest::fixture("minimal");
    let builtin = include_str!("../themes/default/templates/procedure.html");
    assert!(builtin.contains("{{ t.proc.code }}"));
    t.write(
        "themes/default/templates/procedure.html",
        &builtin.replace("{{ t.proc.code }}", "{{ t.proc.kode }}"),
    );
    let run = t.run(&["build"]);
    run.assert_code(1)
        .assert_stderr_contains("Field `kode` is not defined")
        .assert_stderr_contains("(did you mean `code`?)")
        .assert_stderr_contains("the same error in 2 more outputs")
        .assert_stderr_contains("1 error; nothing was written");
    // Tera's list of every UI string of the group is cut to a dozen.
    run.assert_stderr_contains(" more (did you mean");
}

#[test]
fn a_ui_string_cannot_also_name_a_group_of_strings() {
    let t = SiteTest::fixture("minimal");
    let builtin = include_str!("../themes/default/i18n/vi.yaml");
    t.write(
        "themes/default/i18n/vi.yaml",
        &format!("{builtin}nav: Điều hướng\n"),
    );
    t.run(&["build"])
        .assert_code(1)
        .assert_stderr_contains("`nav` is both a string and the group of `nav.");
}

#[test]
fn the_example_site_builds_and_passes_strict_check() {
    let t = SiteTest::example();
    t.run(&["check", "--strict"]).assert_code(0);
    t.build();
    // No page over 60 KB of HTML + CSS + JS (counting every stylesheet and script it loads).
    let files = t.snapshot("public");
    let size_of = |rel: &str| {
        files
            .iter()
            .find(|(p, _)| p == rel)
            .map_or(0, |(_, b)| b.len())
    };
    for (path, bytes) in &files {
        // The budget is the website's (phones, slow networks); the notice boards are print
        // documents opened on the office computer.
        if !path.ends_with(".html") || path.starts_with("boards/") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let assets: usize = ["href=\"", "src=\""]
            .iter()
            .flat_map(|attr| {
                html.split(attr)
                    .skip(1)
                    .map(|rest| rest.split('"').next().unwrap_or(""))
            })
            .filter(|u| u.ends_with(".css") || u.ends_with(".js"))
            .map(|u| size_of(u.trim_start_matches("../")))
            .sum();
        assert!(
            bytes.len() + assets < 60 * 1024,
            "{path}: {} bytes of HTML + {assets} of CSS/JS",
            bytes.len()
        );
    }
}

#[test]
fn a_template_mistake_names_the_template_line_and_variable() {
    let t = SiteTest::fixture("minimal");
    t.build();
    let before = t.snapshot("public");
    t.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ titel }}</h1>{% endblock content %}",
    );
    t.run(&["build"])
        .assert_code(1)
        .assert_stderr_contains("Variable `titel` is not defined")
        .assert_stderr_contains("--> 404.html:1:52");
    assert_eq!(before, t.snapshot("public"));
}

#[test]
fn a_template_mistake_after_a_ui_string_is_located_as_written() {
    // UI strings are written into the compiled templates (`src/render/ui_text.rs`); a message
    // must still point at the column the theme's author sees.
    let t = SiteTest::fixture("minimal");
    let source = "{% extends \"base.html\" %}{% block content %}<p>{{ t.nav.home }} {{ site.title }}</p><h1>{{ titel }}</h1>{% endblock content %}";
    t.write("themes/default/templates/404.html", source);
    let col = source.find("titel").unwrap() + 1;
    t.run(&["build"])
        .assert_code(1)
        .assert_stderr_contains("Variable `titel` is not defined")
        .assert_stderr_contains(&format!("--> 404.html:1:{col}"));
}
