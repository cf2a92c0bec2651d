//! Which synced stream an event concerns: a table, so a sync driven by events (and its
//! tests) can read it, and a new event family is a new row, not new code.

/// Event subjects and the stream (`module.resource`, as `servicetitan export <module>
/// <resource>` names it) that holds their records. A subject is one or more words, matched
/// against the words of an event type (`Job.Created`, `job_updated`, `CustomerMembershipCreated`
/// all split into words; case and a plural `s` are ignored). At the first word that starts
/// a subject, the longest subject wins: `CustomerMembershipCreated` is a membership event,
/// `CustomerUpdated` a customer one.
pub const EVENT_STREAMS: &[(&str, &str)] = &[
    ("job", "jpm.jobs"),
    ("appointment", "jpm.appointments"),
    ("appointment assignment", "dispatch.appointment-assignments"),
    ("project", "jpm.projects"),
    ("customer", "crm.customers"),
    ("location", "crm.locations"),
    ("booking", "crm.bookings"),
    ("lead", "crm.leads"),
    ("invoice", "accounting.invoices"),
    ("payment", "accounting.payments"),
    ("membership", "memberships.memberships"),
    ("customer membership", "memberships.memberships"),
    ("estimate", "salestech.estimates"),
    ("technician", "settings.technicians"),
    ("employee", "settings.employees"),
    ("call", "telecom.calls"),
];

/// The stream an event type concerns, from [`EVENT_STREAMS`]; `None` for types it does not
/// list (they are still journaled like any other).
///
/// ```
/// use servicetitan_webhooks::stream_for;
/// assert_eq!(stream_for("Job.Created"), Some("jpm.jobs"));
/// assert_eq!(stream_for("customer_membership_updated"), Some("memberships.memberships"));
/// assert_eq!(stream_for("Invoices.Exported"), Some("accounting.invoices"));
/// assert_eq!(stream_for("Something.New"), None);
/// ```
pub fn stream_for(event_type: &str) -> Option<&'static str> {
    let words = words(event_type);
    for start in 0..words.len() {
        let best = EVENT_STREAMS
            .iter()
            .filter_map(|(subject, stream)| {
                let n = subject.split(' ').count();
                let matched = subject
                    .split(' ')
                    .zip(words.get(start..start + n)?)
                    .all(|(want, got)| want == got || got.strip_suffix('s') == Some(want));
                matched.then_some((n, *stream))
            })
            .max_by_key(|(n, _)| *n);
        if let Some((_, stream)) = best {
            return Some(stream);
        }
    }
    None
}

/// The lowercase words of an identifier: split at non-alphanumerics and at a capital after
/// a lowercase letter or digit.
fn words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_map_to_their_streams() {
        for (event_type, stream) in [
            ("Job.Created", Some("jpm.jobs")),
            ("JobUpdated", Some("jpm.jobs")),
            ("jobs.updated", Some("jpm.jobs")),
            ("CustomerUpdated", Some("crm.customers")),
            ("CustomerMembershipCreated", Some("memberships.memberships")),
            (
                "Appointment.Assignment.Created",
                Some("dispatch.appointment-assignments"),
            ),
            ("appointment-rescheduled", Some("jpm.appointments")),
            ("Accounting.Invoice.Created", Some("accounting.invoices")),
            ("PAYMENT_RECEIVED", Some("accounting.payments")),
            ("Mystery", None),
            ("", None),
        ] {
            assert_eq!(stream_for(event_type), stream, "{event_type}");
        }
    }
}
