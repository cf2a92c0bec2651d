use std::io::Write;
use std::path::Path;

use servicetitan_webhooks::{Checkpoint, Consumer, Event, Journal, JournalError, Outcome, Relay};

fn event(body: &str) -> Event {
    Event::parse(body.as_bytes()).unwrap()
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every journal line is JSON"))
        .collect()
}

fn keys(path: &Path) -> Vec<String> {
    lines(path)
        .iter()
        .map(|l| l["key"].as_str().unwrap().to_string())
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_redelivery_is_stored_once_also_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let rt = runtime();
    let with_id = event(r#"{"eventId":"evt-1","eventType":"Job.Created"}"#);
    // Same event id, another delivery attempt: still the same event.
    let retried = event(r#"{"eventId":"evt-1","eventType":"Job.Created","attempt":2}"#);
    let without_id = event(r#"{"eventType":"Customer.Updated","data":{"id":7}}"#);
    rt.block_on(async {
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.append(&with_id).await.unwrap(), Outcome::Stored);
        assert_eq!(j.append(&retried).await.unwrap(), Outcome::Duplicate);
        assert_eq!(j.append(&without_id).await.unwrap(), Outcome::Stored);
        assert_eq!(j.append(&without_id).await.unwrap(), Outcome::Duplicate);
    });
    assert_eq!(keys(&path).len(), 2);
    // A restart: the stored keys are read back.
    rt.block_on(async {
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.entries_at_open(), 2);
        assert_eq!(j.recovered(), None);
        assert_eq!(j.append(&retried).await.unwrap(), Outcome::Duplicate);
        assert_eq!(j.append(&without_id).await.unwrap(), Outcome::Duplicate);
        let new = event(r#"{"eventId":"evt-2"}"#);
        assert_eq!(j.append(&new).await.unwrap(), Outcome::Stored);
    });
    assert_eq!(
        keys(&path),
        vec![
            "id:evt-1".to_string(),
            without_id.dedup_key(),
            "id:evt-2".to_string()
        ]
    );
}

#[test]
fn concurrent_copies_of_one_event_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let outcomes = rt.block_on(async {
        let j = Journal::open(&path).unwrap();
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let j = j.clone();
                tokio::spawn(async move {
                    // 4 distinct events, 10 copies each.
                    let e = event(&format!(r#"{{"eventId":"e{}"}}"#, i % 4));
                    j.append(&e).await.unwrap()
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    });
    assert_eq!(
        outcomes.iter().filter(|o| **o == Outcome::Stored).count(),
        4
    );
    let mut k = keys(&path);
    k.sort();
    assert_eq!(k, ["id:e0", "id:e1", "id:e2", "id:e3"]);
}

#[test]
fn the_event_is_kept_as_sent_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let pretty = "{\n  \"eventType\": \"Invoice.Created\",\r\n  \"total\": 1234.10,\n  \"big\": 123456789012345678901234567890,\n  \"note\": \"a\\nb\"\n}";
    runtime().block_on(async {
        let j = Journal::open(&path).unwrap();
        j.append(&event(pretty)).await.unwrap();
    });
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.ends_with('\n'));
    assert!(text.contains("\"total\": 1234.10,"), "{text}");
    assert!(text.contains("123456789012345678901234567890"), "{text}");
    assert!(text.contains(r#""note": "a\nb""#), "{text}");
    let line: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(line["event"]["eventType"], "Invoice.Created");
    assert!(line["receivedAt"].as_str().unwrap().ends_with('Z'));
}

/// Writes two events, then the first half of a third line, as a crash mid-write leaves it.
fn journal_with_torn_tail(path: &Path) -> String {
    runtime().block_on(async {
        let j = Journal::open(path).unwrap();
        j.append(&event(r#"{"eventId":"a"}"#)).await.unwrap();
        j.append(&event(r#"{"eventId":"b"}"#)).await.unwrap();
    });
    let good = std::fs::read_to_string(path).unwrap();
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(br#"{"key":"id:c","receivedAt":"2026-01-01T00:00:00.000Z","event":{"eventI"#)
        .unwrap();
    good
}

#[test]
fn a_torn_last_line_is_cut_off_and_its_redelivery_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let good = journal_with_torn_tail(&path);

    // A consumer running meanwhile never reads the torn line.
    let mut consumer = Consumer::open(&path, dir.path().join("cp")).unwrap();
    assert_eq!(consumer.next_entry().unwrap().unwrap().key, "id:a");
    assert_eq!(consumer.next_entry().unwrap().unwrap().key, "id:b");
    assert!(consumer.next_entry().unwrap().is_none());

    runtime().block_on(async {
        let j = Journal::open(&path).unwrap();
        let r = j.recovered().expect("the torn line is reported");
        assert_eq!(r.kept_bytes, good.len() as u64);
        assert!(r.truncated_bytes > 0);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), good);
        // The sender never got a 200 for it, so it retries: stored now, once.
        let c = event(r#"{"eventId":"c"}"#);
        assert_eq!(j.append(&c).await.unwrap(), Outcome::Stored);
        assert_eq!(j.append(&c).await.unwrap(), Outcome::Duplicate);
    });
    assert_eq!(keys(&path), ["id:a", "id:b", "id:c"]);
    assert_eq!(consumer.next_entry().unwrap().unwrap().key, "id:c");
}

#[test]
fn garbage_at_the_end_is_a_torn_write_but_garbage_before_good_lines_is_damage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let good = journal_with_torn_tail(&path);
    // A power loss can leave zeros, newline included, at the end.
    std::fs::write(&path, format!("{good}\0\0\0\0\n")).unwrap();
    let j = Journal::open(&path).unwrap();
    assert_eq!(j.recovered().unwrap().truncated_bytes, 5);
    drop(j);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), good);

    let first = good.lines().next().unwrap();
    std::fs::write(&path, format!("not json\n{first}\n")).unwrap();
    match Journal::open(&path) {
        Err(JournalError::Corrupt {
            line: 1, offset: 0, ..
        }) => {}
        other => panic!("expected damage at line 1, got {other:?}"),
    }
}

#[test]
fn a_consumer_that_crashes_before_its_commit_reads_the_same_entries_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let cp = dir.path().join("consumer.checkpoint");
    runtime().block_on(async {
        let j = Journal::open(&path).unwrap();
        for i in 0..5 {
            j.append(&event(&format!(r#"{{"eventId":"e{i}"}}"#)))
                .await
                .unwrap();
        }
    });
    let mut processed = Vec::new();
    {
        let mut c = Consumer::open(&path, &cp).unwrap();
        let e0 = c.next_entry().unwrap().unwrap();
        let e1 = c.next_entry().unwrap().unwrap();
        processed.push(e0.key.clone());
        processed.push(e1.key.clone());
        c.commit(Checkpoint {
            offset: e1.end,
            output_len: None,
        })
        .unwrap();
        // Read e2 and crash before processing and committing it.
        assert_eq!(c.next_entry().unwrap().unwrap().key, "id:e2");
    }
    assert!(!dir.path().join("consumer.checkpoint.tmp").exists());
    let mut c = Consumer::open(&path, &cp).unwrap();
    while let Some(e) = c.next_entry().unwrap() {
        processed.push(e.key.clone());
        c.commit(Checkpoint {
            offset: e.end,
            output_len: None,
        })
        .unwrap();
    }
    assert_eq!(processed, ["id:e0", "id:e1", "id:e2", "id:e3", "id:e4"]);
    // And a third run has nothing left.
    assert!(Consumer::open(&path, &cp)
        .unwrap()
        .next_entry()
        .unwrap()
        .is_none());
}

#[test]
fn a_relay_crash_between_output_and_checkpoint_neither_loses_nor_doubles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let cp = dir.path().join("relay.checkpoint");
    let out = dir.path().join("out.ndjson");
    let rt = runtime();
    let j = rt.block_on(async {
        let j = Journal::open(&path).unwrap();
        for i in 0..3 {
            j.append(&event(&format!(r#"{{"eventId":"e{i}","n":1.50}}"#)))
                .await
                .unwrap();
        }
        j
    });
    let mut relay = Relay::open(&path, &cp, &out).unwrap();
    assert_eq!(relay.step(2).unwrap(), 2);
    drop(relay);
    // More events arrive; the relay writes them to its output and crashes before the
    // checkpoint (here: the lines it wrote, no commit).
    rt.block_on(async {
        for i in 3..6 {
            j.append(&event(&format!(r#"{{"eventId":"e{i}","n":1.50}}"#)))
                .await
                .unwrap();
        }
    });
    let mut f = std::fs::OpenOptions::new().append(true).open(&out).unwrap();
    f.write_all(b"{\"eventId\":\"e2\",\"n\":1.50}\n{\"eventId\":\"e3\",\"n\":1.5")
        .unwrap();
    drop(f);

    let mut relay = Relay::open(&path, &cp, &out).unwrap();
    let mut copied = 0;
    for _ in 0..10 {
        copied += relay.step(2).unwrap();
    }
    assert_eq!(copied, 4);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(*l, format!(r#"{{"eventId":"e{i}","n":1.50}}"#), "{text}");
    }
}

#[test]
fn a_checkpoint_that_does_not_fit_the_journal_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let cp = dir.path().join("cp");
    runtime().block_on(async {
        let j = Journal::open(&path).unwrap();
        j.append(&event(r#"{"eventId":"x"}"#)).await.unwrap();
    });
    let len = std::fs::metadata(&path).unwrap().len();
    std::fs::write(&cp, format!(r#"{{"offset":{}}}"#, len + 10)).unwrap();
    let err = Consumer::open(&path, &cp).unwrap_err();
    assert!(err.to_string().contains("past the end"), "{err}");
    std::fs::write(&cp, r#"{"offset":3}"#).unwrap();
    let err = Consumer::open(&path, &cp).unwrap_err();
    assert!(err.to_string().contains("not the start of a line"), "{err}");
    std::fs::write(&cp, "garbage").unwrap();
    assert!(matches!(
        Consumer::open(&path, &cp),
        Err(JournalError::Checkpoint { .. })
    ));
    // An output with content but no checkpoint is not overwritten.
    let out = dir.path().join("out.ndjson");
    std::fs::write(&out, "precious\n").unwrap();
    assert!(Relay::open(&path, dir.path().join("none"), &out).is_err());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n");
}
