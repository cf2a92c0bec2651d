//! Telecom v2: calls in the v2 shape, and call recordings streamed as MP3.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::Response;

use crate::params::{id_param, list_query, Query};
use crate::problem::{ApiError, ApiResult};
use crate::reply::{json, list_page};
use crate::store::Item;
use crate::Resource;

use super::records::not_found;
use super::Call;

/// A page of calls in the v2 shape (always with the total).
pub(crate) fn list_calls(c: &Call) -> ApiResult {
    let t = c.tenant;
    let mut lq = list_query(&Query::parse(c.query))?;
    lq.include_total = true;
    let page = t.data().list(&t.gen, Resource::Calls, &lq);
    let items = page.items.into_iter().map(|i| match i {
        Item::Generated(pos) => t.gen.call_v2(pos, false),
        stored => stored.render(&t.gen, Resource::Calls, false),
    });
    Ok(list_page(&lq, page.has_more, page.total, items))
}

/// Call `{id}` in the v2 shape.
pub(crate) fn get_call(c: &Call) -> ApiResult {
    let t = c.tenant;
    let id = id_param(c.params)?;
    match t.data().find(&t.gen, Resource::Calls, id) {
        Some(pos) => Ok(json(t.gen.call_v2(pos, true).to_bytes())),
        None => Err(not_found(Resource::Calls, id)),
    }
}

/// A silent MPEG-1 Layer III stream (128 kbit/s, 44.1 kHz): frame headers and empty frames.
const FRAME_LEN: usize = 417;
const FRAME_HEADER: [u8; 4] = [0xFF, 0xFB, 0x90, 0x64];
const CHUNK: usize = 16 * 1024;

fn recording_len(id: i64) -> usize {
    FRAME_LEN * (600 + (id.rem_euclid(240)) as usize)
}

fn recording_chunk(offset: usize, len: usize) -> Bytes {
    let mut buf = vec![0u8; len];
    for (i, b) in buf.iter_mut().enumerate() {
        let in_frame = (offset + i) % FRAME_LEN;
        if in_frame < 4 {
            *b = FRAME_HEADER[in_frame];
        }
    }
    Bytes::from(buf)
}

/// The recording of call `{id}`, streamed in chunks.
pub(crate) fn recording(c: &Call) -> ApiResult {
    let t = c.tenant;
    let id = id_param(c.params)?;
    if t.data().find(&t.gen, Resource::Calls, id).is_none() {
        return Err(not_found(Resource::Calls, id));
    }
    let total = recording_len(id);
    let stream = futures_util::stream::unfold(0usize, move |offset| async move {
        if offset >= total {
            return None;
        }
        let len = CHUNK.min(total - offset);
        tokio::task::yield_now().await;
        Some((
            Ok::<_, Infallible>(recording_chunk(offset, len)),
            offset + len,
        ))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, total)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"call-{id}.mp3\""),
        )
        .body(Body::from_stream(stream))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recording_is_mpeg_frames() {
        let c = recording_chunk(0, 2 * FRAME_LEN);
        assert_eq!(&c[..4], &FRAME_HEADER);
        assert_eq!(&c[FRAME_LEN..FRAME_LEN + 4], &FRAME_HEADER);
        assert!(recording_len(7) > 200_000 && recording_len(7) < 400_000);
    }
}
