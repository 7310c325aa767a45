//! Percent-decoding of URL paths, shared by the link checker and the development server.

/// The bytes of `s` with every `%XX` decoded, and whether every `%` was followed by two hex
/// digits (the ones that were not are kept as they are).
fn decode_bytes(s: &str) -> (Vec<u8>, bool) {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut valid = true;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            match s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                None => valid = false,
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    (out, valid)
}

/// Decodes leniently, for comparing a link with the outputs: malformed escapes stay as
/// written and invalid UTF-8 becomes U+FFFD.
pub fn decode_lossy(s: &str) -> String {
    String::from_utf8_lossy(&decode_bytes(s).0).into_owned()
}

/// Decodes strictly, for a request path: `None` for a malformed escape or invalid UTF-8.
pub fn decode_strict(s: &str) -> Option<String> {
    match decode_bytes(s) {
        (bytes, true) => String::from_utf8(bytes).ok(),
        (_, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_keeps_malformed_escapes_and_strict_refuses_them() {
        assert_eq!(decode_lossy("a%20b%2"), "a b%2");
        assert_eq!(decode_lossy("%e9t%C3%A9"), "\u{fffd}t\u{e9}");
        assert_eq!(decode_strict("a%20b").as_deref(), Some("a b"));
        assert_eq!(decode_strict("a%2"), None);
        assert_eq!(decode_strict("%zz"), None);
        assert_eq!(decode_strict("%ff"), None);
    }
}
