//! Multipart uploads (attachments, images) through the same auth, limit and retry path as
//! every other call.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use futures::stream::BoxStream;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde::de::DeserializeOwned;
use tokio::io::AsyncReadExt;

use crate::{Error, Runtime};

/// A stream of chunks to upload, as [`UploadFile::from_stream`] takes it.
pub type ChunkStream = BoxStream<'static, Result<Bytes, std::io::Error>>;

/// A file to upload: from memory, from a path (read anew for each attempt, never held in
/// memory) or from a stream (sent once: an upload from a stream is not retried).
#[derive(Clone)]
pub struct UploadFile {
    file_name: String,
    content_type: Option<String>,
    source: Source,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path {
        path: PathBuf,
        len: u64,
    },
    /// Taken by the first attempt.
    Stream {
        stream: Arc<Mutex<Option<ChunkStream>>>,
        len: Option<u64>,
    },
}

impl std::fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (source, len) = match &self.source {
            Source::Bytes(b) => ("bytes", Some(b.len() as u64)),
            Source::Path { len, .. } => ("path", Some(*len)),
            Source::Stream { len, .. } => ("stream", *len),
        };
        f.debug_struct("UploadFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("source", &source)
            .field("len", &len)
            .finish()
    }
}

/// How much of a file one chunk of a path upload reads.
const PATH_CHUNK: usize = 64 * 1024;

impl UploadFile {
    /// A file from memory.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        UploadFile {
            file_name: file_name.into(),
            content_type: None,
            source: Source::Bytes(bytes.into()),
        }
    }

    /// A file on disk; its name becomes the part's file name. The file is streamed from disk
    /// on each attempt, so a large file is never held in memory and a retry sends it again.
    /// Its length is taken now: a file that changes size before it is sent fails the upload
    /// rather than sending a body that does not match its length.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be opened.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let len = tokio::fs::File::open(path).await?.metadata().await?.len();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_string());
        Ok(UploadFile {
            file_name,
            content_type: None,
            source: Source::Path {
                path: path.to_path_buf(),
                len,
            },
        })
    }

    /// A file from a stream of chunks, with its length when known (some servers want one).
    /// A stream can be read once, so this upload is not retried: a 429 or a dropped
    /// connection fails the call. Use [`UploadFile::from_path`] or [`UploadFile::new`] to
    /// have it retried.
    pub fn from_stream(
        file_name: impl Into<String>,
        stream: ChunkStream,
        len: Option<u64>,
    ) -> Self {
        UploadFile {
            file_name: file_name.into(),
            content_type: None,
            source: Source::Stream {
                stream: Arc::new(Mutex::new(Some(stream))),
                len,
            },
        }
    }

    /// Sets the media type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name sent in the multipart part.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Whether the request can be made again (for a retry).
    fn replayable(&self) -> bool {
        !matches!(self.source, Source::Stream { .. })
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
        let part = match &self.source {
            Source::Bytes(b) => Part::stream_with_length(b.clone(), b.len() as u64),
            Source::Path { path, len } => {
                let (path, len) = (path.clone(), *len);
                // Opened by the first poll, so each attempt reads the file from the start.
                let chunks = futures::stream::try_unfold(
                    (None::<tokio::fs::File>, 0u64),
                    move |(file, sent)| {
                        let path = path.clone();
                        async move {
                            let mut file = match file {
                                Some(f) => f,
                                None => tokio::fs::File::open(&path).await?,
                            };
                            let mut buf = BytesMut::with_capacity(PATH_CHUNK);
                            let n = file.read_buf(&mut buf).await? as u64;
                            let sent = sent + n;
                            if sent > len || (n == 0 && sent < len) {
                                return Err(std::io::Error::new(
                                    std::io::ErrorKind::InvalidData,
                                    format!(
                                        "{} changed size since it was given for upload ({len} bytes)",
                                        path.display()
                                    ),
                                ));
                            }
                            Ok((n > 0).then(|| (buf.freeze(), (Some(file), sent))))
                        }
                    },
                );
                Part::stream_with_length(reqwest::Body::wrap_stream(chunks), len)
            }
            Source::Stream { stream, len } => {
                let taken = stream.lock().ok().and_then(|mut s| s.take());
                let Some(chunks) = taken else {
                    return Err(Error::InvalidRequest(format!(
                        "the upload of {:?} comes from a stream, which was already sent once; \
                         give a path or bytes to have it sent again",
                        self.file_name
                    )));
                };
                let body = reqwest::Body::wrap_stream(chunks);
                match len {
                    Some(len) => Part::stream_with_length(body, *len),
                    None => Part::stream(body),
                }
            }
        };
        part.file_name(self.file_name.clone())
            .mime_str(self.media_type())
            .map_err(|e| Error::InvalidRequest(format!("invalid content type: {e}")))
    }
}

/// Sends `file` as multipart field `field` to `url` and returns the response as it came, when
/// its status is a success.
async fn multipart_response(
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
    let replayable = file.replayable();
    let make = move || {
        let form = Form::new().part(field.clone(), file.part()?);
        http.request(m.clone(), url.clone())
            .multipart(form)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))
    };
    match runtime
        .send_with(&method, operation_id, replayable, make)
        .await
    {
        Ok(resp) if resp.status().is_success() => Ok(resp),
        Ok(resp) => Err(Error::from_response(resp).with_operation(operation_id)),
        Err(f) => Err(f.into_error(operation_id)),
    }
}

/// Sends `file` as multipart field `field` to `url` (absolute, possibly with the `__tenant__`
/// placeholder), with the runtime's auth, rate limit and retries (POST is retried only on 429,
/// connection failures, or when the retry policy opts in), and decodes the result as `T`, like
/// every other operation. A status that is not a success becomes [`Error::Api`]; a body that is
/// not a `T` becomes [`Error::Decode`] naming where it went wrong.
///
/// # Errors
/// As any call: [`Error::Api`], [`Error::Decode`], transport, auth and limit errors.
pub async fn send_multipart<T: DeserializeOwned>(
    runtime: &Runtime,
    method: Method,
    url: String,
    field: &str,
    file: UploadFile,
    operation_id: &'static str,
) -> Result<progenitor_client::ResponseValue<T>, Error> {
    let resp = multipart_response(runtime, method, url, field, file, operation_id).await?;
    progenitor_client::ResponseValue::<T>::from_response::<()>(resp)
        .await
        .map_err(|e| Error::from(e).with_operation(operation_id))
}

/// [`send_multipart`] for uploads whose document declares no JSON result: the status and
/// headers, the body left unread.
///
/// # Errors
/// As [`send_multipart`], without decoding.
pub async fn send_multipart_empty(
    runtime: &Runtime,
    method: Method,
    url: String,
    field: &str,
    file: UploadFile,
    operation_id: &'static str,
) -> Result<progenitor_client::ResponseValue<()>, Error> {
    let resp = multipart_response(runtime, method, url, field, file, operation_id).await?;
    Ok(progenitor_client::ResponseValue::new(
        (),
        resp.status(),
        resp.headers().clone(),
    ))
}
