//! The other commands: init, new procedure, schema, help.

mod common;
use common::SiteTest;

#[test]
fn init_makes_a_site_that_builds_at_once() {
    let t = SiteTest::fixture("minimal");
    t.run(&["init", "xa-moi"])
        .assert_code(0)
        .assert_stdout_contains("niemyet build");
    let site = SiteTest {
        dir: tempfile::tempdir().unwrap(),
    };
    common::copy_dir(&t.path("xa-moi"), site.dir.path());
    site.run(&["check", "--strict"]).assert_code(0);
    site.build();
    site.check_file_contains("public/thu-tuc/dang-ky-khai-sinh.html", "Đăng ký khai sinh");
    // A second init into a non-empty folder is refused.
    t.run(&["init", "xa-moi"])
        .assert_code(2)
        .assert_stderr_contains("not empty");
}

#[test]
fn new_procedure_is_slug_named_and_valid() {
    let t = SiteTest::fixture("minimal");
    t.run(&[
        "new",
        "procedure",
        "--field",
        "ho-tich",
        "--title",
        "Đăng ký kết hôn",
    ])
    .assert_code(0);
    let text = t.read("content/procedures/ho-tich/dang-ky-ket-hon.yaml");
    assert!(
        text.starts_with("# yaml-language-server: $schema="),
        "{text}"
    );
    assert!(text.contains("title: \"Đăng ký kết hôn\""));
    t.run(&["check", "--strict"]).assert_code(0);
    t.run(&["new", "procedure", "--field", "ho-tịch", "--title", "X"])
        .assert_code(2)
        .assert_stderr_contains("unknown field");
}

#[test]
fn schema_is_json_and_matches_the_example_reference() {
    let t = SiteTest::fixture("minimal");
    let run = t.run(&["schema"]);
    run.assert_code(0);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        schema["properties"]["channels"]["items"]["properties"]["method"]["enum"][2],
        "postal"
    );
    // The example content ships the same schema its files point at.
    assert_ships(&run.stdout, "procedure.schema.json", "niemyet schema");
}

/// The example's `content/<file>` holds what `command` printed.
fn assert_ships(printed: &str, file: &str, command: &str) {
    let shipped = std::fs::read_to_string(common::repo().join("content").join(file)).unwrap();
    assert_eq!(
        shipped.trim(),
        printed.trim(),
        "run `{command} > content/{file}`"
    );
}

#[test]
fn schema_of_each_kind_of_file() {
    let t = SiteTest::fixture("minimal");
    for kind in ["procedure", "results", "site", "fields", "units"] {
        let run = t.run(&["schema", kind]);
        run.assert_code(0);
        let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(
            schema["$id"],
            format!("https://niemyet.example/{kind}.schema.json")
        );
    }
    // Plain `schema` is still the procedure's.
    assert_eq!(
        t.run(&["schema"]).stdout,
        t.run(&["schema", "procedure"]).stdout
    );
    let run = t.run(&["schema", "results"]);
    let results: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let row = &results["properties"]["rows"]["items"];
    assert_eq!(
        row["required"],
        serde_json::json!(["unit", "field", "received"])
    );
    assert_eq!(
        row["properties"]["received"]["anyOf"][1]["properties"]["in_person"]["minimum"],
        0
    );
    let units: serde_json::Value =
        serde_json::from_str(&t.run(&["schema", "units"]).stdout).unwrap();
    assert_eq!(units["type"], "array");
    assert_eq!(units["items"]["properties"]["id"]["maxLength"], 64);

    // The example ships the results schema, and its results files point at it.
    assert_ships(&run.stdout, "results.schema.json", "niemyet schema results");
    for entry in std::fs::read_dir(common::repo().join("content/results")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../results.schema.json\n"),
            "{text}"
        );
    }

    t.run(&["schema", "result"])
        .assert_code(2)
        .assert_stderr_contains("possible values: procedure, results, site, fields, units");
    t.run(&["schema", "--help"])
        .assert_code(0)
        .assert_stdout_contains("niemyet schema results > content/results.schema.json")
        .assert_stdout_contains("$schema=../results.schema.json");
}

#[test]
fn help_has_examples() {
    let t = SiteTest::fixture("minimal");
    t.run(&["--help"])
        .assert_code(0)
        .assert_stdout_contains("Examples:");
    t.run(&["build", "--help"])
        .assert_code(0)
        .assert_stdout_contains("Examples:");
}
