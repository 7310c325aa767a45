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

impl Form {
    /// How to write a value of this form; `key` is the key it belongs to, when the value is
    /// not a list element.
    pub(super) fn hint(self, key: Option<&str>) -> String {
        let line = |example: &str| match key {
            Some(key) => format!("`{key} = {example}`"),
            None => format!("`{example}`"),
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
            Form::Bool => format!(
                "write {} or {}, without quotes",
                line("true"),
                line("false")
            ),
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
        assert_eq!(
            Form::Date.hint(Some("last_updated")),
            "write the date without quotes: `last_updated = 2026-10-01` (a date and time: `2027-01-21T18:00:00`)"
        );
        assert_eq!(
            Form::Text.hint(Some("name")),
            "text goes in quotes: `name = \"…\"`"
        );
        assert_eq!(Form::Text.hint(None), "text goes in quotes: `\"…\"`");
        assert!(Form::Table.hint(Some("dpo")).contains("`[dpo]`"));
    }
}
