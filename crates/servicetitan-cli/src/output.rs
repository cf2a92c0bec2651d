//! Record output: NDJSON (one JSON object per line, every field kept) or CSV (top-level
//! fields as columns, taken from the first record; nested values as JSON text).

use std::io::Write;

use serde_json::Value;
use servicetitan::Error;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Ndjson,
    Csv,
}

/// Writes records and counts the bytes written, so checkpoints can record them.
pub struct RecordWriter {
    out: std::io::BufWriter<Box<dyn Write>>,
    format: Format,
    columns: Option<Vec<String>>,
    /// Appending to an existing CSV: its header is already there.
    header_written: bool,
    bytes: u64,
}

impl RecordWriter {
    pub fn new(out: Box<dyn Write>, format: Format, appending: bool) -> Self {
        RecordWriter {
            out: std::io::BufWriter::with_capacity(1 << 16, out),
            format,
            columns: None,
            header_written: appending,
            bytes: 0,
        }
    }

    pub fn write(&mut self, record: &Value) -> Result<(), Error> {
        let line = match self.format {
            Format::Ndjson => {
                let mut line = serde_json::to_vec(record).expect("JSON values serialize");
                line.push(b'\n');
                line
            }
            Format::Csv => self.csv_line(record)?,
        };
        self.out.write_all(&line)?;
        self.bytes += line.len() as u64;
        Ok(())
    }

    fn csv_line(&mut self, record: &Value) -> Result<Vec<u8>, Error> {
        let columns = self.columns.get_or_insert_with(|| match record {
            Value::Object(map) => map.keys().cloned().collect(),
            _ => vec!["value".to_string()],
        });
        let mut buf = csv::Writer::from_writer(Vec::new());
        let csv_err = |e: csv::Error| Error::Other(format!("CSV output: {e}"));
        if !self.header_written {
            buf.write_record(columns.iter()).map_err(csv_err)?;
            self.header_written = true;
        }
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match record.get(c) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            })
            .collect();
        buf.write_record(&cells).map_err(csv_err)?;
        buf.into_inner()
            .map_err(|e| Error::Other(format!("CSV output: {e}")))
    }

    /// Flushes everything written so far; returns the total bytes written by this writer.
    pub fn flush(&mut self) -> Result<u64, Error> {
        self.out.flush()?;
        Ok(self.bytes)
    }
}
