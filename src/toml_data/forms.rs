//! The shape of a TOML value a field expects, read from serde's "invalid type" message, and
//! how to write it: the hint a wrong type gets, and the stand-in shape the repair tries first.

/// A kind of TOML value, as serde names it after "expected".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    Text,
    Date,
    List,
    Table,
    Integer,
    Number,
    Bool,
}

const INTEGERS: [&str; 13] = [
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "an integer",
];

/// The expected form of `invalid type: string "", expected a TOML datetime`.
pub(super) fn expected_form(message: &str) -> Option<Form> {
    let rest = message.strip_prefix("invalid type: ")?;
    let (_, expected) = rest.rsplit_once(", expected ")?;
    let expected = expected.trim();
    Some(match expected {
        "a string" | "a borrowed string" | "a character" => Form::Text,
        e if e.contains("datetime") => Form::Date,
        "a sequence" | "a tuple" => Form::List,
        e if e.starts_with("struct ") || e == "a map" || e == "map" => Form::Table,
        e if INTEGERS.contains(&e) => Form::Integer,
        "f32" | "f64" | "a float" => Form::Number,
        "a boolean" => Form::Bool,
        _ => return None,
    })
}

/// The hint for serde's "invalid type" `message` about the value of `key`: the expected
/// form, with the value as written when it fits that form (`"3"` → `weight = 3`).
pub(super) fn type_hint(message: &str, key: Option<&str>) -> Option<String> {
    let form = expected_form(message)?;
    let found = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
        .map_or("", |(found, _)| found);
    Some(form.hint(key, form.rewrite(found).as_deref()))
}

impl Form {
    /// The value serde found (`string "3"`, `integer `3``) written in this form, if it fits.
    fn rewrite(self, found: &str) -> Option<String> {
        let text = found
            .strip_prefix("string \"")
            .and_then(|s| s.strip_suffix('"'))
            .filter(|s| !s.contains('\\') && !s.is_empty());
        let number = found
            .strip_prefix("integer `")
            .or_else(|| found.strip_prefix("floating point `"))
            .and_then(|s| s.strip_suffix('`'));
        let fits: fn(&str) -> bool = match self {
            Form::Text => return number.map(|n| format!("\"{n}\"")),
            Form::Date => |t| t.parse::<toml::value::Datetime>().is_ok(),
            Form::Integer => |t| t.parse::<i64>().is_ok(),
            Form::Number => |t| t.parse::<f64>().is_ok_and(f64::is_finite),
            Form::Bool | Form::List | Form::Table => return None,
        };
        text.filter(|t| fits(t)).map(str::to_string)
    }

    /// How to write a value of this form; `key` is the key it belongs to, when the value is
    /// not a list element; `written` the value as written, when it fits this form.
    pub(super) fn hint(self, key: Option<&str>, written: Option<&str>) -> String {
        let line = |example: &str| match key {
            Some(key) => format!("`{key} = {}`", written.unwrap_or(example)),
            None => format!("`{}`", written.unwrap_or(example)),
        };
        match self {
            Form::Text => format!("text goes in quotes: {}", line("\"…\"")),
            Form::Date => format!(
                "write the date without quotes: {} (a date and time: `2027-01-21T18:00:00`)",
                line("2026-10-01")
            ),
            Form::List => format!("a list goes in square brackets: {}", line("[\"…\", \"…\"]")),
            Form::Table => match key {
                Some(key) => format!(
                    "this is a table: write `[{key}]` on a line of its own with its keys below it, or `{key} = {{ … }}`"
                ),
                None => "this is a table: write `{ key = \"…\" }`".to_string(),
            },
            Form::Integer => format!("write a whole number without quotes: {}", line("3")),
            Form::Number => format!("write a number without quotes: {}", line("1.5")),
            Form::Bool => {
                let with = |value: &str| match key {
                    Some(key) => format!("`{key} = {value}`"),
                    None => format!("`{value}`"),
                };
                format!(
                    "write {} or {}, without quotes",
                    with("true"),
                    with("false")
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_forms_are_read_from_serde_messages() {
        let cases = [
            (
                "invalid type: string \"\", expected a TOML datetime",
                Some(Form::Date),
            ),
            (
                "invalid type: integer `3`, expected a string",
                Some(Form::Text),
            ),
            (
                "invalid type: string \"a\", expected a sequence",
                Some(Form::List),
            ),
            (
                "invalid type: string \"a\", expected struct Controller",
                Some(Form::Table),
            ),
            (
                "invalid type: string \"3\", expected u32",
                Some(Form::Integer),
            ),
            (
                "invalid type: string \"y\", expected a boolean",
                Some(Form::Bool),
            ),
            ("invalid type: integer `1`, expected something odd", None),
            ("unknown field `x`", None),
        ];
        for (message, form) in cases {
            assert_eq!(expected_form(message), form, "{message}");
        }
    }

    #[test]
    fn hints_show_the_expected_form_at_the_key() {
        let hint = |message: &str, key| type_hint(message, key).unwrap();
        let blank = "invalid type: string \"\", expected a TOML datetime";
        assert_eq!(
            hint(blank, Some("last_updated")),
            "write the date without quotes: `last_updated = 2026-10-01` (a date and time: `2027-01-21T18:00:00`)"
        );
        let number = "invalid type: integer `3`, expected a string";
        assert_eq!(
            hint(number, Some("name")),
            "text goes in quotes: `name = \"3\"`"
        );
        assert_eq!(hint(number, None), "text goes in quotes: `\"3\"`");
        let table = "invalid type: string \"a\", expected struct Dpo";
        assert!(hint(table, Some("dpo")).contains("`[dpo]`"));
    }

    #[test]
    fn a_quoted_value_is_shown_unquoted_when_it_fits() {
        let cases = [
            (
                "invalid type: string \"2026-01-01\", expected a TOML datetime",
                "`adopted = 2026-01-01`",
            ),
            ("invalid type: string \"2\", expected u32", "`adopted = 2`"),
            (
                "invalid type: string \"two\", expected u32",
                "`adopted = 3`",
            ),
            (
                "invalid type: string \"0.5\", expected f64",
                "`adopted = 0.5`",
            ),
            (
                "invalid type: floating point `2.5`, expected a string",
                "`adopted = \"2.5\"`",
            ),
        ];
        for (message, example) in cases {
            let hint = type_hint(message, Some("adopted")).unwrap();
            assert!(hint.contains(example), "{message}: {hint}");
        }
    }
}
