//! Incremental rebuilds: which routes an edit affects, and re-rendering only those.
//!
//! The most common edit is to an existing page or notice while the site's routes stay the
//! same. A text edit re-renders only the routes showing that text (the page, the home a
//! section intro appears on, a notice and the feeds carrying it). A page's front-matter edit
//! that moves nothing (a new title, weight, date or description) also re-renders what lists
//! the page: the pages of its chapter (their chapter menu), the home, the chapter directory
//! and the sitemap. Anything else is left to a full render. The changed file is parsed with
//! the same per-file functions `load` uses.

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostics;
use crate::model::{ChapterSlug, Notice, Page, Scope, Site, notice, page};
use crate::output::MemoryOutput;
use crate::plan::{Route, RouteKind};
use crate::source::SourceTree;

use super::{Pipeline, Routes};

/// What an incremental rebuild rendered: the changed files, and how many routes it rendered.
pub struct PartialRender {
    pub files: Vec<(String, Vec<u8>)>,
    pub rendered: usize,
}

/// Re-renders what the edits of `changed` (paths below the root, already re-read into
/// `sources`) affect. `None` when the edit needs a full render; on an error the pipeline is
/// left as it was, so the last good state stays.
pub fn page_edit(
    pipeline: &mut Pipeline,
    sources: &SourceTree,
    changed: &[String],
) -> Option<Result<PartialRender, Diagnostics>> {
    let (swaps, front_changed) = parse_edits(&pipeline.site, sources, changed)?;
    let previous: Vec<Edited> = swaps
        .into_iter()
        .map(|edit| edit.swap_into(&mut pipeline.site))
        .collect();
    if front_changed && !routes_unchanged(pipeline) {
        restore(pipeline, previous, false);
        return None;
    }
    let routes = affected_routes(
        &pipeline.site,
        &pipeline.plan.routes,
        &previous,
        front_changed,
    );
    if routes.is_empty() {
        // A draft or a future notice left out of the output: nothing shows it.
        restore(pipeline, previous, false);
        return None;
    }
    if front_changed {
        pipeline.refresh_shared();
    }
    match render_and_check(pipeline, sources, &routes) {
        Ok(files) => Some(Ok(PartialRender {
            files,
            rendered: routes.len(),
        })),
        Err(diagnostics) => {
            // Keep the last good state: the broken page is re-read on the next save.
            restore(pipeline, previous, front_changed);
            Some(Err(diagnostics))
        }
    }
}

/// The new versions of the edited pages and notices, and whether any page's front matter
/// changed; `None` when an edit is of another kind.
fn parse_edits(
    site: &Site,
    sources: &SourceTree,
    changed: &[String],
) -> Option<(Vec<Edited>, bool)> {
    if changed.is_empty() {
        return None;
    }
    let mut swaps = Vec::new();
    let mut front_changed = false;
    for path in changed {
        if !path.starts_with("content/") || !path.ends_with(".md") {
            return None;
        }
        let text = &sources.get(path)?.text;
        if let Some(index) = site.notices.iter().position(|n| &n.source_path == path) {
            let old = &site.notices[index];
            let new = notice::parse(path, text, old.scope.clone()).ok()?;
            // A notice's front matter places it in lists, archives and calendars.
            if new.front != old.front || new.slug != old.slug {
                return None;
            }
            swaps.push(Edited::Notice(index, Box::new(new)));
            continue;
        }
        let index = site.pages.iter().position(|p| &p.source_path == path)?;
        let old = &site.pages[index];
        let new = page::parse(path, text, old.scope.clone()).ok()?;
        if new.front != old.front {
            // A section intro's front matter shapes its section: take the full path.
            if new.is_index || old.is_index {
                return None;
            }
            front_changed = true;
        }
        swaps.push(Edited::Page(index, Box::new(new)));
    }
    Some((swaps, front_changed))
}

/// Whether planning the edited site gives the same routes and hrefs as before.
fn routes_unchanged(pipeline: &Pipeline) -> bool {
    crate::plan::plan(&pipeline.site, &pipeline.options).is_ok_and(|plan| {
        let old = &pipeline.plan;
        plan.routes == old.routes
            && plan.hrefs == old.hrefs
            && plan.drafts_left_out == old.drafts_left_out
    })
}

