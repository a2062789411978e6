//! A build makes every procedure's listing row and facts from the model, and its full view
//! only where its page and sheet are rendered (`RenderContext::view`). The row and facts must
//! word the same texts as the view, or a listing, the search index, a data file or a list
//! board would disagree with the procedure's own page.

mod common;

use niemyet::render::RenderContext;

fn check_site(dir: &std::path::Path) -> usize {
    common::with_render_context(dir, check)
}

fn check(ctx: &RenderContext) -> usize {
    assert!(ctx.views.is_none(), "a build keeps no views");
    for (i, (row, facts)) in ctx.rows.iter().zip(&ctx.facts).enumerate() {
        let v = ctx.view(i);
        let what = &v.url;
        assert_eq!(row.code, v.code, "{what}");
        assert_eq!(row.title, v.title, "{what}");
        assert_eq!(row.url, v.url, "{what}");
        assert_eq!(row.field, v.field.name, "{what}");
        assert_eq!(row.level, v.level.name, "{what}");
        assert_eq!(row.duration, v.duration_short, "{what}");
        assert_eq!(row.fee, v.fee_short, "{what}");
        assert_eq!(row.abolished, v.abolished, "{what}");
        assert_eq!(row.updated, v.updated, "{what}");
        assert_eq!(facts.summary_text, v.summary_text, "{what}");
        assert_eq!(facts.online_level, v.online_level, "{what}");
        assert_eq!(facts.updated_iso, v.updated_iso, "{what}");
        let mut names: Vec<&str> = Vec::new();
        for c in &v.channels {
            if !names.contains(&c.method_name.as_str()) {
                names.push(&c.method_name);
            }
        }
        assert_eq!(facts.channels, names.join(", "), "{what}");
    }
    ctx.rows.len()
}

#[test]
fn rows_and_facts_word_what_the_views_word() {
    let root = common::repo();
    let mut checked = check_site(&root);
    for fixture in ["minimal", "hostile"] {
        checked += check_site(&root.join("tests/fixtures").join(fixture));
    }
    assert!(checked > 20, "only {checked} procedures checked");
}
