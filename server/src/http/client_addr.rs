//! The client's address behind reverse proxies, for rate limits and the audit trail.
//!
//! `X-Forwarded-For` is a list that every proxy extends on the right with the address it
//! received the request from; everything left of what our own proxies wrote is whatever the
//! client chose to send. So the header is read only when the peer is one of our proxies, and
//! from the right: the first hop that is not one of our proxies is the client. Reading it from
//! the left would let a client name any address it likes and reset every per-address limit.

use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The networks of the reverse proxies in front of the service (`--trusted-proxies`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses CIDR networks (`10.0.0.0/8`, `::1/128`); a bare address is a network of one.
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<TrustedProxies, String> {
        values
            .into_iter()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|value| {
                value
                    .parse::<IpNet>()
                    .or_else(|_| value.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| format!("{value} is not a network (CIDR such as 10.0.0.0/8)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    pub fn networks(&self) -> &[IpNet] {
        &self.0
    }
}

/// The client's address: the peer itself, unless the peer is a trusted proxy; then the
/// rightmost `X-Forwarded-For` hop that is not a trusted proxy. A hop that is not an address
/// ends the walk at the last trusted hop: whatever lies left of it cannot be vouched for.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &TrustedProxies,
) -> IpAddr {
    let mut client = peer.to_canonical();
    if !trusted.contains(client) {
        return client;
    }
    // Several header lines form one list, in order.
    let hops: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|line| line.split(','))
        .collect();
    for hop in hops.iter().rev().map(|hop| hop.trim()) {
        let Some(address) = parse_hop(hop) else {
            break;
        };
        client = address;
        if !trusted.contains(address) {
            break;
        }
    }
    client
}

/// A hop as proxies write it: an address, sometimes with a port (`203.0.113.7:5123`,
/// `[2001:db8::1]:5123`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

/// The subject of per-address rate limits: an IPv4 address, or the /64 of an IPv6 address,
/// since one subscriber line gets a whole /64 and could rotate through it at will. Anything
/// that is not an address (an account, a hashed email) is its own subject.
pub fn limit_subject(subject: &str) -> String {
    match subject.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => IpNet::new(IpAddr::V6(v6), 64)
            .map(|net| net.trunc().to_string())
            .unwrap_or_else(|_| subject.to_owned()),
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => subject.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(list.iter().copied()).unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_the_header_says() {
        let proxies = trusted(&["10.0.0.0/8"]);
        let client = client_address(ip("198.51.100.4"), ["203.0.113.9"], &proxies);
        assert_eq!(client, ip("198.51.100.4"));
        let nobody = TrustedProxies::default();
        let client = client_address(ip("10.1.2.3"), ["203.0.113.9"], &nobody);
        assert_eq!(client, ip("10.1.2.3"));
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client_not_the_leftmost() {
        let proxies = trusted(&["10.0.0.0/8", "::1/128"]);
        let client = client_address(ip("10.0.0.2"), ["1.2.3.4, 203.0.113.9, 10.0.0.7"], &proxies);
        assert_eq!(client, ip("203.0.113.9"));
        // Two header lines are one list.
        let client = client_address(
            ip("::1"),
            ["6.6.6.6", "203.0.113.9:4431", "10.9.9.9"],
            &proxies,
        );
        assert_eq!(client, ip("203.0.113.9"));
    }

    #[test]
    fn a_hop_that_is_not_an_address_stops_the_walk_at_the_last_proxy() {
        let proxies = trusted(&["10.0.0.0/8"]);
        let client = client_address(ip("10.0.0.2"), ["203.0.113.9, unknown, 10.0.0.7"], &proxies);
        assert_eq!(client, ip("10.0.0.7"));
        let client = client_address(ip("10.0.0.2"), ["<script>"], &proxies);
        assert_eq!(client, ip("10.0.0.2"));
        let client = client_address(ip("10.0.0.2"), std::iter::empty(), &proxies);
        assert_eq!(client, ip("10.0.0.2"));
    }

    #[test]
    fn when_every_hop_is_a_proxy_the_leftmost_is_the_client() {
        let proxies = trusted(&["10.0.0.0/8"]);
        let client = client_address(ip("10.0.0.2"), ["10.3.3.3, 10.0.0.7"], &proxies);
        assert_eq!(client, ip("10.3.3.3"));
    }

    #[test]
    fn ipv4_mapped_addresses_are_ipv4() {
        let proxies = trusted(&["127.0.0.1/32"]);
        let client = client_address(ip("::ffff:127.0.0.1"), ["::ffff:203.0.113.9"], &proxies);
        assert_eq!(client, ip("203.0.113.9"));
    }

    #[test]
    fn networks_parse_as_cidr_or_single_addresses_and_refuse_the_rest() {
        let proxies = trusted(&[" 10.0.0.0/8", "192.168.1.7", "fd00::/8 "]);
        assert!(proxies.contains(ip("10.200.0.1")));
        assert!(proxies.contains(ip("192.168.1.7")));
        assert!(!proxies.contains(ip("192.168.1.8")));
        assert!(proxies.contains(ip("fd12::1")));
        assert!(TrustedProxies::parse(["10.0.0.0/33"]).is_err());
        assert!(TrustedProxies::parse(["proxy.internal"]).is_err());
    }

    #[test]
    fn ipv6_addresses_are_limited_per_64() {
        assert_eq!(limit_subject("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            limit_subject("2001:db8:1:2:ffff::9"),
            limit_subject("2001:db8:1:2::1")
        );
        assert_ne!(
            limit_subject("2001:db8:1:3::1"),
            limit_subject("2001:db8:1:2::1")
        );
        assert_eq!(limit_subject("203.0.113.9"), "203.0.113.9");
        assert_eq!(limit_subject("::ffff:203.0.113.9"), "203.0.113.9");
        let account = "0190f3b2-0000-7000-8000-000000000000";
        assert_eq!(limit_subject(account), account);
    }
}
