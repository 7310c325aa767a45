//! Fits the headings of a text merged into a generated page to the page's outline: a
//! legal introduction sits under the page's `<h1>`, a merged section under its own `<h2>`,
//! so their headings are shifted to start one level below (WCAG 1.3.1, axe's
//! heading-order), whatever level the writer used.

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
    use super::fit_outline;

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
