//! What changed: every procedure's `history` across the site, newest first, on one page and,
//! when `base_url` is set, in an Atom feed. An abolished procedure appears with the date of its
//! latest change (the abolishing decision), or of its last update when it has no history.

use serde::Serialize;
use tera::Context;

use super::{OutputFile, RenderContext, RenderError, run_jobs};
use crate::format;
use crate::markdown;
use crate::model::Status;
use crate::site::paths;
use crate::text::vi_cmp;

/// Entries on the page and in the feed.
pub const PAGE_ENTRIES: usize = 200;
pub const FEED_ENTRIES: usize = 50;

#[derive(Serialize)]
pub struct ChangeEntry {
    pub date: String,
    pub date_iso: String,
    pub title: String,
    pub code: String,
    pub url: String,
    pub decision: String,
    pub change_html: String,
    pub abolished: bool,
    /// Unique and stable: the procedure's page plus the change's date and place in its history.
    pub id: String,
}

/// Every change, newest first; ties in Vietnamese order of title, then code.
pub fn entries(ctx: &RenderContext) -> Vec<ChangeEntry> {
    let i18n = &ctx.engine.i18n;
    let mut out: Vec<(jiff::civil::Date, ChangeEntry)> = Vec::new();
    for sp in &ctx.site.procedures {
        let p = sp.p;
        let abolished = p.status == Status::Abolished;
        let mut push = |date: jiff::civil::Date, n: usize, decision: String, html: String, ab| {
            out.push((
                date,
                ChangeEntry {
                    date: format::date_dmy(date),
                    date_iso: format::date_iso(date),
                    title: p.title.clone(),
                    code: p.code.value.clone(),
                    url: sp.url.clone(),
                    decision,
                    change_html: html,
                    abolished: ab,
                    id: format!("{}#thay-doi-{}-{n}", sp.url, format::date_iso(date)),
                },
            ))
        };
        // `history` is sorted newest first by the loader.
        for (n, h) in p.history.iter().enumerate() {
            push(
                h.date,
                n,
                h.decision.clone(),
                markdown::to_html(&h.change),
                abolished && n == 0,
            );
        }
        if abolished
            && p.history.is_empty()
            && let Some(date) = p.updated.as_ref().map(|d| d.value).or(p.effective)
        {
            push(
                date,
                0,
                String::new(),
                markdown::to_html(i18n.t("proc.abolished")),
                true,
            );
        }
    }
    out.sort_by(|(da, a), (db, b)| {
        db.cmp(da)
            .then_with(|| vi_cmp(&a.title, &b.title))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.id.cmp(&b.id))
    });
    out.into_iter().map(|(_, e)| e).collect()
}

#[derive(Clone, Copy)]
enum Job {
    Page,
    Feed,
}

pub fn render(ctx: &RenderContext) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    let all = entries(ctx);
    let mut jobs = vec![Job::Page];
    if ctx.site.content.site.base_url.is_some() {
        jobs.push(Job::Feed);
    }
    run_jobs(ctx, &jobs, |job| {
        let mut c = Context::new();
        match job {
            Job::Page => {
                c.insert("title", ctx.engine.i18n.t("changes.title"));
                c.insert("entries", &all[..all.len().min(PAGE_ENTRIES)]);
                c.insert("total", &all.len());
                c.insert("has_feed", &ctx.site.content.site.base_url.is_some());
                ctx.engine.render("changes.html", paths::CHANGES, c)
            }
            Job::Feed => {
                let base = ctx.site.content.site.base_url.clone().unwrap_or_default();
                // The feed changes when content changes, not at every build: its date is the
                // newest entry's, or with no entry the newest procedure update.
                let updated = all.first().map(|e| e.date_iso.clone()).unwrap_or_else(|| {
                    let newest = ctx
                        .site
                        .procedures
                        .iter()
                        .filter_map(|sp| sp.p.updated.as_ref().map(|d| d.value))
                        .max();
                    newest.map_or_else(|| "2000-01-01".into(), format::date_iso)
                });
                c.insert("title", ctx.engine.i18n.t("changes.title"));
                c.insert("base", &base);
                c.insert("updated", &updated);
                c.insert("entries", &all[..all.len().min(FEED_ENTRIES)]);
                ctx.engine.render("feed.xml", paths::FEED, c)
            }
        }
    })
}
