//! The one driver: load → plan → render → links → output, wired once for `build`, `check`
//! and `watch`.
//!
//! A [`Pipeline`] owns the loaded site, its plan, the render state (parsed templates and the
//! context shared by all pages) and each rendered page's link data. [`Pipeline::render`] is
//! the one parallel render loop (render a route, inspect its links, hand its bytes to a
//! sink); [`Pipeline::link_problems`] the one link verification. [`incremental`] decides
//! which routes an edit affects, so `watch` re-renders only those through the same loop.

pub mod incremental;
mod progress;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::links::{self, CheckedPage, LinkContext, LinkReport};
use crate::model::Site;
use crate::output::OutputSink;
use crate::plan::{self, Plan, PlanOptions};
use crate::render::{RenderState, RenderStats, Renderer};
use crate::source::SourceTree;

/// A loaded and planned site, ready to render, kept by `watch` between rebuilds.
pub struct Pipeline {
    pub site: Site,
    pub plan: Plan,
    /// What the plan was made with, to re-plan after an edit.
    options: PlanOptions,
    state: RenderState,
    /// What links resolve against (the plan's outputs).
    links: LinkContext,
    /// Output path → that page's links, from the last render.
    pages: BTreeMap<String, CheckedPage>,
}

/// One route's result: its page's links if it is HTML, or its problems.
type RouteResult = Result<Option<(String, CheckedPage)>, Vec<Diagnostic>>;

/// Which routes to render.
#[derive(Debug, Clone, Copy)]
pub enum Routes<'r> {
    All,
    /// Indices into the plan's routes.
    Only(&'r [usize]),
}

impl Pipeline {
    /// Loads and plans `sources`; warnings go to `warnings`, errors are returned, all of
    /// them at once.
    pub fn prepare(
        sources: &SourceTree,
        options: &PlanOptions,
        warnings: &mut Diagnostics,
    ) -> Result<Self, Diagnostics> {
        Self::plan_loaded(crate::load::load(sources), options, warnings)
    }

    /// As [`Pipeline::prepare`], taking the sources: they are dropped once loaded, before
    /// anything is planned, since the site holds every text it needs (`build` keeps no
    /// sources while rendering).
    pub fn prepare_consuming(
        sources: SourceTree,
        options: &PlanOptions,
        warnings: &mut Diagnostics,
    ) -> Result<Self, Diagnostics> {
        let loaded = crate::load::load(&sources);
        drop(sources);
        Self::plan_loaded(loaded, options, warnings)
    }

    fn plan_loaded(
        loaded: (Option<Site>, Diagnostics),
        options: &PlanOptions,
        warnings: &mut Diagnostics,
    ) -> Result<Self, Diagnostics> {
        let (site, mut diagnostics) = loaded;
        let Some(site) = site else {
            return Err(diagnostics);
        };
        match Self::new(site, options, false) {
            Ok(pipeline) => {
                warnings.extend(diagnostics);
                Ok(pipeline)
            }
            Err(problems) => {
                diagnostics.extend(problems);
                Err(diagnostics)
            }
        }
    }

    /// Plans a loaded site and parses its templates. With `thorough`, pages are read with a
    /// full HTML parser for link checks (`check`) rather than the fast scanner.
    pub fn new(site: Site, options: &PlanOptions, thorough: bool) -> Result<Self, Diagnostics> {
        let plan = plan::plan(&site, options)?;
        let state = RenderState::new(&site, &plan)?;
        Ok(Pipeline {
            links: LinkContext::new(&plan, &site.legal.cookies, thorough),
            options: options.clone(),
            site,
            plan,
            state,
            pages: BTreeMap::new(),
        })
    }

