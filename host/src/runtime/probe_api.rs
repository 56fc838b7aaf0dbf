//! The `probe` interface: WIT calls turned into [`crate::probe`] requests
//! on the check's session (grants, budget, timeout, record / replay).

use super::bindings::ProbeError;
use super::bindings::gonogo::check::probe;
use super::reuse::imports::Import;
use super::state::CheckState;
use crate::probe::exchange::{Answer, Bytes, Failure, HttpRequest, Request};

impl From<Failure> for ProbeError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::NotGranted(reason) => ProbeError::NotGranted(reason),
            Failure::InvalidRequest(reason) => ProbeError::InvalidRequest(reason),
            Failure::Timeout => ProbeError::Timeout,
            Failure::Connection(reason) => ProbeError::Connection(reason),
            Failure::BudgetExhausted => ProbeError::BudgetExhausted,
        }
    }
}

/// An answer of another kind than asked: only a corrupt recording gives one.
fn mismatched() -> ProbeError {
    ProbeError::Connection(
        "the probe recording answers this call with another kind of answer".into(),
    )
}

impl probe::Host for CheckState {
    async fn http(
        &mut self,
        request: probe::HttpRequest,
    ) -> Result<probe::HttpResponse, ProbeError> {
        self.asked(Import::ProbeHttp);
        let call = Request::Http(HttpRequest {
            method: request.method.to_ascii_uppercase(),
            url: request.url,
            headers: request.headers,
            body: request.body.map(Bytes),
            follow_redirects: request.follow_redirects,
        });
        match self.probes.call(call, request.timeout_ms).await? {
            Answer::Http(answer) => Ok(probe::HttpResponse {
                status: answer.status,
                headers: answer.headers,
                body: answer.body.0,
                body_truncated: answer.body_truncated,
                elapsed_ms: answer.elapsed_ms,
                redirects: answer.redirects,
            }),
            _ => Err(mismatched()),
        }
    }

    async fn tls(&mut self, host: String, port: u16) -> Result<probe::TlsInfo, ProbeError> {
        self.asked(Import::ProbeTls);
        match self.probes.call(Request::Tls { host, port }, None).await? {
            Answer::Tls(answer) => Ok(probe::TlsInfo {
                protocol: answer.protocol,
                subject: answer.subject,
                sans: answer.sans,
                issuer: answer.issuer,
                not_after: answer.not_after,
                days_left: answer.days_left,
                chain_valid: answer.chain_valid,
                chain_error: answer.chain_error,
            }),
            _ => Err(mismatched()),
        }
    }

    async fn dns_txt(&mut self, name: String) -> Result<Vec<String>, ProbeError> {
        self.asked(Import::ProbeDnsTxt);
        match self.probes.call(Request::DnsTxt { name }, None).await? {
            Answer::DnsTxt(records) => Ok(records),
            _ => Err(mismatched()),
        }
    }
}
