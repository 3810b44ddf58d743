//! Sign-in throttling: slow guessing down without letting anyone lock an
//! account.
//!
//! Every attempt is claimed before the (expensive) password check, in one
//! statement that both decides and counts (`store::users::
//! claim_signin_attempt`), so concurrent attempts cannot all pass a check
//! made before any of them was counted.
//!
//! Two keys are counted:
//! - (account, client address): `PER_ADDRESS`. Five free failures, then an
//!   exponentially growing wait between attempts. Refused with 429.
//! - (account, any address): `PER_ACCOUNT`, a far larger allowance with its
//!   own backoff, against guessing spread over many addresses.
//!
//! The rule for the account-wide wait: it only applies to an address that
//! itself has a recent failure on the account. A refusal that applied to
//! every address would let anyone who knows an email keep its owner out
//! (fail from anywhere, and the owner's sign-in is refused too). With this
//! rule an address with a clean record for the account (the owner's, as a
//! rule) is always let through to the password check; every failure still
//! counts on the account key, and an address that keeps guessing meets both
//! waits. The cost: a distributed guesser gets one un-slowed guess per
//! fresh address per day, and an owner who mistypes during an attack
//! shares the account's wait (never longer than `max_wait_ms`).

use domain::{Error, ErrorKind};
use std::net::{IpAddr, SocketAddr};
use store::users::Backoff;

/// Per (account, address): 5 free, then 8 s, 16 s, ... up to 15 minutes.
/// The first wait is long enough that a burst of attempts cannot outrun it.
pub const PER_ADDRESS: Backoff = Backoff {
    free: 5,
    first_wait_ms: 8_000,
    max_wait_ms: 15 * 60 * 1000,
};

/// Per account, from all addresses together: 50 free, then the same curve.
pub const PER_ACCOUNT: Backoff = Backoff {
    free: 50,
    first_wait_ms: 8_000,
    max_wait_ms: 15 * 60 * 1000,
};

/// The key for a client address (`spin-client-addr`: `ip:port`, or
/// `[ipv6]:port`): the IP without the port; for IPv6 its /64 prefix, since
/// one subscriber usually holds a whole /64 and could otherwise pick a new
/// address for every attempt. An IPv4-mapped IPv6 address counts as the
/// IPv4 one. Anything unreadable shares one key, `unknown`.
pub fn client_key(addr: &str) -> String {
    let addr = addr.trim();
    let ip = addr
        .parse::<SocketAddr>()
        .map(|s| s.ip())
        .or_else(|_| addr.parse::<IpAddr>());
    match ip {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Err(_) => "unknown".to_string(),
    }
}

/// 429 with the seconds to wait (the HTTP layer sends Retry-After).
pub fn too_many_attempts(retry_after_secs: u64) -> Error {
    let mut e = Error::new(
        ErrorKind::TooManyRequests,
        "too_many_attempts",
        format!(
            "too many failed sign-ins for this account from here; try again in {retry_after_secs} seconds"
        ),
    );
    e.retry_after = Some(retry_after_secs);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_key_strips_the_port_and_groups_ipv6_by_64() {
        for (addr, key) in [
            ("1.2.3.4:5678", "1.2.3.4"),
            ("1.2.3.4", "1.2.3.4"),
            (" 10.0.0.1:80 ", "10.0.0.1"),
            ("[::1]:5678", "0:0:0:0::/64"),
            ("[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"),
            ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
            ("[::ffff:192.0.2.7]:1000", "192.0.2.7"),
            ("", "unknown"),
            ("not an address", "unknown"),
        ] {
            assert_eq!(client_key(addr), key, "{addr}");
        }
        assert_ne!(client_key("127.0.0.1:1"), client_key("127.0.0.2:1"));
        assert_ne!(client_key("127.0.0.1:1"), store::users::ANY_CLIENT);
    }

    #[test]
    fn a_burst_meets_a_wait_longer_than_itself() {
        assert_eq!(PER_ADDRESS.wait_ms(4), 0);
        assert_eq!(PER_ADDRESS.wait_ms(5), 8_000);
        assert_eq!(PER_ADDRESS.wait_ms(100), 15 * 60 * 1000);
        assert_eq!(PER_ACCOUNT.wait_ms(49), 0);
        assert_eq!(PER_ACCOUNT.wait_ms(50), 8_000);
    }
}
