//! Record output: NDJSON (one JSON object per line, every field kept) or CSV (top-level
//! fields as columns, taken from the first record; nested values as JSON text).
//!
//! Records arrive as the server's JSON text ([`RawValue`]) and are written from that text:
//! numbers keep every digit as sent (`1234.10`, 20-digit values), keys keep their order. No
//! record goes through `serde_json::Value` (whose numbers are `f64`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::io::Write;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use servicetitan::Error;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line, as the server sent it.
    Ndjson,
    /// Top-level fields as columns (from the first record); nested values as JSON text.
    Csv,
}

/// Counts the bytes that pass through to `inner`.
struct Counter<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

enum Sink {
    Ndjson(Counter<std::io::BufWriter<Box<dyn Write>>>),
    Csv(Box<CsvSink>),
}

struct CsvSink {
    out: csv::Writer<Counter<Box<dyn Write>>>,
    /// Column names, from the first record.
    columns: Option<Vec<String>>,
    /// Column index by name.
    index: HashMap<String, usize>,
    /// Appending to an existing CSV: its header is already there.
    header_written: bool,
}

/// Writes records and counts the bytes written, so checkpoints can record them.
pub struct RecordWriter {
    sink: Sink,
}

const BUFFER: usize = 1 << 16;

fn csv_err(e: csv::Error) -> Error {
    Error::Other(format!("CSV output: {e}"))
}

impl RecordWriter {
    /// A writer to `out`; `appending` continues an existing output (a CSV then gets no
    /// second header).
    pub fn new(out: Box<dyn Write>, format: Format, appending: bool) -> Self {
        let sink = match format {
            Format::Ndjson => Sink::Ndjson(Counter {
                inner: std::io::BufWriter::with_capacity(BUFFER, out),
                bytes: 0,
            }),
            Format::Csv => Sink::Csv(Box::new(CsvSink {
                out: csv::WriterBuilder::new()
                    .buffer_capacity(BUFFER)
                    .from_writer(Counter {
                        inner: out,
                        bytes: 0,
                    }),
                columns: None,
                index: HashMap::new(),
                header_written: appending,
            })),
        };
        RecordWriter { sink }
    }

    /// Writes one record from the JSON text the server sent.
    pub fn write(&mut self, record: &RawValue) -> Result<(), Error> {
        match &mut self.sink {
            Sink::Ndjson(out) => {
                let text = record.get().trim().as_bytes();
                // Whitespace outside strings is all a raw newline can be (JSON strings cannot
                // hold one), so a pretty-printed record still takes exactly one line.
                if text.iter().any(|b| matches!(b, b'\n' | b'\r')) {
                    let line: Vec<u8> = text
                        .iter()
                        .copied()
                        .filter(|b| *b != b'\n' && *b != b'\r')
                        .collect();
                    out.write_all(&line)?;
                } else {
                    out.write_all(text)?;
                }
                out.write_all(b"\n")?;
            }
            Sink::Csv(csv) => {
                let CsvSink {
                    out,
                    columns,
                    index,
                    header_written,
                } = &mut **csv;
                let text = record.get().trim();
                let fields: Vec<(Cow<str>, &str)> = if text.starts_with('{') {
                    serde_json::from_str::<Fields>(text)
                        .map_err(|e| Error::Other(format!("CSV output: a record: {e}")))?
                        .0
                        .into_iter()
                        .map(|(k, v)| (k, v.get()))
                        .collect()
                } else {
                    vec![(Cow::Borrowed("value"), text)]
                };
                let columns = columns.get_or_insert_with(|| {
                    let names: Vec<String> = fields.iter().map(|(k, _)| k.to_string()).collect();
                    *index = names
                        .iter()
                        .enumerate()
                        .map(|(i, n)| (n.clone(), i))
                        .collect();
                    names
                });
                if !*header_written {
                    out.write_record(columns.iter()).map_err(csv_err)?;
                    *header_written = true;
                }
                let mut cells: Vec<Cow<str>> = vec![Cow::Borrowed(""); columns.len()];
                for (name, value) in &fields {
                    if let Some(&i) = index.get(name.as_ref()) {
                        cells[i] = cell(value)?;
                    }
                }
                out.write_record(cells.iter().map(|c| c.as_bytes()))
                    .map_err(csv_err)?;
            }
        }
        Ok(())
    }

    /// Flushes everything written so far; returns the total bytes written by this writer.
    pub fn flush(&mut self) -> Result<u64, Error> {
        Ok(match &mut self.sink {
            Sink::Ndjson(out) => {
                out.flush()?;
                out.bytes
            }
            Sink::Csv(csv) => {
                csv.out.flush()?;
                csv.out.get_ref().bytes
            }
        })
    }
}

