//! `watch`: rebuild on every change under content/, data/, themes/ and static/.
//!
//! The source tree stays in memory and only changed files are re-read. Each rebuild renders
//! in memory and writes only the files whose bytes changed (removing outputs whose source is
//! gone), so a one-page edit touches a handful of files. A broken edit prints its errors and
//! keeps the last good output; the next good save recovers. Nothing here ends the process.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use notify_debouncer_mini::notify::{self, RecursiveMode, Watcher as _};

use crate::build::{Prepared, prepare, render_prepared};
use crate::check::links::{self, CheckedPage};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::page;
use crate::output;
use crate::plan::PlanOptions;
use crate::plan::RouteKind;
use crate::render::Renderer;
use crate::source::{self, SOURCE_FOLDERS, SourceTree};

/// What one rebuild did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rebuild {
    pub written: usize,
    pub removed: usize,
    pub elapsed: Duration,
}

/// Keeps the sources and the last written output between rebuilds.
pub struct Watcher {
    root: PathBuf,
    output_dir: PathBuf,
    plan: PlanOptions,
    sources: SourceTree,
    written: BTreeMap<String, u64>,
    /// The last good site, plan and page links, for re-rendering single pages.
    last: Option<(Prepared, BTreeMap<String, CheckedPage>)>,
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
        output::prepare_incremental(&output_dir).map_err(Diagnostics::from)?;
        Ok(Watcher {
            root: root.to_path_buf(),
            output_dir,
            plan,
            sources: source::read_tree(root).unwrap_or_default(),
            written: BTreeMap::new(),
            last: None,
        })
    }

    pub fn output_dir(&self) -> &Path {
        &self.output_dir
    }

    /// Re-reads the changed paths (absolute), then rebuilds.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        for path in changed {
            let Ok(relative) = path.strip_prefix(&self.root) else {
                continue;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            if !SOURCE_FOLDERS
                .iter()
                .any(|f| relative.starts_with(&format!("{f}/")))
            {
                continue;
            }
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
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        let relative: Vec<String> = changed
            .iter()
            .filter_map(|p| p.strip_prefix(&self.root).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .filter(|p| {
                SOURCE_FOLDERS
                    .iter()
                    .any(|f| p.starts_with(&format!("{f}/")))
            })
            .collect();
        if let Some(result) = self.page_edit(&relative) {
            return result;
        }
        self.rebuild()
    }

    /// The fast path for the most common edit: the text of existing pages changed and their
    /// front matter did not, so URLs, listings, feeds and the sitemap are unchanged and only
    /// those pages are re-rendered. `None` when the change is anything else.
    fn page_edit(&mut self, changed: &[String]) -> Option<Result<Rebuild, Diagnostics>> {
        let started = Instant::now();
        let (prepared, pages) = self.last.as_mut()?;
        if changed.is_empty() {
            return None;
        }
        let mut swaps = Vec::new();
        for path in changed {
            if !path.starts_with("content/") || !path.ends_with(".md") {
                return None;
            }
            let index = prepared
                .site
                .pages
                .iter()
                .position(|p| &p.source_path == path)?;
            let old = &prepared.site.pages[index];
            let new = page::parse(path, &self.sources.get(path)?.text, old.scope.clone()).ok()?;
            let routed = prepared
                .plan
                .routes
                .iter()
                .any(|r| r.kind == RouteKind::Page(index));
            if new.front != old.front || new.is_index || !routed {
                return None;
            }
            swaps.push((index, new));
        }
        let mut previous_pages = Vec::new();
        for (index, new) in swaps {
            previous_pages.push((
                index,
                std::mem::replace(&mut prepared.site.pages[index], new),
            ));
        }
        let result = render_pages(prepared, pages, &previous_pages);
        match result {
            Ok(files) => {
                let written = output::write_changed(&self.output_dir, &files, &mut self.written);
                Some(
                    written
                        .map(|written| Rebuild {
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
                )
            }
            Err(diagnostics) => {
                // Keep the last good state: the broken page is re-read on the next save.
                for (index, old) in previous_pages {
                    prepared.site.pages[index] = old;
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
        let (files, pages) = render_prepared(&prepared)?;
        if !warnings.is_empty() {
            eprint!("{warnings}");
        }
        self.last = Some((prepared, pages));
        let (written, removed) = output::sync_changed(&self.output_dir, &files, &mut self.written)
            .map_err(|e| {
                Diagnostics::from(
                    Diagnostic::error(format!("cannot write the output: {e}"))
                        .hint("check the output folder's permissions"),
                )
            })?;
        Ok(Rebuild {
            written,
            removed,
            elapsed: started.elapsed(),
        })
    }
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
    for folder in SOURCE_FOLDERS {
        let dir = watcher.root.join(folder);
        if dir.is_dir() {
            notifier
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| Diagnostic::error(format!("cannot watch {}: {e}", dir.display())))?;
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
        changed.retain(|p| !p.starts_with(&watcher.output_dir));
        if changed.is_empty() {
            continue;
        }
        let result = watcher.update(&changed);
        report(&result);
    }
    Ok(())
}

/// Re-renders the routes of the changed pages and re-checks every page's links.
fn render_pages(
    prepared: &Prepared,
    pages: &mut BTreeMap<String, CheckedPage>,
    changed: &[(usize, crate::model::Page)],
) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let renderer = Renderer::new(&prepared.site, &prepared.plan)?;
    let plan = &prepared.plan;
    let outputs: std::collections::HashSet<String> =
        plan.routes.iter().map(|r| r.output.clone()).collect();
    let root_url = plan.root.absolute("");
    let context = links::LinkContext {
        outputs: &outputs,
        root_path: plan.root.path(),
        root_url: &root_url,
        thorough: false,
    };
    let mut files = Vec::new();
    let mut replaced = Vec::new();
    let mut problems = Diagnostics::new();
    for (index, _) in changed {
        for route in plan
            .routes
            .iter()
            .filter(|r| r.kind == RouteKind::Page(*index))
        {
            match renderer.render_route(route) {
                Ok(bytes) => {
                    let checked =
                        links::inspect(&bytes, &route.output, &route.url, &route.origin, &context);
                    replaced.push((
                        route.output.clone(),
                        pages.insert(route.output.clone(), checked),
                    ));
                    files.push((route.output.clone(), bytes));
                }
                Err(d) => problems.extend(d),
            }
        }
    }
    if !problems.has_errors() {
        problems.extend(links::verify(pages).problems);
    }
    if problems.has_errors() {
        for (output, old) in replaced {
            match old {
                Some(old) => pages.insert(output, old),
                None => pages.remove(&output),
            };
        }
        return Err(problems);
    }
    Ok(files)
}
