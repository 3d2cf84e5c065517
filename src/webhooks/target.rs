//! Where a webhook may be posted: by default only to public internet addresses, so that an
//! endpoint (set by an admin, or by whoever holds an admin's session) cannot make the server
//! reach its own network: the loopback, private ranges, link-local (cloud metadata services
//! live there) and the like. A host name is resolved at each delivery, every address it
//! resolves to is checked, and the request is pinned to those addresses, so a name that
//! changes its answer between the check and the request (DNS rebinding) gains nothing.
//! `webhooks.allow_private_targets` lifts the rule for receivers on the same network.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("{0} is not an http(s) address with a host")]
    Url(String),
    #[error(
        "{host} is {addr}, not a public address; webhooks go to public addresses only unless webhooks.allow_private_targets is set"
    )]
    Private { host: String, addr: IpAddr },
    #[error("could not resolve {host}: {reason}")]
    Resolve { host: String, reason: String },
}

/// Whether `ip` is an address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, 192.0.0.0/24.
        || (a == 192 && b == 0 && c == 0)
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (18..20).contains(&b))
        // Reserved, 240.0.0.0/4.
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local, fc00::/7.
        || (first & 0xfe00) == 0xfc00
        // Link-local, fe80::/10.
        || (first & 0xffc0) == 0xfe80
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

/// The host and port of an http(s) URL.
pub fn host_and_port(url: &reqwest::Url) -> Result<(String, u16), TargetError> {
    let host = url
        .host_str()
        .filter(|_| matches!(url.scheme(), "http" | "https"))
        .ok_or_else(|| TargetError::Url(url.to_string()))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| TargetError::Url(url.to_string()))?;
    // An IPv6 literal comes bracketed.
    Ok((host.trim_matches(['[', ']']).to_string(), port))
}

/// Every address of `url`'s host, refused if any is not public (unless `allow_private`).
pub async fn resolve(
    url: &reqwest::Url,
    allow_private: bool,
) -> Result<(String, Vec<SocketAddr>), TargetError> {
    let (host, port) = host_and_port(url)?;
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| TargetError::Resolve {
                host: host.clone(),
                reason: e.to_string(),
            })?
            .collect(),
    };
    if !allow_private && let Some(a) = addrs.iter().find(|a| !is_public(a.ip())) {
        return Err(TargetError::Private { host, addr: a.ip() });
    }
    Ok((host, addrs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_ranges_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn a_literal_private_address_is_refused_unless_allowed() {
        let url = reqwest::Url::parse("http://127.0.0.1:8080/hook").unwrap();
        let err = resolve(&url, false).await.unwrap_err();
        assert!(matches!(err, TargetError::Private { .. }), "{err}");
        assert!(err.to_string().contains("allow_private_targets"));
        let (host, addrs) = resolve(&url, true).await.unwrap();
        assert_eq!(host, "127.0.0.1");
        assert_eq!(addrs, ["127.0.0.1:8080".parse::<SocketAddr>().unwrap()]);
        let v6 = reqwest::Url::parse("http://[::1]/hook").unwrap();
        assert_eq!(host_and_port(&v6).unwrap(), ("::1".to_string(), 80));
        assert!(resolve(&v6, false).await.is_err());
    }
}
