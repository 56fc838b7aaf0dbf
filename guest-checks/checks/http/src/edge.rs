//! The edge in front of the service: a CDN or WAF (Cloudflare, CloudFront,
//! Fastly, Akamai, Vercel, Netlify, Azure Front Door, Google's edge), told
//! by the headers it adds to the health answer.

use crate::Prober;
use crate::client::header;
use crate::findings;
use gonogo_check::probe::HttpResponse;
use gonogo_check::{Finding, Severity, json};

/// The edge provider whose headers `response` carries, if any.
pub fn provider(response: &HttpResponse) -> Option<&'static str> {
    let has = |name: &str| header(response, name).is_some();
    let server = header(response, "server")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let via = header(response, "via")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if has("cf-ray") || server == "cloudflare" {
        Some("Cloudflare")
    } else if has("x-amz-cf-id") || via.contains("cloudfront") {
        Some("CloudFront")
    } else if has("x-vercel-id") {
        Some("Vercel")
    } else if has("x-nf-request-id") || server.contains("netlify") {
        Some("Netlify")
    } else if has("x-azure-ref") {
        Some("Azure Front Door")
    } else if server.contains("akamai") || has("x-akamai-transformed") {
        Some("Akamai")
    } else if has("x-served-by") && (has("x-fastly-request-id") || via.contains("varnish")) {
        Some("Fastly")
    } else if via.contains("google") {
        Some("Google Cloud")
    } else {
        None
    }
}

/// Records the edge in front of the service, and says when there is none.
pub fn edge(prober: &mut Prober) {
    let Some((path, response)) = &prober.health else {
        prober.report.fact("edge", gonogo_check::Value::Null);
        return;
    };
    let found = provider(response);
    if found.is_none() {
        let path = path.clone();
        prober.report.push(
            Finding::warn(
                findings::NO_EDGE,
                Severity::Low,
                format!("GET {path} shows no CDN or WAF in front of the service"),
            )
            .fix("serve through a CDN/WAF (Cloudflare, CloudFront, Fastly…) for caching and DDoS protection"),
        );
    }
    prober.report.fact(
        "edge",
        json!({"behind": found.is_some(), "provider": found}),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::tests::response as answer;

    #[test]
    fn edges_are_told_by_their_headers() {
        assert_eq!(
            provider(&answer(&[("CF-RAY", "8a1b-CDG"), ("Server", "cloudflare")])),
            Some("Cloudflare")
        );
        assert_eq!(
            provider(&answer(&[("Via", "1.1 abc.cloudfront.net (CloudFront)")])),
            Some("CloudFront")
        );
        assert_eq!(
            provider(&answer(&[("x-vercel-id", "cdg1::abc")])),
            Some("Vercel")
        );
        assert_eq!(
            provider(&answer(&[("Server", "nginx"), ("Via", "1.1 proxy")])),
            None
        );
        assert_eq!(provider(&answer(&[])), None);
    }
}
