//! `_headers`: HTTP response headers for static hosts that read one (Netlify, Cloudflare
//! Pages): the content security policy of [`crate::legal::csp::Policy`] (the one the
//! checker holds pages to and every page repeats in a `<meta http-equiv>`), HSTS on an
//! https site, and the usual hardening headers.

use crate::legal::csp::Policy;
use crate::model::Site;
use crate::plan::Plan;

/// One year, the value HSTS preload lists ask for; subdomains are left to their owners.
const HSTS: &str = "max-age=31536000";

/// The headers file, for every path below the site's root path.
pub fn headers_file(site: &Site, plan: &Plan) -> String {
    let root = plan.layout.root().path();
    let policy = Policy::new(&site.legal.cookies);
    let hsts = if plan.layout.absolute("").starts_with("https://") {
        format!("  Strict-Transport-Security: {HSTS}\n")
    } else {
        String::new()
    };
    format!(
        "{root}*\n  Content-Security-Policy: {}\n{hsts}  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n  X-Frame-Options: SAMEORIGIN\n  Permissions-Policy: camera=(), microphone=(), geolocation=()\n",
        policy.header()
    )
}

#[cfg(test)]
mod tests {
    use crate::legal::cookies;
    use crate::legal::csp::Policy;

    #[test]
    fn policy_allows_no_inline_script() {
        let none = cookies::parse("revision = 1\n").unwrap();
        let csp = Policy::new(&none).header();
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe-inline"));
        let stats = cookies::parse("revision = 1\n[[services]]\nid = \"s\"\nname = \"S\"\nprovider = \"S\"\ncategory = \"analytics\"\npurpose = \"P\"\nhosts = [\"https://Stats.example:443/\"]\nserves = [\"script\"]\n").unwrap();
        let csp = Policy::new(&stats).header();
        assert!(
            csp.contains("script-src 'self' https://stats.example;"),
            "{csp}"
        );
        assert!(csp.contains("connect-src 'self';"), "{csp}");
    }
}
