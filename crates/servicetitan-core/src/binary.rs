//! Binary downloads (call recordings, attachments) without buffering the whole body.

use futures::StreamExt;
use progenitor_client::{ByteStream, ResponseValue};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::Error;

/// Writes a byte stream to `writer` chunk by chunk and flushes it; returns the bytes written.
pub async fn write_stream<W>(stream: ByteStream, writer: &mut W) -> Result<u64, Error>
where
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut inner = stream.into_inner();
    let mut written = 0u64;
    while let Some(chunk) = inner.next().await {
        let chunk = chunk.map_err(|e| Error::from_reqwest(e, None))?;
        writer.write_all(&chunk).await?;
        written += chunk.len() as u64;
    }
    writer.flush().await?;
    Ok(written)
}

/// Writes a generated client's binary response (`ResponseValue<ByteStream>`) to `writer`.
pub async fn write_response<W>(
    response: ResponseValue<ByteStream>,
    writer: &mut W,
) -> Result<u64, Error>
where
    W: AsyncWrite + Unpin + ?Sized,
{
    write_stream(response.into_inner(), writer).await
}

/// Writes the result of a generated binary operation to `writer`, converting its error.
///
/// ```ignore
/// let mut file = tokio::fs::File::create("call.mp3").await?;
/// servicetitan_core::binary::save(client.get_call_recording().id(1).send().await, &mut file).await?;
/// ```
pub async fn save<W, E>(
    result: Result<ResponseValue<ByteStream>, progenitor_client::Error<E>>,
    writer: &mut W,
) -> Result<u64, Error>
where
    W: AsyncWrite + Unpin + ?Sized,
    E: serde::Serialize + std::fmt::Debug,
{
    write_response(result.map_err(Error::from)?, writer).await
}
