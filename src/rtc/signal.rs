//! Signaling, sans I/O: what a client's offer must hold before a connection is built for
//! it, and which of its ICE candidates the server will try.

use std::net::IpAddr;

use super::RtcError;

/// Largest offer accepted; a browser's is a few kilobytes.
pub const MAX_SDP_BYTES: usize = 64 * 1024;

/// Checks that `sdp` is an offer this server can answer: SDP at all, and with a
/// microphone (an audio section the client sends on). The reason goes back to the client.
pub fn check_offer(sdp: &str) -> Result<(), RtcError> {
    if sdp.len() > MAX_SDP_BYTES {
        return Err(RtcError::Sdp(format!(
            "the offer is {} bytes; at most {MAX_SDP_BYTES} are accepted",
            sdp.len()
        )));
    }
    if !sdp.starts_with("v=0") {
        return Err(RtcError::Sdp(
            "the offer is not SDP: it must start with `v=0`".into(),
        ));
    }
    let mut sending_audio = false;
    for section in media_sections(sdp) {
        let Some(m) = section.first() else { continue };
        let mut fields = m.trim_start_matches("m=").split_whitespace();
        let (kind, port) = (fields.next(), fields.next());
        if kind != Some("audio") || port == Some("0") {
            continue;
        }
        let direction = section
            .iter()
            .find_map(|l| {
                ["a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"]
                    .into_iter()
                    .find(|d| l.trim_end() == *d)
            })
            .unwrap_or("a=sendrecv");
        if matches!(direction, "a=sendrecv" | "a=sendonly") {
            sending_audio = true;
        }
    }
    if !sending_audio {
        return Err(RtcError::Sdp(
            "the offer sends no audio: the interview needs the microphone (an audio section that is sendrecv or sendonly)".into(),
        ));
    }
    Ok(())
}

/// Checks a watcher's offer: SDP, and a video section to show the interviewer in.
pub fn check_watch_offer(sdp: &str) -> Result<(), RtcError> {
    if sdp.len() > MAX_SDP_BYTES || !sdp.starts_with("v=0") {
        return Err(RtcError::Sdp(
            "the offer is not SDP (it must start with `v=0` and stay under 64 KiB)".into(),
        ));
    }
    let video = media_sections(sdp).iter().any(|s| {
        s.first()
            .is_some_and(|m| m.starts_with("m=video") && !m.starts_with("m=video 0 "))
    });
    if !video {
        return Err(RtcError::Sdp(
            "the offer has no video section to show the interview in".into(),
        ));
    }
    Ok(())
}

/// The SDP's media sections, each as its lines, `m=` first.
fn media_sections(sdp: &str) -> Vec<Vec<&str>> {
    let mut sections: Vec<Vec<&str>> = Vec::new();
    for line in sdp.lines() {
        if line.starts_with("m=") {
            sections.push(vec![line]);
        } else if let Some(s) = sections.last_mut() {
            s.push(line);
        }
    }
    sections
}

/// An IP network in CIDR form (`127.0.0.0/8`, `10.1.2.3`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("`{text}` is not an IP network such as 127.0.0.0/8"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0..={max}"))?,
        };
        Ok(Self { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| -> Option<u128> {
            match (self.addr, ip) {
                (IpAddr::V4(_), IpAddr::V4(v)) => Some(u128::from(u32::from(v)) << 96),
                (IpAddr::V6(_), IpAddr::V6(v)) => Some(u128::from(v)),
                _ => None,
            }
        };
        let (Some(net), Some(ip)) = (bits(self.addr), bits(ip)) else {
            return false;
        };
        // Both families sit in the top bits, so the mask is the top `prefix` bits.
        let mask = u128::MAX
            .checked_shl(128 - u32::from(self.prefix))
            .unwrap_or(0);
        net & mask == ip & mask
    }
}

/// Which remote candidates the server will send connectivity checks to.
#[derive(Debug, Clone, Default)]
pub struct CandidatePolicy {
    networks: Vec<Network>,
}

