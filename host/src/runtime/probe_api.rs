//! The `probe` interface. Live probes are not implemented yet: every call
//! answers `not-granted` with the reason, so a check can report it cleanly.

use super::bindings::ProbeError;
use super::bindings::gonogo::check::probe;
use super::state::CheckState;

const NOT_AVAILABLE: &str =
    "probes are not granted: this version of gonogo does not perform live probes yet";

impl probe::Host for CheckState {
    fn http(&mut self, _request: probe::HttpRequest) -> Result<probe::HttpResponse, ProbeError> {
        Err(ProbeError::NotGranted(NOT_AVAILABLE.to_owned()))
    }

    fn tls(&mut self, _host: String, _port: u16) -> Result<probe::TlsInfo, ProbeError> {
        Err(ProbeError::NotGranted(NOT_AVAILABLE.to_owned()))
    }

    fn dns_txt(&mut self, _name: String) -> Result<Vec<String>, ProbeError> {
        Err(ProbeError::NotGranted(NOT_AVAILABLE.to_owned()))
    }
}
