//! The HTML routes: one function per kind of page, each filling the template context and
//! naming its template, plus the context every page shares.

use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::model::{ChapterSlug, Scope};
use crate::plan::{Layout, LegalPage, Route, RouteKind};

use super::context::{self, Link};
use super::{Renderer, legal, notices};

type Rendered = Result<String, Vec<Diagnostic>>;

impl Renderer<'_> {
    /// Fills `context` for an HTML route and returns its template's name.
    pub(super) fn page_context(&self, route: &Route, context: &mut Context) -> Rendered {
        match &route.kind {
            RouteKind::Home { intro } => self.home(route, *intro, context),
            RouteKind::ChapterDirectory => {
                context.insert("page_title", &self.strings(route)["chapters"]);
                context.insert("regions", &self.state.shared.regions);
                Ok("chapters.html".to_string())
            }
            RouteKind::ChapterHome { chapter, intro } => {
                self.chapter_home(route, chapter, *intro, context)
            }
            RouteKind::Page(i) => self.page(route, *i, context),
            RouteKind::NoticeIndex { page, pages } => {
                self.notice_index(route, *page, *pages, context)
            }
            RouteKind::Notice(i) => self.notice(route, *i, context),
            RouteKind::Legal(page) => self.legal(route, *page, context),
            RouteKind::NotFound => {
                context.insert("page_title", &self.strings(route)["not_found_title"]);
                Ok("404.html".to_string())
            }
            RouteKind::Alias { target } => {
                context.insert("page_title", &self.strings(route)["redirect_title"]);
                context.insert("target", target);
                let absolute = self.plan.layout.absolute_of_href(target);
                context.insert("target_absolute", &absolute);
                Ok("alias.html".to_string())
            }
            RouteKind::ThemeAsset(_)
            | RouteKind::StaticFile(_)
            | RouteKind::Sitemap { .. }
            | RouteKind::SitemapIndex { .. }
            | RouteKind::Robots
            | RouteKind::Headers
            | RouteKind::SchedulesCsv
            | RouteKind::SchedulesJson
            | RouteKind::Feed(_)
            | RouteKind::Calendar(_) => {
                unreachable!("files are rendered by Renderer::file")
            }
        }
    }

    fn home(&self, route: &Route, intro: Option<usize>, context: &mut Context) -> Rendered {
        let site = self.site;
        context.insert("page_title", &site.config.title);
        context.insert("intro", &self.markdown_of(route, intro)?);
        context.insert("regions", &self.state.shared.regions);
        let notices = notices::for_home(site, self.plan, self.strings(route));
        context.insert("notices", &notices);
        Ok("home.html".to_string())
    }

    fn chapter_home(
        &self,
        route: &Route,
        slug: &ChapterSlug,
        intro: Option<usize>,
        context: &mut Context,
    ) -> Rendered {
        let site = self.site;
        let chapter = &site.chapters[slug];
        context.insert("page_title", &chapter.data.name);
        let description = chapter.data.description.get_ref();
        let locate = |at: usize, message: String| {
            Diagnostic::error(message).at(
                &chapter.source_path,
                &chapter.file_text,
                chapter.description_offset(at),
            )
        };
        context.insert(
            "description_html",
            &self.render_markdown(description, self.strings(route), &locate)?,
        );
        context.insert("intro", &self.markdown_of(route, intro)?);
        let t = self.strings(route);
        let lists = notices::lists(site, self.plan, Some(slug), t);
        context.insert("notices", &lists.0);
        let upcoming = notices::upcoming(chapter, self.plan.now, 3, t);
        context.insert("upcoming", &upcoming);
        Ok("chapter.html".to_string())
    }

    fn page(&self, route: &Route, index: usize, context: &mut Context) -> Rendered {
        let page = &self.site.pages[index];
        context.insert("page_title", &page.front.title);
        context.insert("description", &page.front.description);
        let date = page
            .front
            .date
            .map(|d| context::format_date(d.0, self.strings(route)));
        context.insert("date", &date);
        context.insert("date_iso", &page.front.date.map(|d| d.0.to_string()));
        context.insert("content", &self.markdown_of(route, Some(index))?);
        // Plan has checked that the named template exists.
        Ok(page
            .front
            .template
            .clone()
            .unwrap_or_else(|| "page.html".to_string()))
    }

    fn notice_index(
        &self,
        route: &Route,
        page: usize,
        pages: usize,
        context: &mut Context,
    ) -> Rendered {
        let site = self.site;
        let t = self.strings(route);
        context.insert("page_title", &t["notices"]);
        let chapter = self.plan.layout.standalone();
        let (current, archived) = notices::lists(site, self.plan, chapter, t);
        let size = site.config.notices.page_size.max(1);
        let archive: Vec<_> = archived
            .into_iter()
            .skip((page - 1) * size)
            .take(size)
            .collect();
        context.insert("current", &if page == 1 { current } else { Vec::new() });
        context.insert("archive", &archive);
        context.insert("page", &page);
        context.insert("pages", &pages);
        let page_href = |n: usize| self.plan.href(&Layout::notices_list(n));
        context.insert("previous_href", &(page > 1).then(|| page_href(page - 1)));
        context.insert("next_href", &(page < pages).then(|| page_href(page + 1)));
        Ok("notices.html".to_string())
    }

    fn notice(&self, route: &Route, index: usize, context: &mut Context) -> Rendered {
        let notice = &self.site.notices[index];
        let t = self.strings(route);
        let view = notices::view(self.site, self.plan, notice, t);
        context.insert("page_title", &view.title);
        context.insert("notice", &view);
        let markdown = |text: &str, locate: &dyn Fn(usize, String) -> Diagnostic| {
            self.render_markdown(text, t, locate)
        };
        let detail = notices::detail(notice, self.plan, t, &markdown)?;
        context.insert("detail", &detail);
        Ok("notice.html".to_string())
    }

    fn legal(&self, route: &Route, page: LegalPage, context: &mut Context) -> Rendered {
        let t = self.strings(route);
        let markdown = |text: &str, locate: &dyn Fn(usize, String) -> Diagnostic| {
            self.render_markdown(text, t, locate)
        };
        let template = legal::context(
            page,
            &route.language,
            self.site,
            self.plan,
            t,
            context,
            &markdown,
        )?;
        Ok(template.to_string())
    }

    /// The context every HTML page shares: the site, navigation, legal links, feeds.
    pub(super) fn base_context(&self, route: &Route) -> Context {
        let (site, layout) = (self.site, &self.plan.layout);
        let t = self.strings(route);
        let mut context = Context::new();
        context.insert("site_title", &site.config.title);
        context.insert("site_description", &site.config.description);
        context.insert("root", layout.root().path());
        context.insert("lang", route.language.as_str());
        context.insert("current_href", &layout.href(&route.url));
        context.insert("canonical", &layout.absolute(&route.url));
        let nav = self.state.nav.get(route.language.primary());
        context.insert("nav", nav.map_or(&[][..], Vec::as_slice));
        let legal: Vec<Link> = self
            .state
            .legal
            .iter()
            .map(|(key, href)| Link {
                title: t.text(key),
                href: href.clone(),
            })
            .collect();
        context.insert("legal", &legal);
        context.insert("standalone", &layout.is_standalone());
        context.insert("organisation_href", &layout.organisation_href(""));
        let chapter = match &route.scope {
            Scope::Chapter(slug) => self.state.shared.chapters.get(slug),
            Scope::Organisation => None,
        };
        context.insert("chapter", &chapter);
        context.insert("consent", &self.state.consent);
        let banner = self.state.consent.as_ref().map(|c| c.banner(t));
        context.insert("consent_banner", &banner);
        context.insert("csp_meta", &self.state.csp_meta);
        context.insert("feeds", &self.feed_links(route));
        context.insert("notices_href", &layout.href(&Layout::notices_list(1)));
        let calendar = layout.chapter_calendar_href(&route.scope);
        context.insert("calendar_href", &calendar);
        let chapter_feed = layout.chapter_feed_href(&route.scope);
        context.insert("chapter_feed_href", &chapter_feed);
        context
    }

    /// The feeds a page announces: all notices, and on the organisation's site the page's
    /// chapter's own.
    fn feed_links(&self, route: &Route) -> Vec<Link> {
        let layout = &self.plan.layout;
        let t = self.strings(route);
        let mut feeds = vec![Link {
            title: t.optional("notices_feed").unwrap_or_default(),
            href: layout.href(&layout.feed(None)),
        }];
        if let (Scope::Chapter(slug), false) = (&route.scope, layout.is_standalone()) {
            let name = &self.site.chapters[slug].data.name;
            feeds.push(Link {
                title: format!("{name}: {}", feeds[0].title),
                href: layout.href(&layout.feed(Some(slug))),
            });
        }
        feeds
    }
}
