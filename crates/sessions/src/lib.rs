//! Accounts and sessions. Passwords are stored as argon2id hashes; a session
//! token is `<payload>.<signature>` where the payload names the user, the
//! session and the expiry, and the signature is HMAC-SHA256 with the app's
//! `auth_secret`. The session row makes sign-out effective at once.

pub mod common_passwords;
pub mod password;
pub mod throttle;
pub mod token;

use domain::time::now_ms;
use domain::user::{Settings, SignIn, SignUp, User};
use domain::{Error, ErrorKind};
use store::sessions::Gate;
use store::users::{Claim, ANY_CLIENT};
use store::Db;
use throttle::{PER_ACCOUNT, PER_ADDRESS};
use token::Claims;

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
        audience: None,
        scope: None,
    };
    store::sessions::insert(
        db,
        &claims.session_id,
        &user.id,
        now,
        claims.expires_at,
        None,
    )?;
    Ok(Issued {
        token: token::sign(&claims, keys.secret),
        expires_at: claims.expires_at,
        user,
    })
}

pub fn sign_up(db: &Db, keys: &Keys, input: SignUp) -> Result<Issued, Error> {
    common_passwords::refuse_common(&input.password)?;
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

pub fn sign_in(db: &Db, keys: &Keys, input: SignIn, client_addr: &str) -> Result<Issued, Error> {
    let now = now_ms();
    let email = input.email.as_str();
    let client = throttle::client_key(client_addr);
    // Both claims come before the password check: see throttle.rs for the
    // rule, and why a fresh address is never refused on the account's count.
    let failures_here =
        match store::users::claim_signin_attempt(db, email, &client, now, &PER_ADDRESS, true)? {
            Claim::Allowed { failures } => failures,
            Claim::Refused { retry_after_secs } => {
                return Err(throttle::too_many_attempts(retry_after_secs))
            }
        };
    let fresh_address = failures_here <= 1;
    if let Claim::Refused { retry_after_secs } = store::users::claim_signin_attempt(
        db,
        email,
        ANY_CLIENT,
        now,
        &PER_ACCOUNT,
        !fresh_address,
    )? {
        return Err(throttle::too_many_attempts(retry_after_secs));
    }
    let found = store::users::find_by_email(db, email)?;
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
            // This address starts over. The account count only gets its
            // one slot back: the owner signing in must not wipe out what
            // other addresses have been guessing.
            store::users::clear_signin_failures(db, email, &client)?;
            store::users::uncount_signin_attempt(db, email, ANY_CLIENT)?;
            issue(db, keys, user, now)
        }
        // Already counted by the claims above.
        _ => Err(Error::new(
            ErrorKind::Unauthorized,
            "invalid_credentials",
            "email or password is wrong",
        )),
    }
}

/// Checks a presented token: signature, expiry, then that the session is
/// still active (not signed out).
pub fn authenticate(db: &Db, keys: &Keys, presented: Option<&str>) -> Result<Principal, Error> {
    verify(keys, presented)?.confirm(db)
}

/// A token whose signature and expiry are good, for a session the database
/// has not yet confirmed as active. The only ways on are `confirm` and
/// `confirm_within`, so a handler cannot forget the check.
pub struct Presented(Principal);

/// The token's own checks, without the database. A token bound to one
/// resource (an OAuth access token for MCP) is refused here: the REST API
/// is not its audience.
pub fn verify(keys: &Keys, presented: Option<&str>) -> Result<Presented, Error> {
    let (presented, access) = verify_any(keys, presented)?;
    if let Access::Bound { audience, .. } = access {
        return Err(Error::new(
            ErrorKind::Unauthorized,
            "invalid_token",
            format!("this token was issued for {audience} only"),
        ));
    }
    Ok(presented)
}

/// What a token may do.
#[derive(Debug, Clone, PartialEq)]
pub enum Access {
    /// A session from sign-in: everything the user may do.
    Full,
    /// An OAuth access token: one resource, these scopes.
    Bound {
        audience: String,
        scopes: Vec<String>,
    },
}

