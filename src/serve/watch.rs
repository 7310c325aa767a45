//! `watch`: rebuild on every change under content/, data/, themes/ and static/.
//!
//! The source tree stays in memory and only changed files are re-read. Each rebuild renders
//! in memory and writes only the files whose bytes changed (removing outputs whose source is
//! gone), so a one-page edit touches a handful of files. A broken edit prints its errors and
//! keeps the last good output; the next good save recovers. Nothing here ends the process.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use notify_debouncer_mini::notify::{self, RecursiveMode, Watcher as _};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{self, MemoryOutput};
use crate::pipeline::{Pipeline, Routes, incremental};
use crate::plan::PlanOptions;
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
    /// The last full read failed (a file that was not UTF-8): the sources are then read
    /// whole again on every change until a read succeeds.
    unread: bool,
    output: output::LiveOutput,
    /// The last good build, for re-rendering single pages.
    last: Option<Pipeline>,
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
            sources: SourceTree::default(),
            unread: true,
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
        if self.unread {
            return self.rebuild().map(Some);
        }
        let mut diagnostics = Diagnostics::new();
        let mut relevant = Vec::new();
        for path in changed {
            let Ok(relative) = path.strip_prefix(&self.root) else {
                continue;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            if !source::is_source_path(&relative) {
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
                    if !source::is_source_path(&inner) {
                        continue;
                    }
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

    /// The fast path for the most common edit (see [`incremental`]): re-render only what
    /// the edited pages and notices show in. `None` when the change needs a full rebuild.
    fn page_edit(&mut self, changed: &[String]) -> Option<Result<Rebuild, Diagnostics>> {
        let started = Instant::now();
        let pipeline = self.last.as_mut()?;
        let total = pipeline.plan.routes.len();
        let partial = match incremental::page_edit(pipeline, &self.sources, changed)? {
            Ok(partial) => partial,
            Err(diagnostics) => return Some(Err(diagnostics)),
        };
        Some(
            self.output
                .update(&partial.files)
                .map(|written| Rebuild {
                    rendered: partial.rendered,
                    total,
                    written,
                    removed: 0,
                    elapsed: started.elapsed(),
                })
                .map_err(cannot_write),
        )
    }

    /// Renders everything in memory and writes what changed.
    pub fn rebuild(&mut self) -> Result<Rebuild, Diagnostics> {
        let started = Instant::now();
        if self.unread {
            match source::read_tree(&self.root) {
                Ok(sources) => {
                    self.sources = sources;
                    self.unread = false;
                }
                Err(problems) => return Err(problems),
            }
        }
        let mut warnings = Diagnostics::new();
        let mut pipeline = Pipeline::prepare(&self.sources, &self.plan, &mut warnings)?;
        let memory = MemoryOutput::default();
        pipeline.render(Routes::All, &memory)?;
        let problems = pipeline.link_problems(&self.sources);
        if !problems.is_empty() {
            return Err(problems.into_iter().collect());
        }
        let files = memory.into_files();
        let total = pipeline.plan.routes.len();
        if !warnings.is_empty() {
            eprint!("{warnings}");
        }
        self.last = Some(pipeline);
        let (written, removed) = self.output.sync(&files).map_err(cannot_write)?;
        Ok(Rebuild {
            rendered: total,
            total,
            written,
            removed,
            elapsed: started.elapsed(),
        })
    }
}

fn cannot_write(e: std::io::Error) -> Diagnostics {
    Diagnostics::from(
        Diagnostic::error(format!("cannot write the output: {e}"))
            .hint("check the output folder's permissions"),
    )
}

/// The paths of the next burst of events, or `None` when none came within 200 ms. Editors
/// save in bursts (temporary file, rename, chmod): the burst ends when 80 ms pass without a
/// new event.
fn next_burst(
    receiver: &std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
) -> Option<Vec<PathBuf>> {
    // Reading a file is reported too (an access event); rebuilding reads files, so those
    // must be ignored or every rebuild would trigger the next.
    let relevant = |event: &notify::Event| !matches!(event.kind, notify::EventKind::Access(_));
    let mut changed = Vec::new();
    if let Ok(Ok(event)) = receiver.recv_timeout(Duration::from_millis(200))
        && relevant(&event)
    {
        changed.extend(event.paths);
    }
    if changed.is_empty() {
        return None;
    }
    while let Ok(more) = receiver.recv_timeout(Duration::from_millis(80)) {
        if let Ok(event) = more
            && relevant(&event)
        {
            changed.extend(event.paths);
        }
    }
    Some(changed)
}

/// Watches until `stop` is set, calling `report` after every rebuild attempt.
pub fn watch(
    mut watcher: Watcher,
    stop: Arc<AtomicBool>,
    mut report: impl FnMut(&Result<Rebuild, Diagnostics>),
) -> Result<(), Diagnostic> {
    // Watching starts before the first build, so an edit saved while it runs (or just after
    // it is reported) is not lost.
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
    let first = watcher.rebuild();
    report(&first);
    while !stop.load(Ordering::SeqCst) {
        let Some(mut changed) = next_burst(&receiver) else {
            continue;
        };
        changed.sort();
        changed.dedup();
        changed.retain(|p| {
            !p.starts_with(watcher.output_dir())
                && p.strip_prefix(&watcher.root)
                    .is_ok_and(|r| source::is_source_path(&r.to_string_lossy().replace('\\', "/")))
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
