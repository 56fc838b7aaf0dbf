//! Whether an address a datastore's host resolves to is private: what
//! the items "not publicly accessible" can be told from here. A private
//! address cannot be reached from the internet; a public one may still be
//! behind a firewall, which only the provider's API can tell.

use std::net::IpAddr;

/// Whether `address` is loopback, private (RFC 1918, RFC 4193), link-local
/// or shared (RFC 6598, carrier-grade NAT, used by some platforms' private
/// networks).
pub fn is_private(address: &str) -> Option<bool> {
    let ip: IpAddr = address.parse().ok()?;
    Some(match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    })
}

/// The public addresses among `addresses` (those that are not private).
pub fn public<'a>(addresses: &[&'a str]) -> Vec<&'a str> {
    addresses
        .iter()
        .filter(|a| is_private(a) == Some(false))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_private_from_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
        ] {
            assert_eq!(is_private(private), Some(true), "{private}");
        }
        for public in ["8.8.8.8", "100.128.0.1", "52.1.2.3", "2600:1f18::1"] {
            assert_eq!(is_private(public), Some(false), "{public}");
        }
        assert_eq!(is_private("db.internal"), None);
        assert_eq!(public(&["10.0.0.1", "3.3.3.3"]), ["3.3.3.3"]);
    }
}
