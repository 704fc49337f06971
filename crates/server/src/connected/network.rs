//! Where the Sites server may send its requests to the remote DAM.
//!
//! The DAM's answers name the renditions and originals to fetch. Those hrefs are
//! joined to the configured DAM origin only when they are paths of it, redirects
//! are never followed, and a DAM host name that resolves to a link-local or private
//! address (the cloud metadata service, the intranet) is refused unless the
//! configuration says the DAM lives on a private network.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::RemoteError;

/// Which addresses a DAM host name may resolve to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DamNetwork {
    /// Public addresses only (the default).
    #[default]
    PublicOnly,
    /// Private addresses too (`private_network = true`): the DAM is on an intranet.
    /// Link-local addresses stay refused.
    PrivateAllowed,
}

/// The URL of `href` on the DAM at `origin`, which must be one of the DAM's own API
/// paths: anything else (another host, a scheme, `//host`, userinfo tricks) is
/// refused as a bad answer from the DAM.
pub fn dam_url(origin: &str, href: &str) -> Result<reqwest::Url, RemoteError> {
    let foreign = || RemoteError::BadResponse(format!("it pointed outside the DAM ({href:?}); only the DAM's own paths are fetched"));
    let plain_path = href.starts_with("/api/") && !href.contains(['\\', '@']) && !href.chars().any(|c| c.is_control() || c.is_whitespace());
    if !plain_path {
        return Err(foreign());
    }
    let url = reqwest::Url::parse(&format!("{origin}{href}")).map_err(|_| foreign())?;
    let expected = reqwest::Url::parse(origin).map_err(|_| foreign())?;
    if url.origin() != expected.origin() || !url.username().is_empty() || url.password().is_some() {
        return Err(foreign());
    }
    Ok(url)
}

/// Whether a DAM may be reached at `ip` when its host name resolved to it.
pub fn may_reach(ip: IpAddr, network: DamNetwork) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    let (link_local, private) = match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            let shared = a == 100 && (64..128).contains(&b); // RFC 6598, carrier-grade NAT
            (v4.is_link_local(), v4.is_private() || v4.is_loopback() || shared)
        }
        IpAddr::V6(v6) => (v6.is_unicast_link_local(), v6.is_loopback() || v6.is_unique_local()),
    };
    let unusable = ip.is_unspecified() || ip.is_multicast() || matches!(ip, IpAddr::V4(v4) if v4.is_broadcast());
    !(unusable || link_local || (private && network == DamNetwork::PublicOnly))
}

/// Resolves DAM host names, keeping only the addresses [`may_reach`] allows.
#[derive(Debug, Clone, Copy)]
pub struct DamResolver(pub DamNetwork);

impl Resolve for DamResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let network = self.0;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = all.iter().copied().filter(|a| may_reach(a.ip(), network)).collect();
            if allowed.is_empty() {
                let error: Box<dyn std::error::Error + Send + Sync> =
                    format!("{host} resolves only to addresses this server does not fetch from (link-local or private)").into();
                return Err(error);
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// The resolver, shared by the client.
pub fn resolver(network: DamNetwork) -> Arc<DamResolver> {
    Arc::new(DamResolver(network))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_the_dam_are_fetched() {
        let origin = "http://127.0.0.1:4503";
        assert_eq!(
            dam_url(origin, "/api/renditions/original/content/dam/a.png").unwrap().as_str(),
            "http://127.0.0.1:4503/api/renditions/original/content/dam/a.png"
        );
        for bad in [
            "http://evil.example/api/x",
            "//evil.example/api/x",
            "@evil.example/api/x",
            ".evil.example/api/x",
            "/api/x@evil.example",
            "/\\evil.example/api",
            "/api/\\..\\x",
            "api/x",
            "/other/x",
            "/api/x y",
            "",
        ] {
            assert!(dam_url(origin, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn link_local_is_never_reached_and_private_only_when_allowed() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        for public in ["93.184.216.34", "2606:2800:220:1::1"] {
            assert!(may_reach(ip(public), DamNetwork::PublicOnly), "{public}");
        }
        for private in ["10.1.2.3", "192.168.0.1", "172.16.5.5", "127.0.0.1", "::1", "fd00::1", "100.64.0.1", "::ffff:10.0.0.1"] {
            assert!(!may_reach(ip(private), DamNetwork::PublicOnly), "{private}");
            assert!(may_reach(ip(private), DamNetwork::PrivateAllowed), "{private}");
        }
        for never in ["169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::ffff:169.254.169.254"] {
            assert!(!may_reach(ip(never), DamNetwork::PrivateAllowed), "{never}");
        }
    }
}
