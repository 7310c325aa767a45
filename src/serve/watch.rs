//! `watch`: rebuild on every change under content/, data/, themes/ and static/.
//!
//! The source tree stays in memory and only changed files are re-read. Each rebuild renders
//! in memory and writes only the files whose bytes changed (removing outputs whose source is
//! gone), so a one-page edit touches a handful of files. A broken edit prints its errors and
//! keeps the last good output; the next good save recovers. Nothing here ends the process.

use std::collections::{BTreeMap, BTreeSet, HashSet};
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
use crate::render::{RenderState, Renderer};
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
    /// Every output path of the plan, for resolving links.
    outputs: HashSet<String>,
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

    /// Re-reads the changed paths (absolute), then rebuilds.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        for path in changed {
            let Ok(relative) = path.strip_prefix(&self.root) else {
                continue;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            if !is_source(&relative) {
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
            .filter(|p| is_source(p))
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
        let last = self.last.as_mut()?;
        let prepared = &mut last.prepared;
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
        let result = render_pages(last, &previous_pages);
        match result {
            Ok(files) => {
                let written = self.output.update(&files);
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
                    last.prepared.site.pages[index] = old;
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
        if !warnings.is_empty() {
            eprint!("{warnings}");
        }
        self.last = Some(LastGood {
            outputs: prepared
                .plan
                .routes
                .iter()
                .map(|r| r.output.clone())
                .collect(),
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
        let result = watcher.update(&changed);
        report(&result);
    }
    Ok(())
}

/// Re-renders the routes of the changed pages and re-checks the links they touch.
fn render_pages(
    last: &mut LastGood,
    changed: &[(usize, crate::model::Page)],
) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let prepared = &last.prepared;
    let renderer = match last.state.take() {
        Some(state) => Renderer::with_state(&prepared.site, &prepared.plan, state),
        None => Renderer::new(&prepared.site, &prepared.plan)?,
    };
    let plan = &prepared.plan;
    let root_url = plan.root.absolute("");
    let context = links::LinkContext {
        outputs: &last.outputs,
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
                        last.pages.insert(route.output.clone(), checked),
                    ));
                    files.push((route.output.clone(), bytes));
                }
                Err(d) => problems.extend(d),
            }
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