impl CandidatePolicy {
    /// From `rtc.remote_networks`; an empty list accepts every candidate.
    pub fn new(networks: &[String]) -> Result<Self, String> {
        let networks = networks
            .iter()
            .map(|n| Network::parse(n))
            .collect::<Result<_, _>>()?;
        Ok(Self { networks })
    }

    /// Whether a candidate attribute (`candidate:… <ip> <port> typ …`, with or without
    /// `a=`) names an address the server may contact. A hostname (mDNS) cannot be checked,
    /// so under a network list it is refused.
    pub fn allows(&self, candidate: &str) -> bool {
        if self.networks.is_empty() {
            return true;
        }
        let address = candidate.split_whitespace().nth(4);
        match address.and_then(|a| a.parse::<IpAddr>().ok()) {
            Some(ip) => self.networks.iter().any(|n| n.contains(ip)),
            None => false,
        }
    }

    /// The offer without the candidates this policy refuses.
    pub fn filter_offer(&self, sdp: &str) -> String {
        if self.networks.is_empty() {
            return sdp.to_owned();
        }
        let mut out = String::with_capacity(sdp.len());
        for line in sdp.split_inclusive('\n') {
            if let Some(c) = line.strip_prefix("a=")
                && c.starts_with("candidate:")
                && !self.allows(c.trim_end())
            {
                continue;
            }
            out.push_str(line);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=sendrecv\r\n\
        a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n\
        a=candidate:2 1 udp 2122260223 10.0.0.7 50001 typ host\r\n\
        a=candidate:3 1 udp 2122260223 abc.local 50002 typ host\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=recvonly\r\n";

    #[test]
    fn an_offer_needs_sdp_and_a_microphone() {
        assert!(check_offer(OFFER).is_ok());
        let err = check_offer("hello").unwrap_err().to_string();
        assert!(err.contains("not SDP"), "{err}");
        let listen_only = OFFER.replace("a=sendrecv", "a=recvonly");
        let err = check_offer(&listen_only).unwrap_err().to_string();
        assert!(err.contains("no audio"), "{err}");
        let video_only = OFFER.replace("m=audio 9", "m=audio 0");
        assert!(check_offer(&video_only).is_err());
        let huge = format!("{OFFER}{}", "a=x\r\n".repeat(MAX_SDP_BYTES / 4));
        assert!(check_offer(&huge).is_err());
    }

    #[test]
    fn networks_parse_and_match() {
        let lo = Network::parse("127.0.0.0/8").unwrap();
        assert!(lo.contains("127.3.2.1".parse().unwrap()));
        assert!(!lo.contains("128.0.0.1".parse().unwrap()));
        assert!(!lo.contains("::1".parse().unwrap()));
        let host = Network::parse("10.0.0.7").unwrap();
        assert!(host.contains("10.0.0.7".parse().unwrap()));
        assert!(!host.contains("10.0.0.8".parse().unwrap()));
        let v6 = Network::parse("fd00::/8").unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        assert!(
            Network::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        for bad in ["", "127.0.0.0/33", "nope/8", "::/129"] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn candidates_outside_the_networks_are_dropped() {
        let any = CandidatePolicy::new(&[]).unwrap();
        assert_eq!(any.filter_offer(OFFER), OFFER);
        let lo = CandidatePolicy::new(&["127.0.0.0/8".into()]).unwrap();
        let filtered = lo.filter_offer(OFFER);
        assert!(filtered.contains("127.0.0.1 50000"));
        assert!(!filtered.contains("10.0.0.7"));
        assert!(
            !filtered.contains("abc.local"),
            "an unverifiable name is refused"
        );
        assert!(filtered.contains("m=video"));
        assert!(lo.allows("candidate:1 1 udp 1 127.0.0.1 9 typ host"));
        assert!(!lo.allows("candidate:1 1 udp 1 10.0.0.1 9 typ host"));
        assert!(!lo.allows("garbage"));
    }
}
