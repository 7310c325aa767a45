//! Decoding HTML character references in attribute values, as a browser does before it
//! reads a URL: `&#106;avascript:` is `javascript:` to the browser, so it must be to the
//! checker too.

/// The named references that can spell a URL or hide parts of it; others are kept as they
/// are written (they cannot form a scheme).
const NAMED: [(&str, char); 14] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("Tab", '\t'),
    ("NewLine", '\n'),
    ("colon", ':'),
    ("sol", '/'),
    ("period", '.'),
    ("lpar", '('),
    ("rpar", ')'),
    ("num", '#'),
];

/// Decodes decimal (`&#106;`), hexadecimal (`&#x6A;`) and the named references above, with
/// or without the closing `;` for numbers, as HTML's tokenizer does.
pub fn decode(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match reference(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference at the start of `text` stands for, and its length.
fn reference(text: &str) -> Option<(char, usize)> {
    let body = &text[1..];
    if let Some(number) = body.strip_prefix('#') {
        let (digits, radix, skip) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (number, 10, 2),
        };
        let len = digits
            .bytes()
            .take_while(|b| (radix == 16 && b.is_ascii_hexdigit()) || b.is_ascii_digit())
            .count();
        if len == 0 {
            return None;
        }
        let code = u32::from_str_radix(&digits[..len.min(8)], radix).ok()?;
        // Like a browser: NUL, surrogates and numbers past Unicode become U+FFFD.
        let c = char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{fffd}');
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c, skip + len + semicolon));
    }
    NAMED.iter().find_map(|(name, c)| {
        body.strip_prefix(name)
            .and_then(|after| after.strip_prefix(';'))
            .map(|_| (*c, name.len() + 2))
    })
}

/// A URL as a browser's URL parser reads its scheme: leading and trailing spaces and control
/// characters removed, tabs and newlines removed anywhere, lower-cased.
pub fn normalised_url(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_decode_as_a_browser_reads_them() {
        assert_eq!(decode("&#106;avascript:x"), "javascript:x");
        assert_eq!(decode("&#x6A;avascript:x"), "javascript:x");
        assert_eq!(decode("&#X6a&#97;vascript:x"), "javascript:x");
        assert_eq!(decode("java&#x09;script:x"), "java\tscript:x");
        assert_eq!(decode("javascript&colon;x"), "javascript:x");
        assert_eq!(decode("/a?b=1&amp;c=2"), "/a?b=1&c=2");
        assert_eq!(decode("R&D &unknown; &#;"), "R&D &unknown; &#;");
        assert_eq!(
            decode("&#0;&#xD800;&#99999999;"),
            "\u{fffd}\u{fffd}\u{fffd}"
        );
    }

    #[test]
    fn urls_are_read_as_the_url_parser_reads_them() {
        assert_eq!(
            normalised_url(" \u{1}JaVa\tScr\nipt:alert(1) "),
            "javascript:alert(1)"
        );
        assert_eq!(normalised_url("/about/"), "/about/");
    }
}
