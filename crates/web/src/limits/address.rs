//! Which client a request comes from when load balancers or reverse
//! proxies stand between it and the portal.
//!
//! A proxy appends the address it heard from to `X-Forwarded-For`, so the
//! header can only be believed from the right: each trusted proxy vouches
//! for the hop before it, and everything left of the first untrusted hop is
//! whatever the client chose to write.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;
use ipnet::IpNet;
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The proxies whose `X-Forwarded-For` is believed: single addresses and
/// CIDR networks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proxies(Vec<IpNet>);

impl Proxies {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }
}

/// An entry of `trusted_proxies` that is neither an address nor a network.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is neither an IP address nor a CIDR network (like 10.0.0.0/8)")]
pub struct BadProxy(String);

impl FromStr for Proxies {
    type Err = BadProxy;

    /// `10.0.0.0/8, 192.0.2.7`: entries apart by commas or spaces, which is
    /// how one environment variable holds a list.
    fn from_str(text: &str) -> Result<Proxies, BadProxy> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .map(network)
            .collect::<Result<_, _>>()
            .map(Proxies)
    }
}

fn network(text: &str) -> Result<IpNet, BadProxy> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| BadProxy(text.to_string()))
}

impl Serialize for Proxies {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(IpNet::to_string))
    }
}

/// A list in the settings file, or one string of entries in the
/// environment.
impl<'de> Deserialize<'de> for Proxies {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Proxies, D::Error> {
        deserializer.deserialize_any(ProxiesVisitor)
    }
}

struct ProxiesVisitor;

impl<'de> Visitor<'de> for ProxiesVisitor {
    type Value = Proxies;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of IP addresses or CIDR networks")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Proxies, E> {
        text.parse().map_err(E::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Proxies, A::Error> {
        let mut networks = Vec::new();
        while let Some(entry) = seq.next_element::<String>()? {
            networks.push(network(&entry).map_err(de::Error::custom)?);
        }
        Ok(Proxies(networks))
    }
}

/// The client a request comes from: the socket's peer, or, when the peer
/// is a trusted proxy, the right-most `X-Forwarded-For` address that is not
/// itself a trusted proxy. A hop that is not an address ends the walk at
/// the last proxy that could be believed.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &Proxies) -> IpAddr {
    let mut client = peer.to_canonical();
    if !trusted.contains(client) {
        return client;
    }
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let Ok(value) = value.to_str() else {
            return client;
        };
        for hop in value.rsplit(',') {
            let Some(address) = hop_address(hop) else {
                return client;
            };
            client = address;
            if !trusted.contains(address) {
                return client;
            }
        }
    }
    client
}

/// One hop of `X-Forwarded-For`: an address, which some proxies write with
/// a port (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn hop_address(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|a| a.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(text: &str) -> Proxies {
        text.parse().expect("proxies parse")
    }

    fn client(peer: &str, forwarded: &[&str], trusted: &str) -> String {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", value.parse().expect("header value"));
        }
        let peer = peer.parse().expect("peer address");
        client_address(peer, &headers, &proxies(trusted)).to_string()
    }

    #[test]
    fn the_client_is_the_first_untrusted_hop_from_the_right() {
        let cases: [(&str, &[&str], &str, &str); 12] = [
            // An untrusted peer's header is ignored.
            ("203.0.113.9", &["198.51.100.1"], "", "203.0.113.9"),
            (
                "203.0.113.9",
                &["198.51.100.1"],
                "10.0.0.0/8",
                "203.0.113.9",
            ),
            // A trusted peer without the header is the client itself.
            ("10.0.0.5", &[], "10.0.0.0/8", "10.0.0.5"),
            ("10.0.0.5", &["198.51.100.1"], "10.0.0.0/8", "198.51.100.1"),
            // What the client wrote on the left does not count.
            (
                "10.0.0.5",
                &["1.1.1.1, 198.51.100.1"],
                "10.0.0.0/8",
                "198.51.100.1",
            ),
            // Chains of trusted proxies are walked through.
            (
                "10.0.0.5",
                &["198.51.100.1, 10.0.0.7"],
                "10.0.0.0/8",
                "198.51.100.1",
            ),
            (
                "10.0.0.5",
                &["198.51.100.1", "10.0.0.7"],
                "10.0.0.0/8",
                "198.51.100.1",
            ),
            // Ports are dropped.
            (
                "10.0.0.5",
                &["198.51.100.1:4711"],
                "10.0.0.0/8",
                "198.51.100.1",
            ),
            (
                "10.0.0.5",
                &["[2001:db8::1]:4711"],
                "10.0.0.0/8",
                "2001:db8::1",
            ),
            // A hop that is no address stops at the last believable one.
            (
                "10.0.0.5",
                &["198.51.100.1, unknown, 10.0.0.7"],
                "10.0.0.0/8",
                "10.0.0.7",
            ),
            // Everyone trusted: the left-most proxy sent it.
            (
                "10.0.0.5",
                &["10.0.0.8, 10.0.0.7"],
                "10.0.0.0/8",
                "10.0.0.8",
            ),
            // IPv4 seen through an IPv6 socket is the same address.
            (
                "::ffff:10.0.0.5",
                &["198.51.100.1"],
                "10.0.0.5",
                "198.51.100.1",
            ),
        ];
        for (peer, forwarded, trusted, expected) in cases {
            assert_eq!(
                client(peer, forwarded, trusted),
                expected,
                "{peer} {forwarded:?} {trusted}"
            );
        }
    }

    #[test]
    fn proxies_are_addresses_or_networks() {
        let p = proxies("10.0.0.0/8, 192.0.2.7 2001:db8::/32");
        assert!(p.contains("10.200.1.1".parse().unwrap()));
        assert!(p.contains("192.0.2.7".parse().unwrap()));
        assert!(!p.contains("192.0.2.8".parse().unwrap()));
        assert!(p.contains("2001:db8:1::9".parse().unwrap()));
        assert!(proxies("").is_empty());
        let bad = "10.0.0.0/8, proxy.example".parse::<Proxies>().unwrap_err();
        assert!(bad.to_string().contains("`proxy.example`"), "{bad}");
        assert!("10.0.0.0/33".parse::<Proxies>().is_err());
    }

    #[test]
    fn proxies_read_from_a_list_or_a_string() {
        let from_list: Proxies = serde_json::from_str(r#"["10.0.0.0/8", "192.0.2.7"]"#).unwrap();
        let from_text: Proxies = serde_json::from_str(r#""10.0.0.0/8, 192.0.2.7""#).unwrap();
        assert_eq!(from_list, from_text);
        assert_eq!(
            serde_json::to_string(&from_list).unwrap(),
            r#"["10.0.0.0/8","192.0.2.7/32"]"#
        );
        assert!(serde_json::from_str::<Proxies>(r#"["nope"]"#).is_err());
    }
}
