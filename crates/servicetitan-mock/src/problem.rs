//! Problem responses: [`ApiError`], the one way a handler or the guard says no, and its rendering
//! as ASP.NET-style ProblemDetails (`type`, `title`, `status`, `traceId`, `errors`, `data`) with
//! the headers that go with it (`Retry-After`, `WWW-Authenticate`).
//!
//! An `ApiError` travels as a response extension until the guard knows the request's trace id;
//! [`render`] then writes it, and gives the same shape to axum's own empty error answers.

use axum::body::HttpBody;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::json::{obj, J};
use crate::reply::JSON;

/// What a handler answers: a response, or a problem.
pub(crate) type ApiResult = Result<Response, ApiError>;

/// The error code of a request no operation of the mock serves.
pub(crate) const NO_SUCH_OPERATION: &str = "NoSuchOperation";

/// An error answer, rendered as ProblemDetails with the request's trace id.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    title: String,
    code: &'static str,
    errors: Vec<(String, Vec<String>)>,
    retry_after: Option<u64>,
    www_authenticate: Option<String>,
}

impl ApiError {
    /// A problem with its status, error code (`data.errorCode`) and title.
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        title: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            title: title.into(),
            code,
            errors: Vec::new(),
            retry_after: None,
            www_authenticate: None,
        }
    }

    /// The same problem with another error code.
    pub(crate) fn code(mut self, code: &'static str) -> ApiError {
        self.code = code;
        self
    }

    /// Whether this says that no operation of the mock serves the request.
    pub(crate) fn is_no_such_operation(&self) -> bool {
        self.code == NO_SUCH_OPERATION
    }

    /// 404 Not Found.
    pub(crate) fn not_found(title: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NotFound", title)
    }

    /// 400 with validation errors: field name and its messages.
    pub(crate) fn validation(errors: Vec<(String, Vec<String>)>) -> ApiError {
        let mut e = ApiError::new(
            StatusCode::BAD_REQUEST,
            "ValidationError",
            "One or more validation errors occurred.",
        );
        e.errors = errors;
        e
    }

    /// 400 for one bad parameter.
    pub(crate) fn bad_param(field: &str, msg: impl Into<String>) -> ApiError {
        ApiError::validation(vec![(field.to_string(), vec![msg.into()])])
    }

    /// 401 with a `WWW-Authenticate: Bearer error="invalid_token"` challenge.
    pub(crate) fn invalid_token(code: &'static str, title: &str, description: &str) -> ApiError {
        let mut e = ApiError::new(StatusCode::UNAUTHORIZED, code, title);
        e.www_authenticate = Some(format!(
            "Bearer error=\"invalid_token\", error_description=\"{description}\""
        ));
        e
    }

    /// 429 with `Retry-After` (and `data.retryAfterSeconds`).
    pub(crate) fn too_many(retry_after: u64, title: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", title);
        e.retry_after = Some(retry_after);
        e
    }

    fn type_uri(&self) -> &'static str {
        match self.status.as_u16() {
            400 => "https://tools.ietf.org/html/rfc7231#section-6.5.1",
            401 => "https://tools.ietf.org/html/rfc7235#section-3.1",
            403 => "https://tools.ietf.org/html/rfc7231#section-6.5.3",
            404 => "https://tools.ietf.org/html/rfc7231#section-6.5.4",
            405 => "https://tools.ietf.org/html/rfc7231#section-6.5.5",
            409 => "https://tools.ietf.org/html/rfc7231#section-6.5.8",
            429 => "https://tools.ietf.org/html/rfc6585#section-4",
            502 => "https://tools.ietf.org/html/rfc7231#section-6.6.3",
            503 => "https://tools.ietf.org/html/rfc7231#section-6.6.4",
            504 => "https://tools.ietf.org/html/rfc7231#section-6.6.5",
            _ => "https://tools.ietf.org/html/rfc7231#section-6.6.1",
        }
    }

    fn into_problem(self, trace: &str) -> Response {
        let errors = J::Obj(
            self.errors
                .iter()
                .map(|(f, msgs)| {
                    (
                        f.clone().into(),
                        J::Arr(msgs.iter().map(|m| J::s(m.clone())).collect()),
                    )
                })
                .collect(),
        );
        let mut data = obj! {"errorCode" => self.code};
        if let Some(s) = self.retry_after {
            data.set("retryAfterSeconds", J::Int(s as i64));
        }
        let body = obj! {
            "type" => self.type_uri(),
            "title" => self.title.clone(),
            "status" => i64::from(self.status.as_u16()),
            "traceId" => trace.to_string(),
            "errors" => errors,
            "data" => data,
        };
        let mut resp = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
            body.to_bytes(),
        )
            .into_response();
        if let Some(s) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if let Some(w) = self
            .www_authenticate
            .and_then(|w| HeaderValue::from_str(&w).ok())
        {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, w);
        }
        resp
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = self.status.into_response();
        resp.extensions_mut().insert(self);
        resp
    }
}

/// The response as the client gets it: a problem a handler or the guard attached is rendered
/// with the trace id; an error status answered with an empty body (axum's 405 for a method
/// the path does not take) gets the same ProblemDetails shape; anything else passes unchanged.
pub(crate) fn render(mut resp: Response, trace: &str) -> Response {
    let status = resp.status();
    match resp.extensions_mut().remove::<ApiError>() {
        Some(e) => e.into_problem(trace),
        None if (status.is_client_error() || status.is_server_error())
            && resp.body().size_hint().exact() == Some(0) =>
        {
            let title = match status {
                StatusCode::METHOD_NOT_ALLOWED => {
                    "The mock does not serve this method on this path.".to_string()
                }
                s => s.canonical_reason().unwrap_or("Error").to_string(),
            };
            ApiError::new(status, "Error", title).into_problem(trace)
        }
        None => resp,
    }
}
