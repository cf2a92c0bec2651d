//! Our names for operations and models that the overlay does not name yet.
//!
//! Names users already compile against are pinned in the overlays; these rules only name what a
//! new document adds, and the change report lists every name they chose.

use crate::naming;

/// `Appointments_GetList` → `listAppointments`, `Appointments_Get` → `getAppointment`,
/// `Export_Jobs` → `exportJobs`, `JobEquipment_Attach` → `attachJobEquipment`. Without an
/// official id the name comes from the method and path.
pub fn operation_name(method: &str, path: &str, official_id: Option<&str>) -> String {
    let Some(id) = official_id.filter(|s| !s.trim().is_empty()) else {
        return camel(&naming::operation_name_from_path(method, path));
    };
    let Some((resource, action)) = id.split_once('_') else {
        return camel(id);
    };
    let single = path.trim_end_matches('/').ends_with('}');
    let resource_words = words(resource);
    let action_words = words(action);
    let verb = action_words.first().map(String::as_str).unwrap_or("");
    let mut out: Vec<String> = match (resource_words.as_slice(), verb) {
        ([r], _) if r == "export" => {
            let mut w = vec!["export".to_string()];
            w.extend(action_words.iter().cloned());
            w
        }
        (_, "get") if action_words.get(1).map(String::as_str) == Some("list") => {
            let mut w = vec!["list".to_string()];
            w.extend(resource_words.iter().cloned());
            w
        }
        (_, "get" | "create" | "update" | "delete" | "patch") if action_words.len() == 1 => {
            let mut w = vec![verb.to_string()];
            let mut r = resource_words.clone();
            if single || verb == "create" {
                if let Some(last) = r.last_mut() {
                    *last = singular(last);
                }
            }
            w.extend(r);
            w
        }
        _ => {
            // `Jobs_CreateMessage` on `/jobs/{id}/messages` → create + job + message.
            let on_one = path
                .split('/')
                .skip_while(|s| *s != "{tenant}")
                .skip(1)
                .any(|s| s.starts_with('{'));
            let mut r = resource_words.clone();
            if on_one {
                if let Some(last) = r.last_mut() {
                    *last = singular(last);
                }
            }
            let mut w = vec![verb.to_string()];
            w.extend(r);
            w.extend(action_words.iter().skip(1).cloned());
            w
        }
    };
    out.dedup();
    camel(&out.join("_"))
}

fn words(s: &str) -> Vec<String> {
    naming::snake(s)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// A naive English singular, good enough for resource names (`statuses` → `status`,
/// `categories` → `category`, `bills` → `bill`).
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "uses", "xes", "ches", "shes"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            return format!("{stem}{}", &suffix[..suffix.len() - 2]);
        }
    }
    if word.ends_with("ss") || word.ends_with("us") || word.len() < 4 {
        return word.to_string();
    }
    word.strip_suffix('s').unwrap_or(word).to_string()
}

/// `list_ap_bills` → `listApBills`.
pub fn camel(s: &str) -> String {
    let p = naming::pascal(s);
    let mut c = p.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_for_common_shapes() {
        let t = "/tenant/{tenant}";
        assert_eq!(
            operation_name("get", &format!("{t}/ap-bills"), Some("ApBills_GetList")),
            "listApBills"
        );
        assert_eq!(
            operation_name(
                "get",
                &format!("{t}/ap-bills"),
                Some("ApBills_GetListPaginated")
            ),
            "listApBills"
        );
        assert_eq!(
            operation_name(
                "get",
                &format!("{t}/appointments/{{id}}"),
                Some("Appointments_Get")
            ),
            "getAppointment"
        );
        assert_eq!(
            operation_name(
                "post",
                &format!("{t}/job-statuses"),
                Some("JobStatuses_Create")
            ),
            "createJobStatus"
        );
        assert_eq!(
            operation_name("get", &format!("{t}/export/jobs"), Some("Export_Jobs")),
            "exportJobs"
        );
        assert_eq!(
            operation_name(
                "post",
                &format!("{t}/jobs/{{id}}/equipment"),
                Some("JobEquipment_Attach")
            ),
            "attachJobEquipment"
        );
        assert_eq!(
            operation_name(
                "post",
                &format!("{t}/jobs/{{id}}/messages"),
                Some("Jobs_CreateMessage")
            ),
            "createJobMessage"
        );
        assert_eq!(operation_name("get", "/x", Some("reviews")), "reviews");
        assert_eq!(
            operation_name("get", &format!("{t}/jobs/{{id}}/notes"), None),
            "getJobsIdNotes"
        );
    }
}