fn restore(pipeline: &mut Pipeline, previous: Vec<Edited>, refresh: bool) {
    for edit in previous {
        edit.swap_into(&mut pipeline.site);
    }
    if refresh {
        // The shared context was made from the broken edit's front matter.
        pipeline.refresh_shared();
    }
}

/// Renders the routes through the pipeline's loop and re-checks the links they touch; on
/// a problem the pages' old link data is put back.
fn render_and_check(
    pipeline: &mut Pipeline,
    sources: &SourceTree,
    routes: &[usize],
) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let outputs: BTreeSet<String> = routes
        .iter()
        .map(|&i| pipeline.plan.routes[i].output.clone())
        .filter(|output| output.ends_with(".html"))
        .collect();
    let before: Vec<(String, Option<crate::links::CheckedPage>)> = outputs
        .iter()
        .map(|output| (output.clone(), pipeline.pages.get(output).cloned()))
        .collect();
    let memory = MemoryOutput::default();
    let mut problems = match pipeline.render(Routes::Only(routes), &memory) {
        Ok(_) => Diagnostics::new(),
        Err(problems) => return Err(problems),
    };
    problems.extend(pipeline.changed_link_problems(&outputs, sources));
    if problems.has_errors() {
        for (output, old) in before {
            match old {
                Some(old) => pipeline.pages.insert(output, old),
                None => pipeline.pages.remove(&output),
            };
        }
        return Err(problems);
    }
    Ok(memory.into_files().into_iter().collect())
}

/// A page or notice whose text was edited, by its index in the site.
enum Edited {
    Page(usize, Box<Page>),
    Notice(usize, Box<Notice>),
}

impl Edited {
    /// Puts this version into the site; returns the version it replaced.
    fn swap_into(self, site: &mut Site) -> Edited {
        match self {
            Edited::Page(i, page) => {
                Edited::Page(i, Box::new(std::mem::replace(&mut site.pages[i], *page)))
            }
            Edited::Notice(i, notice) => Edited::Notice(
                i,
                Box::new(std::mem::replace(&mut site.notices[i], *notice)),
            ),
        }
    }
}

/// The indices of the routes that show the edited pages and notices, and with `listed` also
/// those that list the pages.
fn affected_routes(site: &Site, routes: &[Route], edited: &[Edited], listed: bool) -> Vec<usize> {
    let pages: Vec<usize> = edited
        .iter()
        .filter_map(|e| match e {
            Edited::Page(i, _) => Some(*i),
            Edited::Notice(..) => None,
        })
        .collect();
    let notices: Vec<usize> = edited
        .iter()
        .filter_map(|e| match e {
            Edited::Notice(i, _) => Some(*i),
            Edited::Page(..) => None,
        })
        .collect();
    // Feeds carry the notices' full text: the all-notices feed and their chapters' feeds.
    let in_feed = |chapter: &Option<ChapterSlug>| match chapter {
        None => !notices.is_empty(),
        Some(slug) => notices
            .iter()
            .any(|i| site.notices[*i].scope == Scope::Chapter(slug.clone())),
    };
    let shows = |kind: &RouteKind| match kind {
        RouteKind::Page(i)
        | RouteKind::Home { intro: Some(i) }
        | RouteKind::ChapterHome { intro: Some(i), .. } => pages.contains(i),
        RouteKind::Notice(i) => notices.contains(i),
        RouteKind::Feed(chapter) => in_feed(chapter),
        _ => false,
    };
    let chapters: Vec<&Scope> = pages
        .iter()
        .map(|i| &site.pages[*i].scope)
        .filter(|scope| matches!(scope, Scope::Chapter(_)))
        .collect();
    let lists = |route: &Route| {
        listed
            && (matches!(
                route.kind,
                RouteKind::Home { .. } | RouteKind::ChapterDirectory | RouteKind::Sitemap { .. }
            ) || (route.is_html_page() && chapters.contains(&&route.scope)))
    };
    routes
        .iter()
        .enumerate()
        .filter(|(_, route)| shows(&route.kind) || lists(route))
        .map(|(i, _)| i)
        .collect()
}
