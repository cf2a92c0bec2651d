//! Decoding through the generated types: what the server really sends must decode, and what a
//! model read must be written back unchanged where it matters (enum values, money).

use golden_edge31::types::{EdgeWidget, WidgetExportPage, WidgetPage, WidgetStatus};

#[test]
fn unknown_fields_and_unknown_enum_values_decode() {
    let json = r#"{
        "id": 7, "name": "Blue", "price": 1234.10, "createdOn": "2024-05-01T10:00:00Z",
        "status": "Quarantined", "tags": [], "owner": null,
        "brandNewField": {"nested": [1, 2, 3]}
    }"#;
    let w: EdgeWidget = serde_json::from_str(json).expect("decodes");
    assert_eq!(w.status, Some(WidgetStatus::Unknown("Quarantined".into())));
    assert!(!w.status.as_ref().unwrap().is_known());
    // The unknown value is written back exactly as it came.
    let back = serde_json::to_value(&w).unwrap();
    assert_eq!(back["status"], "Quarantined");
}

#[test]
fn known_enum_values_map_to_variants_and_duplicates_collapse() {
    assert_eq!(WidgetStatus::from("Active"), WidgetStatus::Active);
    assert_eq!(WidgetStatus::from("In Progress").as_str(), "In Progress");
    // "InProgress" was a second spelling of the same Rust variant; the first spelling is kept,
    // and the second still decodes (as an unknown value) rather than failing.
    assert!(matches!(
        WidgetStatus::from("InProgress"),
        WidgetStatus::Unknown(_)
    ));
}

#[test]
fn nulls_and_absences_in_required_fields_decode() {
    let json = r#"{"id": 7, "name": null, "price": null, "createdOn": null,
                   "status": null, "tags": null, "owner": null}"#;
    let w: EdgeWidget = serde_json::from_str(json).expect("nulls decode");
    assert_eq!(w.id, 7);
    assert_eq!(w.tags, None);
    let empty: EdgeWidget = serde_json::from_str(r#"{"id": 8}"#).expect("absent fields decode");
    assert_eq!(empty.name, None);
}

#[test]
fn a_resource_without_its_id_fails_naming_the_field() {
    // The one field a resource always has: its absence is a broken response, not a quirk.
    for json in [r#"{"name": "Blue"}"#, r#"{"id": null, "name": "Blue"}"#] {
        let err = serde_json::from_str::<EdgeWidget>(json).expect_err("no id");
        assert!(err.to_string().contains("id"), "{err}");
    }
}

#[test]
fn timestamps_with_seven_digits_or_no_offset_decode_as_utc() {
    let a: EdgeWidget =
        serde_json::from_str(r#"{"id": 7, "createdOn": "2024-05-01T10:00:00.1234567"}"#).unwrap();
    let b: EdgeWidget =
        serde_json::from_str(r#"{"id": 7, "createdOn": "2024-05-01T10:00:00.1234567Z"}"#).unwrap();
    assert_eq!(a.created_on, b.created_on);
    let t = a.created_on.unwrap().into_inner();
    assert_eq!(t.timestamp_subsec_nanos(), 123_456_700);
    let d: EdgeWidget =
        serde_json::from_str(r#"{"id": 7, "installedOn": "2024-05-01T00:00:00"}"#).unwrap();
    assert_eq!(d.installed_on.unwrap().to_string(), "2024-05-01");
}

#[test]
fn money_round_trips_exactly() {
    let w: EdgeWidget = serde_json::from_str(r#"{"id": 7, "price": 1234.10}"#).unwrap();
    assert_eq!(w.price.unwrap().to_string(), "1234.10");
    let text = serde_json::to_string(&w).unwrap();
    assert!(text.contains("\"price\":1234.10"), "{text}");
    let big: EdgeWidget =
        serde_json::from_str(r#"{"id": 7, "price": 9007199254740993.01}"#).unwrap();
    assert_eq!(big.price.unwrap().to_string(), "9007199254740993.01");
}

#[test]
fn pages_decode_with_a_broken_record_inside() {
    let json = r#"{"page": 1, "pageSize": 2, "hasMore": true, "totalCount": null, "data": [
        {"id": 1, "status": "Active", "price": "19.99"},
        {"id": 2, "status": "SomethingNew", "price": null, "createdOn": "2024-01-01T00:00:00", "extra": true}
    ]}"#;
    let page: WidgetPage = serde_json::from_str(json).unwrap();
    let data = page.data.unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0].price.unwrap().to_string(), "19.99");
    let export: WidgetExportPage =
        serde_json::from_str(r#"{"hasMore": false, "continueFrom": "abc", "data": []}"#).unwrap();
    assert_eq!(export.continue_from.as_deref(), Some("abc"));
}

#[test]
fn a_wrong_type_still_fails_with_a_clear_error() {
    let err = serde_json::from_str::<EdgeWidget>(r#"{"id": "seven"}"#).unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
}
