//! Fits the headings of a text merged into a generated page to the page's outline: a
//! legal introduction sits under the page's `<h1>`, a merged section under its own `<h2>`,
//! so their headings are shifted to start one level below (WCAG 1.3.1, axe's
//! heading-order), whatever level the writer used. Their heading ids are also kept apart
//! from the ids the page's own markup uses (`PageIds`), so `## Purposes` in an introduction
//! does not take `#purposes` from the policy's own section.

use std::collections::BTreeSet;

/// The ids on one generated page: its templates' own, then each merged text's headings'.
pub struct PageIds {
    taken: BTreeSet<String>,
    /// Literal beginnings of templated ids (`purpose-` of `id="purpose-{{ p.id }}"`).
    prefixes: Vec<String>,
}

impl PageIds {
    /// The ids written in `templates` (the page's template and the base it extends).
    pub fn of_templates<'t>(templates: impl IntoIterator<Item = &'t str>) -> Self {
        let mut ids = PageIds {
            taken: BTreeSet::new(),
            prefixes: Vec::new(),
        };
        for text in templates {
            for value in text
                .split("id=\"")
                .skip(1)
                .filter_map(|v| v.split('"').next())
            {
                match value.find("{{") {
                    Some(0) => {}
                    Some(at) => ids.prefixes.push(value[..at].to_string()),
                    None => {
                        ids.taken.insert(value.to_string());
                    }
                }
            }
        }
        ids
    }

    fn is_taken(&self, id: &str) -> bool {
        self.taken.contains(id) || self.prefixes.iter().any(|p| id.starts_with(p.as_str()))
    }

    /// Renames each heading id of `html` the page already uses (`purposes` → `purposes-2`,
    /// with the heading's self-link) and records the ids it keeps.
    pub fn fit(&mut self, html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some((at, closing, _)) = next_heading_tag(rest) {
            let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
            let tag = &rest[at..tag_end];
            let id = (!closing)
                .then(|| tag.split("id=\"").nth(1))
                .flatten()
                .and_then(|v| v.split('"').next());
            let Some(id) = id else {
                out.push_str(&rest[..tag_end]);
                rest = &rest[tag_end..];
                continue;
            };
            let free = self.free_id(id);
            self.taken.insert(free.clone());
            out.push_str(&rest[..at]);
            out.push_str(&tag.replacen(&format!("id=\"{id}\""), &format!("id=\"{free}\""), 1));
            rest = &rest[tag_end..];
            // The heading's own anchor follows inside the heading.
            let close = rest.find("</h").unwrap_or(rest.len());
            let anchor = format!("href=\"#{id}\" aria-hidden=\"true\"");
            let inner = rest[..close].replacen(
                &anchor,
                &format!("href=\"#{free}\" aria-hidden=\"true\""),
                1,
            );
            out.push_str(&inner);
            rest = &rest[close..];
        }
        out.push_str(rest);
        out
    }

    fn free_id(&self, id: &str) -> String {
        if !self.is_taken(id) {
            return id.to_string();
        }
        // Every suffixed form of `purpose-x` still starts with `purpose-`: move it aside.
        let base = if self.prefixes.iter().any(|p| id.starts_with(p.as_str())) {
            format!("text-{id}")
        } else {
            id.to_string()
        };
        std::iter::once(base.clone())
            .chain((2..=self.taken.len() + 2).map(|n| format!("{base}-{n}")))
            .find(|candidate| !self.is_taken(candidate))
            .unwrap_or(base)
    }
}

/// Shifts every `<hN>` of `html` so the highest heading becomes `<h{top}>`; levels stay
/// in their relative order and never pass `<h6>`.
pub fn fit_outline(html: &str, top: u8) -> String {
    let levels = heading_levels(html);
    let Some(highest) = levels.iter().copied().min() else {
        return html.to_string();
    };
    let shift = i16::from(top) - i16::from(highest);
    if shift == 0 {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some((at, closing, level)) = next_heading_tag(rest) {
        let tag_start = if closing { at + 3 } else { at + 2 };
        out.push_str(&rest[..tag_start]);
        let moved = (i16::from(level) + shift).clamp(1, 6);
        out.push(char::from(b'0' + moved as u8));
        rest = &rest[tag_start + 1..];
    }
    out.push_str(rest);
    out
}

fn heading_levels(html: &str) -> Vec<u8> {
    let mut levels = Vec::new();
    let mut rest = html;
    while let Some((at, closing, level)) = next_heading_tag(rest) {
        if !closing {
            levels.push(level);
        }
        rest = &rest[at + 3..];
    }
    levels
}

/// The next `<hN` or `</hN` tag (N in 1–6, followed by `>` or a space): offset, whether
/// it closes, and N. `<header>` and `<hr>` are not headings.
fn next_heading_tag(html: &str) -> Option<(usize, bool, u8)> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(found) = html[from..].find("<") {
        let at = from + found;
        let closing = bytes.get(at + 1) == Some(&b'/');
        let h = at + 1 + usize::from(closing);
        if bytes.get(h) == Some(&b'h')
            && let Some(&digit) = bytes.get(h + 1)
            && (b'1'..=b'6').contains(&digit)
            && matches!(bytes.get(h + 2), Some(b'>' | b' '))
        {
            return Some((at, closing, digit - b'0'));
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{PageIds, fit_outline};

    #[test]
    fn merged_headings_leave_the_page_its_own_ids() {
        let mut ids = PageIds::of_templates([
            "<h2 id=\"purposes\">P</h2><th id=\"purpose-{{ p.id }}\">",
            "<main id=\"main\">",
        ]);
        let intro = "<h2 id=\"purposes\">Purposes <a class=\"anchor\" href=\"#purposes\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2><p>See <a href=\"#purposes\">below</a>.</p><h3 id=\"main\">Main</h3><h3 id=\"purpose-x\">X</h3><h3 id=\"kept\">K</h3>";
        assert_eq!(
            ids.fit(intro),
            "<h2 id=\"purposes-2\">Purposes <a class=\"anchor\" href=\"#purposes-2\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2><p>See <a href=\"#purposes\">below</a>.</p><h3 id=\"main-2\">Main</h3><h3 id=\"text-purpose-x\">X</h3><h3 id=\"kept\">K</h3>"
        );
        // A second merged text on the same page does not reuse the first one's ids.
        assert_eq!(
            ids.fit("<h3 id=\"kept\">K</h3>"),
            "<h3 id=\"kept-2\">K</h3>"
        );
    }

    #[test]
    fn headings_start_below_the_page_heading() {
        assert_eq!(
            fit_outline("<h3 id=\"a\">A</h3><p>x</p><h4>B</h4>", 2),
            "<h2 id=\"a\">A</h2><p>x</p><h3>B</h3>"
        );
        assert_eq!(
            fit_outline("<h1>A</h1><h2>B</h2>", 3),
            "<h3>A</h3><h4>B</h4>"
        );
        assert_eq!(
            fit_outline("<h5>A</h5><h6>B</h6>", 5),
            "<h5>A</h5><h6>B</h6>"
        );
        assert_eq!(
            fit_outline("<h1>A</h1><h6>B</h6>", 3),
            "<h3>A</h3><h6>B</h6>"
        );
        assert_eq!(
            fit_outline("<header><hr><p>no heading</p></header>", 2),
            "<header><hr><p>no heading</p></header>"
        );
    }
}
