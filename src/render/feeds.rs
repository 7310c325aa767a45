//! The notices feeds and meeting calendars: the site's data gathered for the Atom and
//! iCalendar writers.

use crate::diagnostics::Diagnostic;
use crate::model::{Chapter, ChapterSlug, Scope};
use crate::plan::{Layout, Route};

use super::{Renderer, atom, escape_html, ical, notices};

impl Renderer<'_> {
    /// The Atom feed of all published notices, or of one chapter's.
    pub(super) fn feed(
        &self,
        route: &Route,
        chapter: Option<&ChapterSlug>,
    ) -> Result<String, Vec<Diagnostic>> {
        let (site, layout) = (self.site, &self.plan.layout);
        let t = self.strings(route);
        let host = layout.organisation_root().host().to_string();
        let mut entries = Vec::new();
        for (_, notice) in self.plan.notices_of(site, chapter).take(50) {
            let content = self.render_markdown(&notice.body, t, &|offset, message| {
                notice.error_in_body(offset, message)
            })?;
            let path = Layout::notice(&notice.slug);
            let url = layout.absolute(&path);
            let content_html = match &notice.link {
                Some(link) => format!(
                    "{content}<p><a href=\"{}\">{}</a></p>",
                    layout.absolute(link),
                    escape_html(&url)
                ),
                None => content,
            };
            entries.push(atom::Entry {
                id: atom::tag_uri(&host, &path),
                title: notices::title(notice, t),
                url,
                date: notice.front.date.0,
                summary: notice.front.summary.clone(),
                content_html,
                category: notice.front.kind.key(),
                author: match &notice.scope {
                    Scope::Chapter(slug) => site.chapter(slug).map(|c| c.data.name.clone()),
                    Scope::Organisation => None,
                },
            });
        }
        let title = match chapter {
            Some(slug) => format!("{}: {}", site.chapters[slug].data.name, t["notices"]),
            None => format!("{}: {}", site.config.title, t["notices"]),
        };
        let feed = atom::Feed {
            id: atom::tag_uri(&host, &Layout::feed_id_path(chapter)),
            title,
            language: route.language.as_str(),
            self_url: layout.absolute(&route.output),
            html_url: layout.feed_html_url(chapter),
            author: &site.config.title,
            fallback_updated: self.plan.now,
        };
        Ok(atom::render(&feed, &entries))
    }

    /// The iCalendar file of every chapter's meetings, or of one chapter's.
    pub(super) fn calendar(&self, chapter: Option<&ChapterSlug>) -> String {
        let site = self.site;
        let chapters: Vec<&Chapter> = match chapter {
            Some(slug) => site.chapter(slug).into_iter().collect(),
            None => site.chapters.values().collect(),
        };
        let name = match chapter {
            Some(slug) => format!("{}: {}", site.config.title, site.chapters[slug].data.name),
            None => site.config.title.clone(),
        };
        let host = self.plan.layout.organisation_root().host();
        ical::calendar(&name, &chapters, host, self.plan.now)
    }
}
