//! Whose transfer rules the controller is under: which countries count as home (no
//! transfer safeguard needed) and which have an adequacy decision. The lists are data
//! (`areas.toml`, compiled in), so a decision adopted or lapsed is a one-line change.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The controller's data-protection regime (`jurisdiction` in privacy.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    /// UK GDPR and the Data Protection Act 2018.
    Uk,
    /// The EU GDPR.
    Eu,
}

/// How far an adequacy decision covers a country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adequacy {
    Full,
    /// Only some recipients there are covered (certified or sector-limited decisions).
    Partial,
    None,
}

#[derive(Deserialize)]
struct Areas {
    eea: Vec<String>,
    aliases: BTreeMap<String, String>,
    uk: Area,
    eu: Area,
}

#[derive(Deserialize)]
struct Area {
    domestic: Vec<String>,
    include_eea: bool,
    adequate: Vec<String>,
    partly_adequate: Vec<String>,
}

fn areas() -> &'static Areas {
    static AREAS: OnceLock<Areas> = OnceLock::new();
    AREAS.get_or_init(|| {
        // A compiled-in file: its shape is checked by the unit test below.
        toml::from_str(include_str!("areas.toml")).unwrap_or_else(|_| Areas {
            eea: Vec::new(),
            aliases: BTreeMap::new(),
            uk: Area::empty(),
            eu: Area::empty(),
        })
    })
}

impl Area {
    fn empty() -> Self {
        Area {
            domestic: Vec::new(),
            include_eea: false,
            adequate: Vec::new(),
            partly_adequate: Vec::new(),
        }
    }
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The usual name of a country ("UK" → "United Kingdom"); unknown names unchanged.
pub fn canonical(country: &str) -> String {
    areas()
        .aliases
        .iter()
        .find(|(alias, _)| same(alias, country))
        .map(|(_, name)| name.clone())
        .unwrap_or_else(|| country.trim().to_string())
}

/// Whether two country names mean the same country.
pub fn same_country(a: &str, b: &str) -> bool {
    same(&canonical(a), &canonical(b))
}

impl Jurisdiction {
    fn area(self) -> &'static Area {
        match self {
            Jurisdiction::Uk => &areas().uk,
            Jurisdiction::Eu => &areas().eu,
        }
    }

    /// The translation key naming the home area ("the UK and the EEA").
    pub fn area_key(self) -> &'static str {
        match self {
            Jurisdiction::Uk => "area_uk_eea",
            Jurisdiction::Eu => "area_eea",
        }
    }

    /// Plain English name of the home area, for diagnostics.
    pub fn area_name(self) -> &'static str {
        match self {
            Jurisdiction::Uk => "the UK and the EEA",
            Jurisdiction::Eu => "the EEA",
        }
    }

    /// Every country that counts as home.
    pub fn home_countries(self) -> Vec<&'static str> {
        let area = self.area();
        let eea = area
            .include_eea
            .then_some(&areas().eea)
            .into_iter()
            .flatten();
        area.domestic
            .iter()
            .chain(eea)
            .map(String::as_str)
            .collect()
    }

    /// Whether data may go to this country without a transfer safeguard.
    pub fn is_home(self, country: &str) -> bool {
        let country = canonical(country);
        self.home_countries().iter().any(|c| same(c, &country))
    }

    pub fn adequacy(self, country: &str) -> Adequacy {
        let country = canonical(country);
        let area = self.area();
        if area.adequate.iter().any(|c| same(c, &country)) {
            Adequacy::Full
        } else if area.partly_adequate.iter().any(|c| same(c, &country)) {
            Adequacy::Partial
        } else {
            Adequacy::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_area_lists_parse() {
        let parsed: Result<Areas, _> = toml::from_str(include_str!("areas.toml"));
        assert!(parsed.is_ok(), "{:?}", parsed.err());
        assert_eq!(areas().eea.len(), 30);
    }

    #[test]
    fn home_and_adequacy_follow_the_jurisdiction() {
        assert!(Jurisdiction::Uk.is_home("United Kingdom"));
        assert!(Jurisdiction::Uk.is_home("france"));
        assert!(Jurisdiction::Uk.is_home("UK"));
        assert!(!Jurisdiction::Eu.is_home("United Kingdom"));
        assert_eq!(Jurisdiction::Eu.adequacy("UK"), Adequacy::Full);
        assert_eq!(Jurisdiction::Uk.adequacy("Canada"), Adequacy::Partial);
        assert_eq!(Jurisdiction::Uk.adequacy("USA"), Adequacy::Partial);
        assert_eq!(Jurisdiction::Uk.adequacy("India"), Adequacy::None);
        assert!(same_country("The Netherlands", "netherlands"));
    }
}