/// A CSV cell from a value's JSON text: `null` is empty, a string its text, anything else
/// (numbers, booleans, objects, arrays) the JSON text as sent.
fn cell(value: &str) -> Result<Cow<'_, str>, Error> {
    let value = value.trim();
    if value == "null" {
        return Ok(Cow::Borrowed(""));
    }
    if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        if !inner.contains('\\') {
            return Ok(Cow::Borrowed(inner));
        }
        return serde_json::from_str::<String>(value)
            .map(Cow::Owned)
            .map_err(|e| Error::Other(format!("CSV output: a string value: {e}")));
    }
    Ok(Cow::Borrowed(value))
}

/// A record's top-level fields in the server's order, each value as its JSON text.
struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

/// A key, borrowed from the text when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(32));
                while let Some(Key(key)) = map.next_key()? {
                    let value: &'de RawValue = map.next_value()?;
                    fields.push((key, value));
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(V)
    }
}

/// Indents JSON text two spaces per level, like `serde_json::to_string_pretty`, copying
/// every string, number and literal exactly as written. `text` must be valid JSON.
pub fn pretty(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\n' | b'\r' | b'\t' => {
                i += 1;
                continue;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                out.push_str(&text[start..i]);
                continue;
            }
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                let next = bytes[i + 1..]
                    .iter()
                    .position(|c| !c.is_ascii_whitespace())
                    .map(|p| i + 1 + p);
                out.push(b as char);
                if next.is_some_and(|n| bytes[n] == close) {
                    out.push(close as char);
                    i = next.unwrap_or(i) + 1;
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(b as char);
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            b':' => out.push_str(": "),
            _ => {
                // Numbers and literals: copied up to the next structural character.
                let start = i;
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b',' | b'}' | b']' | b':' | b' ' | b'\n' | b'\r' | b'\t'
                    )
                {
                    i += 1;
                }
                out.push_str(&text[start..i]);
                continue;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_string()).unwrap()
    }

    fn written(format: Format, records: &[&str]) -> String {
        let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut w = RecordWriter::new(Box::new(Shared(buf.clone())), format, false);
        for r in records {
            w.write(&raw(r)).unwrap();
        }
        let n = w.flush().unwrap();
        let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
        assert_eq!(
            n,
            text.len() as u64,
            "the byte count matches what was written"
        );
        text
    }

    #[test]
    fn ndjson_keeps_the_text_and_takes_one_line_per_record() {
        let r = r#"{"z":1234.10,"a":12345678901234567890.12,"s":"x\ny"}"#;
        assert_eq!(written(Format::Ndjson, &[r]), format!("{r}\n"));
        assert_eq!(
            written(Format::Ndjson, &["{\n  \"a\": 1.50,\n  \"b\": [1e3]\n}"]),
            "{  \"a\": 1.50,  \"b\": [1e3]}\n"
        );
    }

    #[test]
    fn csv_cells_keep_numbers_order_and_unescape_strings() {
        let text = written(
            Format::Csv,
            &[
                r#"{"z":1234.10,"a":12345678901234567890.12,"s":"x\"y","n":null,"o":{"b":1.0}}"#,
                r#"{"a":-0.0,"z":true,"extra":1,"s":"plain"}"#,
            ],
        );
        assert_eq!(
            text,
            "z,a,s,n,o\n1234.10,12345678901234567890.12,\"x\"\"y\",,\"{\"\"b\"\":1.0}\"\ntrue,-0.0,plain,,\n"
        );
        assert_eq!(written(Format::Csv, &["1.10", "2"]), "value\n1.10\n2\n");
    }

    #[test]
    fn pretty_indents_without_touching_values() {
        let text = r#"{"b":1234.10,"a":[],"c":{"x":"a,b:{","y":[1.0, 2e5]},"d":{}}"#;
        assert_eq!(
            pretty(text),
            "{\n  \"b\": 1234.10,\n  \"a\": [],\n  \"c\": {\n    \"x\": \"a,b:{\",\n    \"y\": [\n      1.0,\n      2e5\n    ]\n  },\n  \"d\": {}\n}"
        );
        // Where no number is at stake, the layout is serde_json's own.
        let plain = r#"{ "e": null, "k": [1, {"q": "\"\\", "r": {}}, []] }"#;
        let v: serde_json::Value = serde_json::from_str(plain).unwrap();
        assert_eq!(pretty(plain), serde_json::to_string_pretty(&v).unwrap());
    }
}
