//! Download a call recording to a file, streamed (never held whole in memory).
//!
//! `cargo run --example download_recording -- [call-id] [recording.mp3]`

mod common;

async fn run() -> Result<(), servicetitan::Error> {
    let mut args = std::env::args().skip(1);
    let (st, _mock) = common::connect().await?;
    let telecom = st.telecom();
    let call_id: i64 = match args.next() {
        Some(id) => id.parse().expect("a numeric call id"),
        None => {
            let calls = telecom.list_calls().page_size(1).send().await?.into_inner();
            calls
                .data
                .unwrap_or_default()
                .first()
                .map(|c| c.id)
                .expect("a call")
        }
    };
    let path = args.next().unwrap_or_else(|| format!("call-{call_id}.mp3"));
    let recording = telecom
        .get_call_recording()
        .id(call_id)
        .send()
        .await?
        .into_inner();
    let mut file = tokio::fs::File::create(&path).await?;
    let bytes = servicetitan::binary::write_stream(recording, &mut file).await?;
    println!("{bytes} bytes of call {call_id} saved to {path}");
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}
