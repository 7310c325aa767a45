//! The closed vocabularies of a privacy policy: lawful bases, rights, transfer safeguards,
//! recipient roles, whether data is required, special categories and their Art. 9
//! conditions. Each is an enum, so a policy cannot name something the law does not have.

use serde::{Deserialize, Serialize};

/// GDPR Art. 6(1) lawful bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

impl LegalBasis {
    /// The translation key of the basis' name (`basis_consent`).
    pub fn key(self) -> &'static str {
        match self {
            LegalBasis::Consent => "basis_consent",
            LegalBasis::Contract => "basis_contract",
            LegalBasis::LegalObligation => "basis_legal_obligation",
            LegalBasis::VitalInterests => "basis_vital_interests",
            LegalBasis::PublicTask => "basis_public_task",
            LegalBasis::LegitimateInterests => "basis_legitimate_interests",
        }
    }

    /// The article that defines it.
    pub fn article(self) -> &'static str {
        match self {
            LegalBasis::Consent => "Art. 6(1)(a)",
            LegalBasis::Contract => "Art. 6(1)(b)",
            LegalBasis::LegalObligation => "Art. 6(1)(c)",
            LegalBasis::VitalInterests => "Art. 6(1)(d)",
            LegalBasis::PublicTask => "Art. 6(1)(e)",
            LegalBasis::LegitimateInterests => "Art. 6(1)(f)",
        }
    }
}

/// Data-subject rights (GDPR Arts. 15–22 and 77), each rendered as a plain-language section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    Access,
    Rectification,
    Erasure,
    Restriction,
    Portability,
    Objection,
    WithdrawConsent,
    AutomatedDecisions,
}

impl Right {
    pub fn key(self) -> &'static str {
        match self {
            Right::Access => "access",
            Right::Rectification => "rectification",
            Right::Erasure => "erasure",
            Right::Restriction => "restriction",
            Right::Portability => "portability",
            Right::Objection => "objection",
            Right::WithdrawConsent => "withdraw_consent",
            Right::AutomatedDecisions => "automated_decisions",
        }
    }
}

/// Safeguards for transfers outside the EEA/UK (GDPR Arts. 45–49).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Safeguard {
    AdequacyDecision,
    StandardContractualClauses,
    BindingCorporateRules,
    ExplicitConsent,
    NecessaryForContract,
}

impl Safeguard {
    pub fn key(self) -> &'static str {
        match self {
            Safeguard::AdequacyDecision => "safeguard_adequacy_decision",
            Safeguard::StandardContractualClauses => "safeguard_standard_contractual_clauses",
            Safeguard::BindingCorporateRules => "safeguard_binding_corporate_rules",
            Safeguard::ExplicitConsent => "safeguard_explicit_consent",
            Safeguard::NecessaryForContract => "safeguard_necessary_for_contract",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientRole {
    Processor,
    Controller,
    PublicAuthority,
}

impl Right {
    /// The rights of Arts. 15–21 that every policy states unless an exemption says why not.
    pub const ARTICLES_15_TO_21: [Right; 6] = [
        Right::Access,
        Right::Rectification,
        Right::Erasure,
        Right::Restriction,
        Right::Portability,
        Right::Objection,
    ];
}

/// Whether giving the data is required, and by what (GDPR Art. 13(2)(e)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// The law requires it.
    Statutory,
    /// A contract with the person requires it.
    Contractual,
    /// Needed before a contract can be entered into.
    ContractPrecondition,
    /// Entirely up to the person.
    Voluntary,
}

impl Requirement {
    pub fn key(self) -> &'static str {
        match self {
            Requirement::Statutory => "requirement_statutory",
            Requirement::Contractual => "requirement_contractual",
            Requirement::ContractPrecondition => "requirement_contract_precondition",
            Requirement::Voluntary => "requirement_voluntary",
        }
    }
}

/// Special categories of personal data (GDPR Art. 9(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialCategory {
    RacialOrEthnicOrigin,
    PoliticalOpinions,
    ReligiousOrPhilosophicalBeliefs,
    TradeUnionMembership,
    Genetic,
    Biometric,
    Health,
    SexLifeOrOrientation,
}

impl SpecialCategory {
    pub fn key(self) -> &'static str {
        match self {
            SpecialCategory::RacialOrEthnicOrigin => "special_racial_or_ethnic_origin",
            SpecialCategory::PoliticalOpinions => "special_political_opinions",
            SpecialCategory::ReligiousOrPhilosophicalBeliefs => {
                "special_religious_or_philosophical_beliefs"
            }
            SpecialCategory::TradeUnionMembership => "special_trade_union_membership",
            SpecialCategory::Genetic => "special_genetic",
            SpecialCategory::Biometric => "special_biometric",
            SpecialCategory::Health => "special_health",
            SpecialCategory::SexLifeOrOrientation => "special_sex_life_or_orientation",
        }
    }
}

/// The conditions of GDPR Art. 9(2) under which special-category data may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Article9Condition {
    ExplicitConsent,
    EmploymentAndSocialSecurity,
    VitalInterests,
    NotForProfitBody,
    MadePublic,
    LegalClaims,
    SubstantialPublicInterest,
    HealthOrSocialCare,
    PublicHealth,
    ArchivingResearchStatistics,
}

impl Article9Condition {
    pub fn key(self) -> &'static str {
        match self {
            Article9Condition::ExplicitConsent => "condition_explicit_consent",
            Article9Condition::EmploymentAndSocialSecurity => "condition_employment",
            Article9Condition::VitalInterests => "condition_vital_interests",
            Article9Condition::NotForProfitBody => "condition_not_for_profit_body",
            Article9Condition::MadePublic => "condition_made_public",
            Article9Condition::LegalClaims => "condition_legal_claims",
            Article9Condition::SubstantialPublicInterest => "condition_substantial_public_interest",
            Article9Condition::HealthOrSocialCare => "condition_health_or_social_care",
            Article9Condition::PublicHealth => "condition_public_health",
            Article9Condition::ArchivingResearchStatistics => "condition_archiving_research",
        }
    }

    pub fn article(self) -> &'static str {
        match self {
            Article9Condition::ExplicitConsent => "Art. 9(2)(a)",
            Article9Condition::EmploymentAndSocialSecurity => "Art. 9(2)(b)",
            Article9Condition::VitalInterests => "Art. 9(2)(c)",
            Article9Condition::NotForProfitBody => "Art. 9(2)(d)",
            Article9Condition::MadePublic => "Art. 9(2)(e)",
            Article9Condition::LegalClaims => "Art. 9(2)(f)",
            Article9Condition::SubstantialPublicInterest => "Art. 9(2)(g)",
            Article9Condition::HealthOrSocialCare => "Art. 9(2)(h)",
            Article9Condition::PublicHealth => "Art. 9(2)(i)",
            Article9Condition::ArchivingResearchStatistics => "Art. 9(2)(j)",
        }
    }
}
