//! Multipart uploads (attachments, images) through the same auth, limit and retry path as
//! every other call.

use std::path::Path;

use bytes::Bytes;
use reqwest::multipart::{Form, Part};
use reqwest::Method;

use crate::{Error, Runtime};

/// A file to upload.
#[derive(Clone)]
pub struct UploadFile {
    /// The file name sent in the multipart part.
    pub file_name: String,
    /// The media type (guessed from the name when `None`).
    pub content_type: Option<String>,
    /// The content.
    pub bytes: Bytes,
}

impl std::fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl UploadFile {
    /// A file from memory.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        UploadFile {
            file_name: file_name.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Sets the media type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Reads a file; its name becomes the part's file name.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = tokio::fs::read(path).await?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_string());
        Ok(UploadFile::new(file_name, bytes))
    }

    fn media_type(&self) -> &str {
        if let Some(ct) = &self.content_type {
            return ct;
        }
        let ext = self
            .file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "jpg" | "jpeg" => "image/jpeg",
            "png" => "image/png",
            "gif" => "image/gif",
            "webp" => "image/webp",
            "bmp" => "image/bmp",
            "pdf" => "application/pdf",
            "txt" => "text/plain",
            "csv" => "text/csv",
            "json" => "application/json",
            "mp3" => "audio/mpeg",
            "wav" => "audio/wav",
            "mp4" => "video/mp4",
            "doc" => "application/msword",
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xls" => "application/vnd.ms-excel",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "zip" => "application/zip",
            _ => "application/octet-stream",
        }
    }

    fn part(&self) -> Result<Part, Error> {
        Part::stream_with_length(self.bytes.clone(), self.bytes.len() as u64)
            .file_name(self.file_name.clone())
            .mime_str(self.media_type())
            .map_err(|e| Error::InvalidRequest(format!("invalid content type: {e}")))
    }
}

/// Sends `file` as multipart field `field` to `url` (absolute, possibly with the `__tenant__`
/// placeholder), with the runtime's auth, rate limit and retries (POST is retried only on 429,
/// connection failures, or when the retry policy opts in). A status that is not a success
/// becomes [`Error::Api`].
pub async fn send_multipart(
    runtime: &Runtime,
    method: Method,
    url: String,
    field: &str,
    file: UploadFile,
    operation_id: &'static str,
) -> Result<reqwest::Response, Error> {
    let url = reqwest::Url::parse(&url)
        .map_err(|e| Error::InvalidRequest(format!("invalid upload URL {url:?}: {e}")))?;
    let field = field.to_string();
    let http = runtime.http().clone();
    let m = method.clone();
    let make = move || {
        let form = Form::new().part(field.clone(), file.part()?);
        http.request(m.clone(), url.clone())
            .multipart(form)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))
    };
    match runtime.send_with(&method, operation_id, true, make).await {
        Ok(resp) if resp.status().is_success() => Ok(resp),
        Ok(resp) => Err(Error::from_response(resp).with_operation(operation_id)),
        Err(f) => Err(f.into_error(operation_id)),
    }
}
