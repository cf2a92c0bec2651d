//! Rust names for operations and schemas: readable, deterministic and collision-free.

use std::collections::{BTreeMap, BTreeSet};

/// Splits an identifier into lower-case words at case changes, digits and punctuation.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if p.is_alphanumeric() => {
                (c.is_uppercase() && (p.is_lowercase() || p.is_ascii_digit()))
                    || (c.is_uppercase()
                        && p.is_uppercase()
                        && next.is_some_and(|n| n.is_lowercase()))
            }
            _ => false,
        };
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `Jobs_GetList` → `jobs_get_list`.
pub fn snake(s: &str) -> String {
    words(s).join("_")
}

/// `job-status` → `JobStatus`.
pub fn pascal(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A name for an operation without an id: `GET /tenant/{tenant}/jobs/{id}/notes` → `get_jobs_id_notes`.
pub fn operation_name_from_path(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_string()];
    for seg in path.split('/') {
        let seg = seg.trim_matches(|c| c == '{' || c == '}');
        if seg.is_empty() || seg == "tenant" || seg == crate::normalize::TENANT_PLACEHOLDER {
            continue;
        }
        parts.push(snake(seg));
    }
    parts.join("_")
}

/// The readable core of one schema key: `PaginatedResponse_Of_Jpm.V2.JobResponse` → segments
/// `[Jpm, V2, Job]` with suffix `Page`; the last segment is the short name and the earlier
/// ones are kept in reserve to break ties.
fn segments(key: &str) -> (Vec<String>, String) {
    for (prefix, suffix) in [
        ("PaginatedResponse_Of_", "Page"),
        ("ExportResponse_Of_", "ExportPage"),
        ("ListResponse_Of_", "List"),
    ] {
        if let Some(inner) = key.strip_prefix(prefix) {
            let (segs, inner_suffix) = segments(inner);
            return (segs, format!("{inner_suffix}{suffix}"));
        }
    }
    // Version segments (`V2`) never make a name clearer; a clash they would settle falls to
    // the numeric suffix instead.
    let is_version = |s: &str| {
        s.len() > 1 && s.starts_with(['V', 'v']) && s[1..].chars().all(|c| c.is_ascii_digit())
    };
    let segs: Vec<String> = key
        .split(['.', '+'])
        .filter(|s| !s.is_empty() && !is_version(s))
        .map(pascal)
        .collect();
    (segs, String::new())
}

/// Maps every schema key of a document to a clean name. Each name starts as the last dotted
/// segment (plus `Page`/`ExportPage` for the generic wrappers); names that collide take more
/// leading segments until they differ; a final numeric suffix settles anything left, in sorted
/// key order so the result is stable.
pub fn clean_schema_names(keys: &[String]) -> BTreeMap<String, String> {
    let parsed: BTreeMap<&String, (Vec<String>, String)> =
        keys.iter().map(|k| (k, segments(k))).collect();
    let mut depth: BTreeMap<&String, usize> = keys.iter().map(|k| (k, 1)).collect();
    let name_of = |k: &String, d: usize| -> String {
        let (segs, suffix) = &parsed[k];
        let base = if segs.is_empty() {
            "Schema".to_string()
        } else {
            let start = segs.len().saturating_sub(d);
            segs[start..].concat()
        };
        let base = if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            format!("Schema{base}")
        } else {
            base
        };
        format!("{base}{suffix}")
    };
    loop {
        let mut by_name: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for k in keys {
            by_name.entry(name_of(k, depth[k])).or_default().push(k);
        }
        let mut changed = false;
        for group in by_name.values().filter(|g| g.len() > 1) {
            for k in group {
                if depth[*k] < parsed[*k].0.len() {
                    *depth.get_mut(*k).unwrap() += 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut used = BTreeSet::new();
    let mut out = BTreeMap::new();
    let mut sorted: Vec<&String> = keys.iter().collect();
    sorted.sort();
    for k in sorted {
        let base = name_of(k, depth[k]);
        let mut name = base.clone();
        let mut i = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}{i}");
            i += 1;
        }
        out.insert(k.clone(), name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_and_pascal() {
        assert_eq!(snake("Jobs_GetList"), "jobs_get_list");
        assert_eq!(snake("listJobs"), "list_jobs");
        assert_eq!(snake("GetHTTPStatus"), "get_http_status");
        assert_eq!(pascal("job-status"), "JobStatus");
        assert_eq!(pascal("In Progress"), "InProgress");
    }

    #[test]
    fn wrapper_and_dotted_names() {
        let keys: Vec<String> = [
            "PaginatedResponse_Of_Jpm.V2.JobResponse",
            "Jpm.V2.JobResponse",
            "ExportResponse_Of_Jpm.V2.ExportJobsResponse",
            "Crm.V2.Customers.CustomerResponse",
            "Crm.V2.Contacts.CustomerResponse",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let names = clean_schema_names(&keys);
        assert_eq!(
            names["PaginatedResponse_Of_Jpm.V2.JobResponse"],
            "JobResponsePage"
        );
        assert_eq!(names["Jpm.V2.JobResponse"], "JobResponse");
        assert_eq!(
            names["ExportResponse_Of_Jpm.V2.ExportJobsResponse"],
            "ExportJobsResponseExportPage"
        );
        assert_eq!(
            names["Crm.V2.Customers.CustomerResponse"],
            "CustomersCustomerResponse"
        );
        assert_eq!(
            names["Crm.V2.Contacts.CustomerResponse"],
            "ContactsCustomerResponse"
        );
    }
}