impl Access {
    pub fn allows(&self, scope: &str) -> bool {
        match self {
            Access::Full => true,
            Access::Bound { scopes, .. } => scopes.iter().any(|s| s == scope),
        }
    }
}

/// The token's own checks for a protected resource (`resource`, such as
/// `https://host/mcp`): a sign-in session, or an OAuth access token whose
/// audience is exactly this resource.
pub fn verify_for_resource(
    keys: &Keys,
    presented: Option<&str>,
    resource: &str,
) -> Result<(Presented, Access), Error> {
    let (presented, access) = verify_any(keys, presented)?;
    if let Access::Bound { audience, .. } = &access {
        if audience != resource {
            return Err(Error::new(
                ErrorKind::Unauthorized,
                "invalid_token",
                format!("this token was issued for {audience}, not {resource}"),
            ));
        }
    }
    Ok((presented, access))
}

/// Mints an access token for a session row already written (by the OAuth
/// token endpoint): bound to `audience`, limited to `scope`.
pub fn sign_access_token(
    keys: &Keys,
    user_id: &str,
    session_id: &str,
    expires_at: i64,
    audience: &str,
    scope: &str,
) -> String {
    token::sign(
        &Claims {
            user_id: user_id.to_string(),
            session_id: session_id.to_string(),
            expires_at,
            audience: Some(audience.to_string()),
            scope: Some(scope.to_string()),
        },
        keys.secret,
    )
}

fn verify_any(keys: &Keys, presented: Option<&str>) -> Result<(Presented, Access), Error> {
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
    if claims.expires_at <= now_ms() {
        return Err(Error::new(
            ErrorKind::Unauthorized,
            "session_expired",
            "the session has expired; sign in again",
        ));
    }
    let access = match claims.audience {
        None => Access::Full,
        Some(audience) => Access::Bound {
            audience,
            scopes: claims
                .scope
                .unwrap_or_default()
                .split_whitespace()
                .map(String::from)
                .collect(),
        },
    };
    Ok((
        Presented(Principal {
            user_id: claims.user_id,
            session_id: claims.session_id,
        }),
        access,
    ))
}

fn session_ended() -> Error {
    Error::new(
        ErrorKind::Unauthorized,
        "session_ended",
        "the session was signed out; sign in again",
    )
}

impl Presented {
    /// Asks the database whether the session is active, in a statement of
    /// its own (which also brings a schema that is behind up to date).
    pub fn confirm(self, db: &Db) -> Result<Principal, Error> {
        let who = self.0;
        if !store::sessions::is_active(db, &who.session_id, &who.user_id, now_ms())? {
            return Err(session_ended());
        }
        Ok(who)
    }

    /// Runs the request's main statement with the session check inside it
    /// (`store::sessions::Gate`): one statement where there were two.
    /// `work` answers `None` when its gated statement came back empty or
    /// wrote nothing, which may mean the gate did not hold; the session is
    /// then checked on its own, and `work` runs again without the gate.
    pub fn confirm_within<T>(
        self,
        db: &Db,
        work: impl Fn(&Principal, Option<&Gate>) -> Result<Option<T>, Error>,
    ) -> Result<(Principal, T), Error> {
        let gated = {
            let who = &self.0;
            let gate = Gate {
                session_id: &who.session_id,
                user_id: &who.user_id,
                now: now_ms(),
            };
            match work(who, Some(&gate)) {
                Ok(done) => done,
                // The schema is behind: `confirm` migrates it.
                Err(e) if store::is_missing_schema(&e) => None,
                Err(e) => return Err(e),
            }
        };
        if let Some(done) = gated {
            return Ok((self.0, done));
        }
        let who = self.confirm(db)?;
        let done = work(&who, None)?
            .ok_or_else(|| Error::internal("a statement without the gate answered as gated"))?;
        Ok((who, done))
    }
}

pub fn sign_out(db: &Db, who: &Principal) -> Result<(), Error> {
    store::sessions::revoke(db, &who.session_id, now_ms())
}

pub fn profile(db: &Db, who: &Principal) -> Result<(User, Settings), Error> {
    store::users::get_user(db, &who.user_id)?
        .ok_or_else(|| Error::unauthorized("the account no longer exists"))
}
