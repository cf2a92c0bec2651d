//! The bridge that carries the SDK's own errors (auth, limits, timeouts raised inside the
//! runtime's `exec` hook) through progenitor as a synthesized response, and turns progenitor's
//! errors back into [`Error`]. Crate-private: users only ever see [`Error`].

use super::*;

/// The header marking a response synthesized by the SDK to carry one of its own errors.
pub(crate) const SDK_ERROR_HEADER: &str = "x-servicetitan-sdk-error";
/// Set to `refreshed` on a 401 that came back even after the token was refreshed.
pub(crate) const SDK_AUTH_HEADER: &str = "x-servicetitan-sdk-auth";
/// The status of synthesized responses: outside the standard range, so no generated operation
/// declares it and progenitor hands the response back untouched as `UnexpectedResponse`.
pub(crate) const SDK_ERROR_STATUS: u16 = 599;

/// The error itself, carried in the synthesized response's extensions.
#[derive(Clone)]
struct Carrier(Arc<Mutex<Option<Error>>>);

/// A buffered error body, carried in the extensions of responses the runtime buffered.
#[derive(Clone)]
pub(crate) struct BufferedBody(pub(crate) Bytes, pub(crate) &'static str);

impl Error {
    fn marker_kind(&self) -> &'static str {
        match self {
            Error::Auth(a) => match a.kind {
                AuthErrorKind::InvalidClient => "auth_invalid_client",
                AuthErrorKind::Rejected(_) => "auth_rejected",
                AuthErrorKind::Unavailable => "auth_unavailable",
                AuthErrorKind::InvalidResponse => "auth_invalid_response",
            },
            Error::RateLimited { .. } => "rate_limited",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport",
            Error::Config(_) => "config",
            Error::InvalidRequest(_) => "invalid_request",
            _ => "other",
        }
    }

    /// Wraps this error in a response progenitor will hand back as `UnexpectedResponse`:
    /// status 599, header `x-servicetitan-sdk-error: <kind>`, a JSON body describing it, and
    /// the error itself in the extensions for `Error::from` to take back.
    pub(crate) fn into_response(self) -> reqwest::Response {
        let kind = self.marker_kind();
        let message = self.to_string();
        let body = serde_json::json!({
            "type": format!("urn:servicetitan-sdk:error:{kind}"),
            "title": message,
            "status": SDK_ERROR_STATUS,
            "sdkError": kind,
            "retryable": self.is_retryable(),
        });
        let builder = http::Response::builder()
            .status(SDK_ERROR_STATUS)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(SDK_ERROR_HEADER, kind);
        let resp = builder
            .extension(Carrier(Arc::new(Mutex::new(Some(self)))))
            .body(body.to_string())
            .expect("a valid synthesized response");
        reqwest::Response::from(resp)
    }

    /// Takes the SDK error back out of a synthesized response: the one way such a response is
    /// decoded (progenitor hands it back as `UnexpectedResponse`, extensions intact).
    fn from_carrier(kind: &str, extensions: &http::Extensions) -> Error {
        extensions
            .get::<Carrier>()
            .and_then(|c| c.0.lock().ok().and_then(|mut g| g.take()))
            .unwrap_or_else(|| {
                Error::Other(format!(
                    "an SDK error ({kind}) was decoded twice; its details went with the first"
                ))
            })
    }

    /// Turns any response (synthesized or from the API) that is not a success into an error.
    /// Uses the body the runtime buffered, if any.
    pub fn from_response(resp: reqwest::Response) -> Error {
        if let Some(kind) = resp
            .headers()
            .get(SDK_ERROR_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            return Error::from_carrier(kind, resp.extensions());
        }
        let buffered = resp.extensions().get::<BufferedBody>();
        let body = buffered.map(|b| b.0.clone());
        let operation = buffered.map(|b| b.1);
        let err = Error::api(resp.status(), resp.headers(), body.as_deref());
        match operation {
            Some(op) => err.with_operation(op),
            None => err,
        }
    }
}

impl From<reqwest::Error> for Error {
    /// An HTTP client error from hand-written code: [`Error::Timeout`] or [`Error::Transport`].
    fn from(e: reqwest::Error) -> Self {
        Error::from_reqwest(e, None)
    }
}

impl<E> From<progenitor_client::Error<E>> for Error
where
    E: Serialize + fmt::Debug,
{
    fn from(err: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match err {
            P::InvalidRequest(s) => Error::InvalidRequest(s),
            P::Custom(s) => Error::Other(s),
            P::CommunicationError(e) | P::InvalidUpgrade(e) => Error::from_reqwest(e, None),
            P::ResponseBodyError(e) => {
                if e.is_timeout() {
                    Error::from_reqwest(e, None)
                } else {
                    Error::Transport {
                        operation_id: None,
                        message: describe_reqwest(&e),
                        source: Some(e),
                    }
                }
            }
            // A declared error status: the API's own (status 599 is never declared).
            P::ErrorResponse(rv) => {
                let status = rv.status();
                let headers = rv.headers().clone();
                let value = serde_json::to_value(rv.into_inner()).ok();
                let mut err = Error::api(status, &headers, None);
                if let (Error::Api(api), Some(v)) = (&mut err, value) {
                    api.problem = Problem::from_value(&v);
                    if api.problem.is_none() && !v.is_null() {
                        api.body_excerpt = Some(truncate(&v.to_string(), 200));
                    }
                }
                err
            }
            P::InvalidResponsePayload(bytes, e) => {
                Error::Decode(Box::new(DecodeError::new(None, &bytes, e)))
            }
            P::UnexpectedResponse(resp) => Error::from_response(resp),
        }
    }
}
