//! Accounts and sessions. Passwords are stored as argon2id hashes; a session
//! token is `<payload>.<signature>` where the payload names the user, the
//! session and the expiry, and the signature is HMAC-SHA256 with the app's
//! `auth_secret`. The session row makes sign-out effective at once.

pub mod password;
pub mod token;

use domain::time::now_ms;
use domain::user::{Settings, SignIn, SignUp, User};
use domain::{Error, ErrorKind};
use store::users::Throttle;
use store::Db;
use token::Claims;

/// Five wrong passwords lock an address for fifteen minutes.
pub const THROTTLE: Throttle = Throttle {
    max_failures: 5,
    window_ms: 15 * 60 * 1000,
};

pub struct Keys<'a> {
    pub secret: &'a [u8],
    pub ttl_ms: i64,
}

/// A signed-in user, as every authenticated endpoint sees them.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: String,
    pub session_id: String,
}

pub struct Issued {
    pub user: User,
    pub token: String,
    pub expires_at: i64,
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn issue(db: &Db, keys: &Keys, user: User, now: i64) -> Result<Issued, Error> {
    let claims = Claims {
        user_id: user.id.clone(),
        session_id: new_id(),
        expires_at: now + keys.ttl_ms,
    };
    store::sessions::insert(db, &claims.session_id, &user.id, now, claims.expires_at)?;
    Ok(Issued {
        token: token::sign(&claims, keys.secret),
        expires_at: claims.expires_at,
        user,
    })
}

pub fn sign_up(db: &Db, keys: &Keys, input: SignUp) -> Result<Issued, Error> {
    let now = now_ms();
    let user = User {
        id: new_id(),
        email: input.email,
        name: input.name,
        created_at: now,
    };
    let hash = password::hash(&input.password)?;
    db.transaction(|db| {
        store::users::insert_user(db, &user, &hash)?;
        issue(db, keys, user.clone(), now)
    })
}

pub fn sign_in(db: &Db, keys: &Keys, input: SignIn) -> Result<Issued, Error> {
    let now = now_ms();
    if let Some(wait) = THROTTLE.locked_for(db, &input.email, now)? {
        let mut e = Error::new(
            ErrorKind::TooManyRequests,
            "too_many_attempts",
            format!("too many failed sign-ins for this account; try again in {wait} seconds"),
        );
        e.retry_after = Some(wait);
        return Err(e);
    }
    let found = store::users::find_by_email(db, &input.email)?;
    // Verify against a fixed hash when the user is unknown, so the response
    // time does not tell which addresses have accounts.
    let (user, ok) = match found {
        Some((user, hash)) => {
            let ok = password::verify(&input.password, &hash);
            (Some(user), ok)
        }
        None => {
            password::verify(&input.password, password::DUMMY_HASH);
            (None, false)
        }
    };
    match (user, ok) {
        (Some(user), true) => {
            THROTTLE.clear(db, &input.email)?;
            issue(db, keys, user, now)
        }
        _ => {
            THROTTLE.record_failure(db, &input.email, now)?;
            Err(Error::new(
                ErrorKind::Unauthorized,
                "invalid_credentials",
                "email or password is wrong",
            ))
        }
    }
}

/// Checks a presented token: signature, expiry, then that the session is
/// still active (not signed out).
pub fn authenticate(db: &Db, keys: &Keys, presented: Option<&str>) -> Result<Principal, Error> {
    let token = presented.ok_or_else(|| {
        Error::unauthorized(
            "sign in first: send Authorization: Bearer <token> or the session cookie",
        )
    })?;
    let claims = token::verify(token, keys.secret).ok_or_else(|| {
        Error::new(
            ErrorKind::Unauthorized,
            "invalid_token",
            "the session token is not valid",
        )
    })?;
    let now = now_ms();
    if claims.expires_at <= now {
        return Err(Error::new(
            ErrorKind::Unauthorized,
            "session_expired",
            "the session has expired; sign in again",
        ));
    }
    if !store::sessions::is_active(db, &claims.session_id, &claims.user_id, now)? {
        return Err(Error::new(
            ErrorKind::Unauthorized,
            "session_ended",
            "the session was signed out; sign in again",
        ));
    }
    Ok(Principal {
        user_id: claims.user_id,
        session_id: claims.session_id,
    })
}

pub fn sign_out(db: &Db, who: &Principal) -> Result<(), Error> {
    store::sessions::revoke(db, &who.session_id, now_ms())
}

pub fn profile(db: &Db, who: &Principal) -> Result<(User, Settings), Error> {
    store::users::get_user(db, &who.user_id)?
        .ok_or_else(|| Error::unauthorized("the account no longer exists"))
}
