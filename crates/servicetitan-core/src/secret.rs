//! Secrets (client secret, App Key, access tokens) that never print.

use std::fmt;
use std::sync::Arc;

/// A secret string: the client secret, the App Key or an access token.
///
/// Its `Debug` output is `Secret(***)` and it has no `Display`, so it cannot end up in logs,
/// error messages or `{:?}` dumps of the configuration by accident. Read it with
/// [`Secret::expose`].
#[derive(Clone)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    /// The secret value itself. Call this only where the value must be sent.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (a common configuration mistake).
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

/// An app's OAuth client credentials for one tenant (ServiceTitan issues a client id and
/// secret per tenant connection).
#[derive(Clone)]
pub struct Credentials {
    client_id: String,
    client_secret: Secret,
}

impl Credentials {
    /// Client credentials from a client id and its secret.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        Credentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// The client id (not a secret).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret.
    pub fn client_secret(&self) -> &Secret {
        &self.client_secret
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}
