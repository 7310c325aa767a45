//! How deeply a page nests: markdown containers and raw HTML tags counted together, so a
//! page nested deeper than the sanitiser can handle in linear time is refused first.

use pulldown_cmark::Event;

/// How deeply markdown containers and raw HTML tags together may nest: the sanitiser's time
/// grows with the square of the depth, and no real page comes near this.
pub const MAX_NESTING: usize = 512;

/// Estimates the depth the sanitiser's parser will build: markdown containers, plus raw HTML
/// read by a tokenizer following HTML where depth depends on it (comments, quotes, `<script>`
/// and other raw text, end tags matching nothing, `<b>` and other formatting elements, which
/// the parser reopens after a block, so only their own end tag counts). It errs too deep.
#[derive(Default)]
pub(super) struct Nesting {
    containers: usize,
    /// Open raw-HTML elements (names); formatting ones are counted in `formatting`.
    open: Vec<String>,
    formatting: Vec<String>,
    /// Open `<svg>`/`<math>`, where `/>` closes an element.
    foreign: usize,
    state: Scan,
    name: String,
    closing: bool,
    last: char,
    after_equals: bool,
}

#[derive(Default, Clone, PartialEq, Eq)]
enum Scan {
    #[default]
    Text,
    Open,
    EndOpen,
    Bang(usize),
    Bogus,
    Name,
    Attributes,
    Quoted(char),
    /// A comment, in one of the states of [`comment`].
    Comment(u8),
    /// Inside `<script>`, `<style>`…: only `</name` ends it (the scan keeps what matched).
    RawText(String, usize),
    Plaintext,
}

/// Elements that hold no others (void), or whose end HTML implies when a sibling starts.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rp", "rt", "thead",
    "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
];
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

impl Nesting {
    fn depth(&self) -> usize {
        self.containers + self.open.len() + self.formatting.len()
    }

    /// Takes one event into account; whether the depth is now over [`MAX_NESTING`].
    pub(super) fn exceeded(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::Start(_) => self.containers += 1,
            Event::End(_) => self.containers = self.containers.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                for c in html.chars() {
                    self.scan(c);
                    if self.depth() > MAX_NESTING {
                        return true;
                    }
                }
            }
            _ => {}
        }
        self.depth() > MAX_NESTING
    }

    fn scan(&mut self, c: char) {
        match std::mem::take(&mut self.state) {
            Scan::Text if c == '<' => self.state = Scan::Open,
            Scan::Text | Scan::Bogus if c == '>' => {}
            Scan::Text => {}
            Scan::Bogus => self.state = Scan::Bogus,
            Scan::Open => self.open_tag(c, false),
            Scan::EndOpen => self.open_tag(c, true),
            Scan::Bang(n) if c == '-' && n < 1 => self.state = Scan::Bang(n + 1),
            Scan::Bang(_) if c == '-' => self.state = Scan::Comment(0),
            Scan::Bang(_) => self.state = if c == '>' { Scan::Text } else { Scan::Bogus },
            Scan::Name if !(c.is_whitespace() || c == '/' || c == '>') => {
                self.name.push(c.to_ascii_lowercase());
                self.state = Scan::Name;
            }
            Scan::Name | Scan::Attributes => self.in_tag(c),
            Scan::Quoted(q) => {
                self.state = if c == q {
                    Scan::Attributes
                } else {
                    Scan::Quoted(q)
                }
            }
            Scan::Comment(n) => self.state = comment(n, c),
            Scan::RawText(name, matched) => self.state = raw_text(name, matched, c),
            Scan::Plaintext => self.state = Scan::Plaintext,
        }
    }

    /// The character after `<` (or after `</`, when `closing`).
    fn open_tag(&mut self, c: char, closing: bool) {
        self.name.clear();
        self.closing = closing;
        self.after_equals = false;
        self.last = '<';
        self.state = match c {
            c if c.is_ascii_alphabetic() => {
                self.name.push(c.to_ascii_lowercase());
                Scan::Name
            }
            '>' if closing => Scan::Text,
            _ if closing => Scan::Bogus,
            '!' => Scan::Bang(0),
            '?' => Scan::Bogus,
            '/' => Scan::EndOpen,
            '<' => Scan::Open,
            _ => Scan::Text,
        };
    }

    fn in_tag(&mut self, c: char) {
        self.state = Scan::Attributes;
        match c {
            '"' | '\'' if self.after_equals => {
                self.state = Scan::Quoted(c);
                self.after_equals = false;
            }
            '=' => self.after_equals = true,
            '>' => self.end_of_tag(),
            c if c.is_whitespace() => {}
            _ => self.after_equals = false,
        }
        self.last = c;
    }

    fn end_of_tag(&mut self) {
        self.state = Scan::Text;
        let name = std::mem::take(&mut self.name);
        let self_closing = self.last == '/' && self.foreign > 0;
        if self.closing {
            let list = if FORMATTING.contains(&name.as_str()) {
                &mut self.formatting
            } else {
                &mut self.open
            };
            if let Some(at) = list.iter().rposition(|n| *n == name) {
                self.foreign -= list[at..]
                    .iter()
                    .filter(|n| *n == "svg" || *n == "math")
                    .count();
                list.truncate(at);
            }
        } else if RAW_TEXT.contains(&name.as_str()) && self.foreign == 0 {
            self.state = Scan::RawText(name, 0);
        } else if name == "plaintext" {
            self.state = Scan::Plaintext;
        } else if FORMATTING.contains(&name.as_str()) {
            self.formatting.push(name);
        } else if !self_closing && !FLAT.contains(&name.as_str()) {
            self.foreign += usize::from(name == "svg" || name == "math");
            self.open.push(name);
        }
    }
}

/// HTML's comment states: 0 start, 1 start dash, 2 text, 3 one dash, 4 `--`, 5 `--!`.
/// `-->`, `--!>`, `<!-->` and `<!--->` end a comment.
fn comment(state: u8, c: char) -> Scan {
    match (state, c) {
        (0 | 1 | 4 | 5, '>') => Scan::Text,
        (0, '-') => Scan::Comment(1),
        (1 | 3 | 4, '-') => Scan::Comment(4),
        (2 | 5, '-') => Scan::Comment(3),
        (4, '!') => Scan::Comment(5),
        _ => Scan::Comment(2),
    }
}

/// Inside a raw-text element, only `</name` followed by a space, `/` or `>` ends it.
fn raw_text(name: String, matched: usize, c: char) -> Scan {
    let expected = |i: usize| match i {
        0 => Some('<'),
        1 => Some('/'),
        i => name[i - 2..].chars().next(),
    };
    if matched == name.len() + 2 && (c.is_whitespace() || c == '/' || c == '>') {
        return if c == '>' { Scan::Text } else { Scan::Bogus };
    }
    match expected(matched) {
        Some(e) if c.to_ascii_lowercase() == e => Scan::RawText(name, matched + 1),
        _ if c == '<' => Scan::RawText(name, 1),
        _ => Scan::RawText(name, 0),
    }
}