    /// Renders routes in parallel into `sink`, keeping each page's links; returns every
    /// problem found. Nothing is kept of a route that failed.
    pub fn render(
        &mut self,
        routes: Routes<'_>,
        sink: &dyn OutputSink,
    ) -> Result<RenderStats, Diagnostics> {
        let plan = &self.plan;
        let selected: Vec<usize> = match routes {
            Routes::All => (0..plan.routes.len()).collect(),
            Routes::Only(indices) => indices.to_vec(),
        };
        let renderer = Renderer::new(&self.site, plan, &self.state);
        let progress = progress::Progress::new(selected.len());
        let context = &self.links;
        let results: Vec<RouteResult> = selected
            .par_iter()
            .map(|&index| {
                let route = &plan.routes[index];
                let result = renderer.render_route(route).and_then(|bytes| {
                    // Links are read while the page is at hand, so it need not be kept.
                    let checked = route.output.ends_with(".html").then(|| {
                        let origin = route.origin.to_string();
                        links::inspect(&bytes, &route.output, &route.url, &origin, context)
                    });
                    sink.put(&route.output, &bytes).map_err(|e| {
                        vec![
                            Diagnostic::error(format!("cannot write `{}`: {e}", route.output))
                                .hint("check the output folder's permissions and free disk space"),
                        ]
                    })?;
                    Ok(checked.map(|page| (route.output.clone(), page)))
                });
                progress.tick();
                result
            })
            .collect();
        progress.finish();
        let mut diagnostics = Diagnostics::new();
        let mut pages = Vec::new();
        for result in results {
            match result {
                Ok(page) => pages.extend(page),
                Err(problems) => diagnostics.extend(problems),
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        if let Routes::All = routes {
            self.pages.clear();
        }
        self.pages.extend(pages);
        Ok(RenderStats {
            pages: selected
                .iter()
                .filter(|&&i| plan.routes[i].is_html_page())
                .count(),
            files: selected.len(),
        })
    }

    /// Every page's links checked against the outputs, and the external links found.
    pub fn verify_links(&self) -> LinkReport {
        links::verify(&self.pages)
    }

    /// The link problems of the whole site as located diagnostics (empty when every link
    /// resolves). `sources` gives the line where each link is written.
    pub fn link_problems(&self, sources: &SourceTree) -> Vec<Diagnostic> {
        self.diagnose(self.verify_links().problems, sources)
    }

    /// Findings turned into diagnostics at the file and line of each link.
    pub fn diagnose(&self, findings: Vec<links::Finding>, sources: &SourceTree) -> Vec<Diagnostic> {
        if findings.is_empty() {
            return Vec::new();
        }
        let merged: Vec<String> = self
            .site
            .fragments
            .values()
            .map(|page| page.source_path.clone())
            .collect();
        // An href the plan made from an `@/` link is looked for as it was written.
        let by_href: std::collections::HashMap<&str, &str> = self
            .plan
            .hrefs
            .iter()
            .map(|(content, href)| (href.as_str(), content.as_str()))
            .collect();
        let written_as = |href: &str| {
            let (path, fragment) = match href.split_once('#') {
                Some((path, fragment)) => (path, format!("#{fragment}")),
                None => (href, String::new()),
            };
            by_href
                .get(path)
                .map(|content| format!("@/{content}{fragment}"))
        };
        let spellings = links::Spellings {
            merged_files: &merged,
            written_as: &written_as,
        };
        links::diagnose(findings, sources, &spellings)
    }

    /// The link data of the pages rendered so far.
    pub fn pages(&self) -> &BTreeMap<String, CheckedPage> {
        &self.pages
    }

    /// The link problems after the `changed` pages were re-rendered, when all others were
    /// clean: see [`links::verify_changed`].
    fn changed_link_problems(
        &self,
        changed: &BTreeSet<String>,
        sources: &SourceTree,
    ) -> Vec<Diagnostic> {
        self.diagnose(links::verify_changed(&self.pages, changed), sources)
    }

    /// Makes the shared render context anew (pages' titles or order changed).
    fn refresh_shared(&mut self) {
        self.state.refresh_shared(&self.site, &self.plan);
    }
}
