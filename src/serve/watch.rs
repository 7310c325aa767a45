//! `watch`: rebuild on every change under content/, data/, themes/ and static/.
//!
//! The source tree stays in memory and only changed files are re-read. Each rebuild renders
//! in memory and writes only the files whose bytes changed (removing outputs whose source is
//! gone), so a one-page edit touches a handful of files. A broken edit prints its errors and
//! keeps the last good output; the next good save recovers. Nothing here ends the process.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use notify_debouncer_mini::notify::{self, RecursiveMode, Watcher as _};

use crate::build::{Prepared, prepare, render_prepared};
use crate::check::links::{self, CheckedPage};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{notice, page};
use crate::output;
use crate::plan::PlanOptions;
use crate::plan::RouteKind;
use crate::render::{RenderState, Renderer};
use crate::source::{self, SOURCE_FOLDERS, SourceTree};

/// What one rebuild did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rebuild {
    /// Output files rendered: all of them, or those a page edit affects.
    pub rendered: usize,
    /// Of the site's output files.
    pub total: usize,
    pub written: usize,
    pub removed: usize,
    pub elapsed: Duration,
}

/// Keeps the sources and the last written output between rebuilds.
pub struct Watcher {
    root: PathBuf,
    plan: PlanOptions,
    sources: SourceTree,
    output: output::LiveOutput,
    /// The last good build, for re-rendering single pages.
    last: Option<LastGood>,
}

/// What the last good rebuild knew, kept so that a page edit re-renders only that page.
struct LastGood {
    prepared: Prepared,
    /// Parsed templates and shared context; taken while a page edit renders.
    state: Option<RenderState>,
    /// Output path → that page's links, to re-check links after an edit.
    pages: BTreeMap<String, CheckedPage>,
    /// What links resolve against (the plan's outputs).
    links: links::LinkContext,
}

impl Watcher {
    /// Reads the sources and prepares the output folder (refusing one chapterhouse did not make).
    pub fn new(root: &Path, output_dir: &Path, plan: PlanOptions) -> Result<Self, Diagnostics> {
        // Events arrive with absolute paths; compare them against an absolute root.
        let root = &std::fs::canonicalize(root).map_err(|e| {
            Diagnostics::from(Diagnostic::error(format!(
                "cannot open the site folder `{}`: {e}",
                root.display()
            )))
        })?;
        let output_dir = if output_dir.is_absolute() {
            output_dir.to_path_buf()
        } else {
            root.join(output_dir)
        };
        output::refuse_dangerous_target(root, &output_dir)?;
        let output = output::LiveOutput::open(&output_dir).map_err(Diagnostics::from)?;
        Ok(Watcher {
            root: root.to_path_buf(),
            plan,
            sources: source::read_tree(root).unwrap_or_default(),
            output,
            last: None,
        })
    }

    pub fn output_dir(&self) -> &Path {
        self.output.target()
    }

