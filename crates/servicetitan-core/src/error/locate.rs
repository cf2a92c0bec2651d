//! Locating a decode failure in the body: the byte offset of serde_json's position, the JSON
//! path (`data[3].modifiedOn`) of the value there, and a short excerpt around it.

/// The byte offset of serde_json's (1-based line, 0-based column) position.
pub(crate) fn offset_of(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut start = 0;
    let mut remaining = line - 1;
    if remaining > 0 {
        for (i, b) in body.iter().enumerate() {
            if *b == b'\n' {
                remaining -= 1;
                if remaining == 0 {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    (start + column).min(body.len())
}

enum Frame {
    Object {
        key: Option<String>,
        expecting_key: bool,
    },
    Array {
        index: usize,
    },
}

/// The JSON path (`data[3].modifiedOn`) of the value being read at `offset`: a small scanner
/// that tracks the open objects and arrays up to that byte.
pub(crate) fn json_path_at(body: &[u8], offset: usize) -> String {
    let end = offset.min(body.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        let b = body[i];
        match b {
            b'"' => {
                // Read the string (to its closing quote, possibly past `end`).
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                while j < body.len() {
                    let c = body[j];
                    if escaped {
                        escaped = false;
                    } else if c == b'\\' {
                        escaped = true;
                    } else if c == b'"' {
                        break;
                    }
                    j += 1;
                }
                if let Some(Frame::Object {
                    key,
                    expecting_key: expecting @ true,
                }) = stack.last_mut()
                {
                    let raw = &body[start..j.min(body.len())];
                    *key = Some(
                        serde_json::from_slice::<String>(&[b"\"", raw, b"\""].concat())
                            .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                    );
                    *expecting = false;
                }
                i = j + 1;
                continue;
            }
            b'{' => stack.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object {
                key: Some(k),
                expecting_key: false,
            } => {
                let plain = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
                if plain {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                } else {
                    path.push_str(&format!("[{k:?}]"));
                }
            }
            Frame::Object { .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// About 100 bytes of the body around `offset`, on one line.
pub(crate) fn excerpt(body: &[u8], offset: usize) -> String {
    let offset = offset.min(body.len());
    let start = offset.saturating_sub(60);
    let end = (offset + 40).min(body.len());
    let mut s: String = String::from_utf8_lossy(&body[start..end])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if start > 0 {
        s.insert(0, '…');
    }
    if end < body.len() {
        s.push('…');
    }
    s
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        s.to_string()
    } else {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    }
}
