//! What a clerk sees when a file is wrong: one fixture per kind of mistake, each asserting the
//! file, line and column, the field path, the message and the hint; exit code 1.

mod common;
use common::SiteTest;

/// Drop `tests/fixtures/mistakes/<name>.yaml` into the minimal site and run `niemyet check`.
fn check_with(name: &str) -> (common::Run, String) {
    let t = SiteTest::fixture("minimal");
    let text = std::fs::read_to_string(
        common::repo().join(format!("tests/fixtures/mistakes/{name}.yaml")),
    )
    .unwrap();
    let rel = format!("content/procedures/ho-tich/{name}.yaml");
    t.write(&rel, &text);
    (t.run(&["check"]), rel)
}

/// The error is reported at `file:line:col`, with each of `needles` in the message.
fn expect_error(name: &str, line_col: &str, needles: &[&str]) {
    let (run, rel) = check_with(name);
    run.assert_code(1);
    run.assert_stderr_contains(&format!("--> {rel}:{line_col}"));
    for n in needles {
        run.assert_stderr_contains(n);
    }
}

#[test]
fn unknown_key_suggests_the_right_one() {
    expect_error(
        "unknown_key",
        "9:1",
        &[
            "error: `documets`: unknown key `documets`",
            "did you mean `documents`?",
            "9 | documets:",
            "^^^^^^^^",
        ],
    );
}

#[test]
fn duplicate_code_names_both_files() {
    expect_error(
        "duplicate_code",
        "1:7",
        &[
            "the code 1.001193 is already used by",
            "content/procedures/ho-tich/dang-ky-khai-sinh.yaml",
        ],
    );
}

#[test]
fn unknown_field_lists_the_known_ones() {
    expect_error(
        "unknown_field",
        "3:8",
        &[
            "`field`: unknown field `ho-tic`",
            "did you mean `ho-tich`?",
            "`dat-dai`",
        ],
    );
}

#[test]
fn unknown_level() {
    expect_error(
        "unknown_level",
        "4:8",
        &["unknown level `comune`", "did you mean `commune`?"],
    );
}

#[test]
fn unknown_unit() {
    expect_error(
        "unknown_unit",
        "5:9",
        &["`units[0]`: unknown unit `xa-c`", "`xa-a`"],
    );
}

#[test]
fn unit_of_another_level() {
    expect_error(
        "unit_wrong_level",
        "5:9",
        &[
            "the unit `huyen` is at level `district`, but this procedure is at level `commune`",
            "`xa-a`, `xa-b`",
        ],
    );
}

#[test]
fn missing_form_file_lists_the_files_there() {
    expect_error(
        "missing_form",
        "10:27",
        &[
            "`documents[0].form`: the form file `forms/to-khai-ket-hon.pdf` does not exist",
            "forms/to-khai.pdf",
        ],
    );
}

#[test]
fn form_outside_the_forms_folder() {
    expect_error(
        "form_outside",
        "10:27",
        &["points outside `content/forms/`"],
    );
}

#[test]
fn non_existent_date() {
    expect_error(
        "bad_date",
        "13:10",
        &["`updated`:", "2019-02-30", "YYYY-MM-DD"],
    );
}

#[test]
fn bad_duration_shows_the_accepted_forms() {
    expect_error(
        "bad_duration",
        "8:15",
        &["`channels[0].duration`:", "3 tuần", "`03 ngày làm việc`"],
    );
}

#[test]
fn zero_duration_is_refused() {
    expect_error(
        "zero_duration",
        "8:15",
        &["`channels[0].duration`:", "same day"],
    );
}

#[test]
fn negative_fee() {
    expect_error(
        "negative_fee",
        "10:32",
        &["`channels[0].fees[0].amount`:", "cannot be negative"],
    );
}

#[test]
fn fractional_fee() {
    expect_error(
        "fractional_fee",
        "10:32",
        &["`channels[0].fees[0].amount`:", "whole number"],
    );
}

#[test]
fn fee_written_in_words() {
    expect_error(
        "text_fee",
        "10:32",
        &["`channels[0].fees[0].amount`:", "\"tám nghìn\""],
    );
}

#[test]
fn steps_as_text_instead_of_a_list() {
    expect_error(
        "steps_text",
        "5:8",
        &["`steps`: expected a list of steps", "found text"],
    );
}

#[test]
fn unknown_channel_method() {
    expect_error(
        "bad_method",
        "9:13",
        &[
            "`channels[1].method`: `by_post` is not a valid value",
            "did you mean `postal`?",
        ],
    );
}

#[test]
fn missing_required_key() {
    expect_error(
        "missing_required",
        "1:1",
        &["`result`: missing required key `result`"],
    );
}

#[test]
fn duplicate_key_in_a_mapping() {
    expect_error("duplicate_key", "3:1", &["duplicate mapping key: title"]);
}

#[test]
fn tab_indentation() {
    expect_error("tab_indent", "8:", &["tab", "spaces"]);
}

#[test]
fn yaml_syntax_error() {
    let (run, rel) = check_with("syntax_error");
    run.assert_code(1)
        .assert_stderr_contains(&format!("--> {rel}:"))
        .assert_stderr_contains("YAML syntax");
}