    /// Re-reads the changed paths (absolute), then rebuilds. `None` when none of them is a
    /// source before or after (an editor's temporary file, made and renamed away).
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Option<Rebuild>, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut relevant = Vec::new();
        for path in changed {
            let Ok(relative) = path.strip_prefix(&self.root) else {
                continue;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            if !is_source(&relative) {
                continue;
            }
            let held_before = self.sources.holds(&relative);
            if path.is_file() {
                if let Err(d) = self.sources.reload(&relative, path) {
                    diagnostics.push(d);
                }
            } else if path.is_dir() {
                // A folder changed (a file renamed into or out of it): re-read what it holds.
                self.sources.remove_under(&relative);
                for entry in walkdir::WalkDir::new(path)
                    .follow_links(true)
                    .into_iter()
                    .flatten()
                    .filter(|e| e.file_type().is_file())
                {
                    let Ok(inner) = entry.path().strip_prefix(&self.root) else {
                        continue;
                    };
                    let inner = inner.to_string_lossy().replace('\\', "/");
                    if let Err(d) = self.sources.reload(&inner, entry.path()) {
                        diagnostics.push(d);
                    }
                }
            } else {
                // Deleted or renamed away (a folder takes everything below it along).
                self.sources.remove_under(&relative);
            }
            if held_before || self.sources.holds(&relative) {
                relevant.push(relative);
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        if relevant.is_empty() {
            return Ok(None);
        }
        if let Some(result) = self.page_edit(&relevant) {
            return result.map(Some);
        }
        self.rebuild().map(Some)
    }

    /// The fast path for the most common edit: existing pages or notices changed and the
    /// site's routes did not. A text edit re-renders only the routes showing that text (the
    /// page, the home a section intro appears on, a notice and the feeds carrying it). A page's
    /// front matter edit that moves nothing (a new title, weight, date or description) also
    /// re-renders what lists the page: the pages of its chapter (their chapter menu), the
    /// home, the chapter directory and the sitemap. `None` when the change is anything else.
    fn page_edit(&mut self, changed: &[String]) -> Option<Result<Rebuild, Diagnostics>> {
        let started = Instant::now();
        let last = self.last.as_mut()?;
        if changed.is_empty() {
            return None;
        }
        let mut swaps = Vec::new();
        let mut front_changed = false;
        for path in changed {
            if !path.starts_with("content/") || !path.ends_with(".md") {
                return None;
            }
            let site = &last.prepared.site;
            let text = &self.sources.get(path)?.text;
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
        let previous: Vec<Edited> = swaps
            .into_iter()
            .map(|edit| edit.swap_into(&mut last.prepared.site))
            .collect();
        let restore = |last: &mut LastGood, previous: Vec<Edited>| {
            for edit in previous {
                edit.swap_into(&mut last.prepared.site);
            }
        };
        if front_changed {
            let replanned = crate::plan::plan(&last.prepared.site, &self.plan).ok();
            let same_routes = replanned.is_some_and(|plan| {
                let old = &last.prepared.plan;
                plan.routes == old.routes
                    && plan.hrefs == old.hrefs
                    && plan.drafts_left_out == old.drafts_left_out
            });
            if !same_routes {
                restore(last, previous);
                return None;
            }
        }
        let routes = affected_routes(&last.prepared, &previous, front_changed);
        if routes.is_empty() {
            // A draft or a future notice left out of the output: nothing shows it.
            restore(last, previous);
            return None;
        }
        let total = last.prepared.plan.routes.len();
        match render_routes(last, &routes, front_changed) {
            Ok(files) => Some(
                self.output
                    .update(&files)
                    .map(|written| Rebuild {
                        rendered: routes.len(),
                        total,
                        written,
                        removed: 0,
                        elapsed: started.elapsed(),
                    })
                    .map_err(|e| {
                        Diagnostics::from(
                            Diagnostic::error(format!("cannot write the output: {e}"))
                                .hint("check the output folder's permissions"),
                        )
                    }),
            ),
            Err(diagnostics) => {
                // Keep the last good state: the broken page is re-read on the next save.
                restore(last, previous);
                if front_changed {
                    // The shared context was made from the broken edit's front matter.
                    last.state = None;
                }
                Some(Err(diagnostics))
            }
        }
    }

    /// Renders everything in memory and writes what changed.
    pub fn rebuild(&mut self) -> Result<Rebuild, Diagnostics> {
        let started = Instant::now();
        let mut warnings = Diagnostics::new();
        let prepared = prepare(&self.sources, &self.plan, &mut warnings)?;
        let rendered = render_prepared(&prepared)?;
        let files = rendered.files;
        let total = prepared.plan.routes.len();
        if !warnings.is_empty() {
            eprint!("{warnings}");
        }
        self.last = Some(LastGood {
            links: links::LinkContext::new(&prepared.plan, false),
            prepared,
            state: Some(rendered.state),
            pages: rendered.pages,
        });
        let (written, removed) = self.output.sync(&files).map_err(|e| {
            Diagnostics::from(
                Diagnostic::error(format!("cannot write the output: {e}"))
                    .hint("check the output folder's permissions"),
            )
        })?;
        Ok(Rebuild {
            rendered: total,
            total,
            written,
            removed,
            elapsed: started.elapsed(),
        })
    }
}

/// Whether a path below the root is a source folder or inside one.
fn is_source(relative: &str) -> bool {
    SOURCE_FOLDERS.iter().any(|folder| {
        relative
            .strip_prefix(folder)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Watches until `stop` is set, calling `report` after every rebuild attempt.
pub fn watch(
    mut watcher: Watcher,
    stop: Arc<AtomicBool>,
    mut report: impl FnMut(&Result<Rebuild, Diagnostics>),
) -> Result<(), Diagnostic> {
    let first = watcher.rebuild();
    report(&first);
    let (sender, receiver) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut notifier = notify::recommended_watcher(sender)
        .map_err(|e| Diagnostic::error(format!("cannot watch files: {e}")))?;
    // The root itself is watched (not recursively) so that a source folder made after the
    // start, such as a first `static/`, is noticed and then watched too.
    let watch = |notifier: &mut notify::RecommendedWatcher, dir: &Path, mode| {
        notifier
            .watch(dir, mode)
            .map_err(|e| Diagnostic::error(format!("cannot watch {}: {e}", dir.display())))
    };
    watch(&mut notifier, &watcher.root, RecursiveMode::NonRecursive)?;
    let mut watched = Vec::new();
    for folder in SOURCE_FOLDERS {
        let dir = watcher.root.join(folder);
        if dir.is_dir() {
            watch(&mut notifier, &dir, RecursiveMode::Recursive)?;
            watched.push(dir);
        }
    }
    // Reading a file is reported too (an access event); rebuilding reads files, so those
    // must be ignored or every rebuild would trigger the next.
    let relevant = |event: &notify::Event| !matches!(event.kind, notify::EventKind::Access(_));
    while !stop.load(Ordering::SeqCst) {
        let Ok(first) = receiver.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        let mut changed: Vec<PathBuf> = Vec::new();
        if let Ok(event) = first
            && relevant(&event)
        {
            changed.extend(event.paths);
        }
        if changed.is_empty() {
            continue;
        }
        // Editors save in bursts (temporary file, rename, chmod): wait until 80 ms pass
        // without a new event, then take everything at once.
        while let Ok(more) = receiver.recv_timeout(Duration::from_millis(80)) {
            if let Ok(event) = more
                && relevant(&event)
            {
                changed.extend(event.paths);
            }
        }
        changed.sort();
        changed.dedup();
        changed.retain(|p| {
            !p.starts_with(watcher.output_dir())
                && p.strip_prefix(&watcher.root)
                    .is_ok_and(|r| is_source(&r.to_string_lossy().replace('\\', "/")))
        });
        // A source folder made (or deleted and made again) since the start is watched anew.
        for folder in SOURCE_FOLDERS {
            let dir = watcher.root.join(folder);
            if !dir.is_dir() {
                let _ = notifier.unwatch(&dir);
                watched.retain(|d| *d != dir);
            } else if !watched.contains(&dir) {
                match watch(&mut notifier, &dir, RecursiveMode::Recursive) {
                    Ok(()) => watched.push(dir),
                    Err(problem) => eprint!("{}", Diagnostics::from(problem)),
                }
            }
        }
        if changed.is_empty() {
            continue;
        }
        match watcher.update(&changed) {
            Ok(None) => {}
            Ok(Some(rebuild)) => report(&Ok(rebuild)),
            Err(diagnostics) => report(&Err(diagnostics)),
        }
    }
    Ok(())
}

/// A page or notice whose text was edited, by its index in the site.
enum Edited {
    Page(usize, Box<crate::model::Page>),
    Notice(usize, Box<crate::model::Notice>),
}

impl Edited {
    /// Puts this version into the site; returns the version it replaced.
    fn swap_into(self, site: &mut crate::model::Site) -> Edited {
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
fn affected_routes(prepared: &Prepared, edited: &[Edited], listed: bool) -> Vec<usize> {
    use crate::model::Scope;
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
    let site = &prepared.site;
    // Feeds carry the notices' full text: the all-notices feed and their chapters' feeds.
    let in_feed = |chapter: &Option<crate::model::ChapterSlug>| match chapter {
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
    let lists = |route: &crate::plan::Route| {
        listed
            && (matches!(
                route.kind,
                RouteKind::Home { .. } | RouteKind::ChapterDirectory | RouteKind::Sitemap
            ) || (route.is_html_page() && chapters.contains(&&route.scope)))
    };
    prepared
        .plan
        .routes
        .iter()
        .enumerate()
        .filter(|(_, route)| shows(&route.kind) || lists(route))
        .map(|(i, _)| i)
        .collect()
}

/// Re-renders the given routes and re-checks the links they touch. With `refresh_shared`,
/// the context shared by all pages is made anew first (a page's title or order changed).
fn render_routes(
    last: &mut LastGood,
    routes: &[usize],
    refresh_shared: bool,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let prepared = &last.prepared;
    let renderer = match last.state.take() {
        Some(mut state) => {
            if refresh_shared {
                state.refresh_shared(&prepared.site, &prepared.plan);
            }
            Renderer::with_state(&prepared.site, &prepared.plan, state)
        }
        None => Renderer::new(&prepared.site, &prepared.plan)?,
    };
    let plan = &prepared.plan;
    let context = &last.links;
    let rendered: Vec<_> = {
        use rayon::prelude::*;
        routes
            .par_iter()
            .map(|i| {
                let route = &plan.routes[*i];
                renderer.render_route(route).map(|bytes| {
                    let checked = route.output.ends_with(".html").then(|| {
                        links::inspect(
                            &bytes,
                            &route.output,
                            &route.url,
                            &route.origin.to_string(),
                            context,
                        )
                    });
                    (route.output.clone(), bytes, checked)
                })
            })
            .collect()
    };
    let mut files = Vec::new();
    let mut replaced = Vec::new();
    let mut problems = Diagnostics::new();
    for result in rendered {
        match result {
            Ok((output, bytes, checked)) => {
                if let Some(checked) = checked {
                    replaced.push((output.clone(), last.pages.insert(output.clone(), checked)));
                }
                files.push((output, bytes));
            }
            Err(d) => problems.extend(d),
        }
    }
    last.state = Some(renderer.into_state());
    if !problems.has_errors() {
        let outputs: BTreeSet<String> = replaced.iter().map(|(o, _)| o.clone()).collect();
        problems.extend(links::verify_changed(&last.pages, &outputs));
    }
    if problems.has_errors() {
        for (output, old) in replaced {
            match old {
                Some(old) => last.pages.insert(output, old),
                None => last.pages.remove(&output),
            };
        }
        return Err(problems);
    }
    Ok(files)
}
