//! `_headers`: HTTP response headers for static hosts that read one (Netlify, Cloudflare
//! Pages), with a content security policy matching the default theme.
//!
//! The theme has no inline script or style, so the policy allows only the site's own origin.

use crate::legal::cookies::Origin;
use crate::model::Site;
use crate::plan::Plan;

/// The policy every page is served with. `extra_hosts` are third-party origins the site
/// declares (scripts behind consented cookie categories); only their serialisation is
/// written, which has no whitespace or `;` that could add sources or header lines.
pub fn content_security_policy(extra_hosts: &[Origin]) -> String {
    let extra: String = extra_hosts
        .iter()
        .map(|h| format!(" {}", h.as_str()))
        .collect();
    format!(
        "default-src 'self'; script-src 'self'{extra}; style-src 'self'; img-src 'self' data:{extra}; \
         font-src 'self'; connect-src 'self'{extra}; frame-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'self'; upgrade-insecure-requests"
    )
}

/// The headers file, for every path below the site's root path.
pub fn headers_file(site: &Site, plan: &Plan) -> String {
    let root = plan.layout.root().path();
    format!(
        "{root}*\n  Content-Security-Policy: {}\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n  X-Frame-Options: SAMEORIGIN\n  Permissions-Policy: interest-cohort=(), camera=(), microphone=(), geolocation=()\n",
        content_security_policy(&site.legal.cookies.hosts())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_allows_no_inline_script() {
        let csp = content_security_policy(&[]);
        assert!(csp.contains("script-src 'self';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(
            content_security_policy(&[Origin::parse("https://Stats.example:443/").unwrap()])
                .contains("script-src 'self' https://stats.example;")
        );
    }
}