#[test]
fn updated_in_the_future() {
    expect_error(
        "future_updated",
        "13:10",
        &["`updated` is in the future (01/01/2031)"],
    );
}

#[test]
fn old_updated_is_a_warning_that_fails_only_with_strict() {
    let (run, rel) = check_with("old_updated");
    run.assert_code(0)
        .assert_stderr_contains("warning: `updated`:")
        .assert_stderr_contains(&format!("--> {rel}:13:10"));
    let t = SiteTest::fixture("minimal");
    t.write(
        "content/procedures/ho-tich/old.yaml",
        &std::fs::read_to_string(common::repo().join("tests/fixtures/mistakes/old_updated.yaml"))
            .unwrap(),
    );
    t.run(&["check", "--strict"])
        .assert_code(1)
        .assert_stderr_contains("--strict treats warnings as errors");
}

#[test]
fn online_channel_without_url_is_a_warning() {
    let (run, _) = check_with("online_without_url");
    run.assert_code(0)
        .assert_stderr_contains("warning: `online.url`: an online channel is listed");
}

#[test]
fn every_problem_of_a_run_is_reported() {
    let t = SiteTest::fixture("minimal");
    for name in ["unknown_key", "negative_fee", "unknown_field"] {
        let text = std::fs::read_to_string(
            common::repo().join(format!("tests/fixtures/mistakes/{name}.yaml")),
        )
        .unwrap();
        t.write(&format!("content/procedures/{name}.yaml"), &text);
    }
    // Two mistakes in one file are both reported too.
    t.write("content/procedures/two.yaml", "code: \"9.99\"\ntitel: x\nfield: nope\nlevel: commune\nsteps: [a]\nchannels: [{method: in_person, duration: 1 day}]\ndocuments: [{name: x}]\nresult: r\nagency: a\n");
    let run = t.run(&["check"]);
    run.assert_code(1)
        .assert_stderr_contains("unknown key `documets`")
        .assert_stderr_contains("cannot be negative")
        .assert_stderr_contains("unknown field `ho-tic`")
        .assert_stderr_contains("two.yaml:2:1")
        .assert_stderr_contains("did you mean `title`?")
        .assert_stderr_contains("two.yaml:3:8");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let t = SiteTest::fixture("minimal");
    t.build();
    let before = t.snapshot("public");
    t.write("content/procedures/broken.yaml", "code: [\n");
    t.run(&["build"])
        .assert_code(1)
        .assert_stderr_contains("nothing was written");
    assert_eq!(before, t.snapshot("public"));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let t = SiteTest::fixture("minimal");
    t.run(&["build", "--content", "nope"])
        .assert_code(2)
        .assert_stderr_contains("there is no content folder");
    t.run(&["frobnicate"]).assert_code(2);
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_create() {
    let t = SiteTest::fixture("minimal");
    t.write("mine/thesis.docx", "precious");
    t.run(&["build", "--output", "mine"])
        .assert_code(2)
        .assert_stderr_contains("was not made by niemyet");
    assert_eq!(t.read("mine/thesis.docx"), "precious");
    t.run(&["build", "--output", "."]).assert_code(2);
    t.run(&["build", "--output", "content"]).assert_code(2);
}

/// A counter's address is printed on its boards and its level decides what it posts: a unit
/// without them is stopped at its own line, not built with a blank.
#[test]
fn a_unit_without_address_or_level_is_reported() {
    let t = SiteTest::fixture("minimal");
    t.edit("content/units.yaml", "  address: Ấp 2, xã B\n", "");
    t.edit(
        "content/units.yaml",
        "- id: xa-a\n  name: Bộ phận một cửa xã A\n  level: commune\n",
        "- id: xa-a\n  name: Bộ phận một cửa xã A\n",
    );
    t.run(&["check"])
        .assert_code(1)
        .assert_stderr_contains("`[2].address`: missing required key `address`")
        .assert_stderr_contains("--> content/units.yaml:11:3")
        .assert_stderr_contains("`[1].level`: missing required key `level`")
        .assert_stderr_contains("--> content/units.yaml:6:3");
}

#[test]
fn mistakes_in_units_and_site_files_are_located_too() {
    let t = SiteTest::fixture("minimal");
    t.edit(
        "content/units.yaml",
        "  level: commune\n  parent: huyen\n  address: Ấp 2",
        "  level: comune\n  parent: huyen\n  address: Ấp 2",
    );
    t.edit(
        "content/site.yaml",
        "  url: https://phananh.thu.example.vn/",
        "  url: javascript:alert(1)",
    );
    t.run(&["check"])
        .assert_code(1)
        .assert_stderr_contains("--> content/units.yaml:14:10")
        .assert_stderr_contains("unknown level `comune`")
        .assert_stderr_contains("--> content/site.yaml:15:8")
        .assert_stderr_contains("is not a web address");
}

#[test]
fn page_front_matter_errors_count_lines_from_the_top_of_the_file() {
    let t = SiteTest::fixture("minimal");
    t.write(
        "content/pages/sai.md",
        "---\ntitle: Trang\nordre: 2\n---\nNội dung\n",
    );
    t.run(&["check"])
        .assert_code(1)
        .assert_stderr_contains("--> content/pages/sai.md:3:1")
        .assert_stderr_contains("did you mean `order`?");
}
