//! The theme's interface text in one language, with typed look-ups for the keys that are
//! made from data (weekdays, months, ordinals, roles, languages, notice kinds), so no code
//! formats a key by hand.

use std::collections::BTreeMap;

use jiff::civil::Weekday;

use crate::model::notice::NoticeKind;

/// Translation key → text, for one language (English keys fill what a language lacks).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Strings(BTreeMap<String, String>);

impl Strings {
    pub fn new(table: BTreeMap<String, String>) -> Self {
        Strings(table)
    }

    /// The text of `key`, or the key itself when the theme has none (visible, not blank).
    pub fn text(&self, key: &str) -> String {
        self.0.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    /// The text of `key`, if the theme has one.
    pub fn optional(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    /// `weekday_monday` …
    pub fn weekday(&self, day: Weekday) -> String {
        let name = match day {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        };
        self.text(&format!("weekday_{name}"))
    }

    /// `ordinal_1` … `ordinal_4`, `ordinal_last` for a negative week.
    pub fn ordinal(&self, week: i8) -> String {
        if week < 0 {
            self.text("ordinal_last")
        } else {
            self.text(&format!("ordinal_{week}"))
        }
    }

    /// `language_fr` …: the name of a language in this one.
    pub fn language_name(&self, primary: &str) -> Option<String> {
        self.optional(&format!("language_{primary}"))
    }

    /// `role_chair` …: an officer's role as the theme names it.
    pub fn role(&self, role: &str) -> Option<String> {
        self.optional(&format!("role_{}", slug::slugify(role)))
    }

    /// `notice_kind_agm` …
    pub fn notice_kind(&self, kind: NoticeKind) -> String {
        self.optional(&format!("notice_kind_{}", kind.key()))
            .unwrap_or_default()
    }

    /// The whole table, for templates (`t.key`).
    pub fn table(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

impl std::ops::Deref for Strings {
    type Target = BTreeMap<String, String>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_keys_fall_back_visibly() {
        let t = Strings::new(BTreeMap::from([
            ("weekday_tuesday".to_string(), "mardi".to_string()),
            ("ordinal_last".to_string(), "dernier".to_string()),
            ("month_3".to_string(), "mars".to_string()),
            ("role_vice-chair".to_string(), "vice-président".to_string()),
        ]));
        assert_eq!(t.weekday(Weekday::Tuesday), "mardi");
        assert_eq!(t.weekday(Weekday::Friday), "weekday_friday");
        assert_eq!(t.ordinal(-1), "dernier");
        assert_eq!(t.ordinal(2), "ordinal_2");
        assert_eq!(t.role("Vice Chair").as_deref(), Some("vice-président"));
        assert_eq!(t.language_name("fr"), None);
    }
}
