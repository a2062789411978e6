//! `niemyet schema [KIND]`: the JSON Schema of each kind of file a clerk writes (a procedure,
//! a results period, site.yaml, fields.yaml, units.yaml), so editors with yaml-language-server
//! autocomplete keys and underline mistakes. The loader (`load::keys`) is the source of truth;
//! a test keeps the two in step.

use serde_json::{Value, json};

use crate::load::keys;

/// A kind of content file with a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Procedure,
    Results,
    Site,
    Fields,
    Units,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Procedure,
        Kind::Results,
        Kind::Site,
        Kind::Fields,
        Kind::Units,
    ];

    /// The name on the command line, and the stem of the schema's file name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Procedure => "procedure",
            Kind::Results => "results",
            Kind::Site => "site",
            Kind::Fields => "fields",
            Kind::Units => "units",
        }
    }

    pub fn schema(self) -> Value {
        match self {
            Kind::Procedure => procedure_schema(),
            Kind::Results => results_schema(),
            Kind::Site => site_schema(),
            Kind::Fields => fields_schema(),
            Kind::Units => units_schema(),
        }
    }

    /// The schema as `niemyet schema KIND` prints it.
    pub fn text(self) -> String {
        serde_json::to_string_pretty(&self.schema()).unwrap_or_default()
    }
}

/// The frame every schema shares; `$id` names the file `niemyet schema KIND > …` writes.
fn document(kind: Kind, title: &str, body: Value) -> Value {
    let mut doc = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": format!("https://niemyet.example/{}.schema.json", kind.name()),
        "title": title,
    });
    if let (Some(doc), Value::Object(body)) = (doc.as_object_mut(), body) {
        doc.extend(body);
    }
    doc
}

/// A mapping that allows exactly `properties` (in the loader's order) and requires `required`.
fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": properties})
}

fn text(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

fn date(description: &str) -> Value {
    json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": format!("{description} (YYYY-MM-DD)")})
}

fn count(description: &str) -> Value {
    json!({"type": "integer", "minimum": 0, "description": description})
}

const DURATION_PATTERN: &str = "^\\s*([Ss]ame day|[Tt]rong ngày( làm việc)?|[0-9]+\\s+(working days?|days?|hours?|months?|ngày làm việc|ngày|giờ( làm việc)?|tháng))\\s*$";

pub fn procedure_schema() -> Value {
    let duration = json!({"type": "string", "pattern": DURATION_PATTERN, "description": "e.g. `3 working days`, `same day`, `03 ngày làm việc`, `trong ngày`, `15 ngày`, `4 giờ`"});
    let fee = json!({
        "type": "object", "additionalProperties": false, "required": ["name"],
        "properties": {
            "name": text("Lệ phí / Phí"),
            "amount": count("whole đồng, no separators: 8000; 0 = free"),
            "per": text("the unit charged: bản, trang, hồ sơ, trường hợp"),
            "from": count("a tier: applies from this unit on (e.g. 3 = from page 3)"),
            "max": count("cap in đồng"),
            "max_per": text("the unit the cap applies to, e.g. bản (per copy) while the rate is per trang"),
            "basis": text("the act that sets the fee; required when `amount` is absent"),
            "note": text("exemptions and remarks"),
        }
    });
    document(
        Kind::Procedure,
        "niemyet procedure (thủ tục hành chính)",
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": keys::PROCEDURE_REQUIRED,
            "properties": {
                "code": {"type": "string", "pattern": "^[0-9A-Za-z.-]+$", "description": "national code, quoted: \"1.001193\""},
                "title": text("the procedure's name"),
                "field": text("a field id from fields.yaml"),
                "level": text("a level id from site.yaml"),
                "units": {"type": "array", "items": {"type": "string"}, "description": "only these counters (default: every counter of the level)"},
                "audience": {"type": "array", "items": {"enum": crate::model::AUDIENCES}},
                "keywords": {"type": "array", "items": {"type": "string"}, "description": "words citizens use: sổ đỏ, giấy khai sinh cho con"},
                "summary": text("Markdown"),
                "steps": {"type": "array", "minItems": 1, "items": {"type": "string"}, "description": "trình tự thực hiện, Markdown, in order"},
                "channels": {
                    "type": "array", "minItems": 1,
                    "items": {
                        "type": "object", "additionalProperties": false, "required": ["method", "duration"],
                        "properties": {
                            "method": {"enum": crate::model::Method::NAMES},
                            "duration": duration,
                            "duration_max": duration,
                            "duration_note": text("Markdown, e.g. received after 15:00: next working day"),
                            "fees": {"type": "array", "items": fee},
                        }
                    }
                },
                "documents": {
                    "type": "array", "minItems": 1,
                    "items": {
                        "type": "object", "additionalProperties": false, "required": ["name"],
                        "properties": {
                            "name": text("the document"),
                            "form": {"type": "string", "pattern": "^forms/", "description": "a file under content/forms/"},
                            "originals": count("number of originals (default 1)"),
                            "copies": count("number of copies (default 0)"),
                            "kind": {"enum": ["submit", "show"], "description": "submit (phải nộp, default) or show (phải xuất trình)"},
                            "condition": text("only in this case"),
                            "note": text("remarks"),
                        }
                    }
                },
                "requirements": text("Markdown: yêu cầu, điều kiện"),
                "result": text("kết quả"),
                "agency": text("the agency that decides"),
                "legal_basis": {
                    "type": "array",
                    "items": {
                        "type": "object", "additionalProperties": false, "required": ["number", "title"],
                        "properties": {"number": text("60/2014/QH13"), "title": text("Luật Hộ tịch"), "issued": date("date issued"), "issuer": text("Quốc hội")}
                    }
                },
                "online": {
                    "type": "object", "additionalProperties": false, "required": ["level"],
                    "properties": {"level": {"enum": ["full", "partial"]}, "url": {"type": "string", "pattern": "^https?://"}}
                },
                "status": {"enum": ["active", "abolished"]},
                "effective": date("in force from"),
                "updated": date("last checked"),
                "history": {
                    "type": "array",
                    "items": {
                        "type": "object", "additionalProperties": false, "required": ["date", "decision", "change"],
                        "properties": {"date": date("date of the decision"), "decision": text("the decision that published or amended it"), "change": text("Markdown")}
                    }
                },
            }
        }),
    )
}

pub fn procedure_schema_text() -> String {
    Kind::Procedure.text()
}

/// A slug id of a level, field or unit (`load::is_safe_id`): it becomes a file name.
fn id() -> Value {
    json!({
        "type": "string",
        "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
        "maxLength": crate::load::MAX_ID_LEN,
        "description": "a–z without accents, digits and single hyphens: ho-tich, phuong-1"
    })
}

fn web_address(description: &str) -> Value {
    json!({"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://", "description": description})
}

/// A count of dossiers in a results file.
fn dossiers(description: &str) -> Value {
    json!({"type": "integer", "minimum": 0, "maximum": crate::results::MAX_COUNT, "description": format!("{description} (dossiers; default 0)")})
}

/// `content/results/*.yaml`, read by `results::load_period`.
pub fn results_schema() -> Value {
    let received_by = object(
        &[],
        json!({
            "online": dossiers("received online"),
            "in_person": dossiers("received at the counter"),
            "postal": dossiers("received by post"),
        }),
    );
    let row = object(
        keys::RESULT_ROW_REQUIRED,
        json!({
            "unit": text("a counter id from units.yaml"),
            "field": text("a field id from fields.yaml"),
            "carried_over": dossiers("open at the end of the last period"),
            "received": {
                "anyOf": [dossiers("received in the period"), received_by],
                "description": "received in the period: one number, or {online, in_person, postal}"
            },
            "resolved_early": dossiers("resolved before the deadline"),
            "resolved_on_time": dossiers("resolved on time"),
            "resolved_late": dossiers("resolved late"),
            "in_progress": dossiers("still open at the end of the period, within time"),
            "overdue": dossiers("still open at the end of the period, past the processing time"),
            "withdrawn": dossiers("withdrawn by the applicant"),
            "returned": dossiers("returned to the applicant"),
        }),
    );
    let mut schema = object(
        keys::RESULTS_REQUIRED,
        json!({
            "period": object(keys::PERIOD, json!({
                "from": date("first day of the period"),
                "to": date("last day of the period"),
                "label": text("the period's name: 6 tháng đầu năm 2019"),
            })),
            "notes": text("Markdown, shown under the figures and in the report"),
            "rows": {"type": "array", "items": row, "description": "one row per counter and field"},
        }),
    );
    schema["description"] = json!("one reporting period; the file name names its report page");
    document(
        Kind::Results,
        "niemyet dossier-processing results (kết quả giải quyết hồ sơ)",
        schema,
    )
}

/// `content/site.yaml`.
pub fn site_schema() -> Value {
    let level = object(
        keys::LEVEL_REQUIRED,
        json!({"id": id(), "name": text("Cấp xã")}),
    );
    let body = object(
        keys::SITE_REQUIRED,
        json!({
            "title": text("the site's title"),
            "authority": text("the issuing authority: Ủy ban nhân dân …"),
            "language": {"enum": ["vi", "en"], "description": "the theme's UI language (default vi)"},
            "base_url": web_address("the published address; only for QR codes, sitemap and feeds"),
            "description": text("one sentence"),
            "contact": object(&[], json!({
                "address": text("address"),
                "phone": text("phone, quoted: \"0299 …\""),
                "email": text("email"),
                "hours": text("opening hours"),
            })),
            "feedback": object(keys::FEEDBACK_REQUIRED, json!({
                "agency": text("the agency that receives feedback on procedures"),
                "address": text("address"),
                "phone": text("phone, quoted"),
                "email": text("email"),
                "url": web_address("web form"),
            })),
            "levels": {"type": "array", "minItems": 1, "items": level, "description": "administrative levels, highest first"},
            "data_licence": object(keys::DATA_LICENCE_REQUIRED, json!({
                "name": text("CC BY 4.0"),
                "url": web_address("the licence text"),
            })),
        }),
    );
    document(Kind::Site, "niemyet site.yaml", body)
}

/// `content/fields.yaml`: a list.
pub fn fields_schema() -> Value {
    let field = object(
        keys::FIELD_REQUIRED,
        json!({"id": id(), "name": text("Hộ tịch"), "description": text("what the field covers")}),
    );
    document(
        Kind::Fields,
        "niemyet fields.yaml (lĩnh vực)",
        json!({"type": "array", "items": field}),
    )
}

/// `content/units.yaml`: a list.
pub fn units_schema() -> Value {
    let unit = object(
        keys::UNIT_REQUIRED,
        json!({
            "id": id(),
            "name": text("Bộ phận tiếp nhận và trả kết quả …"),
            "level": text("a level id from site.yaml"),
            "parent": text("the id of the counter above it"),
            "address": text("address"),
            "phone": text("phone, quoted"),
            "email": text("email"),
            "hours": text("opening hours"),
        }),
    );
    document(
        Kind::Units,
        "niemyet units.yaml (counters, bộ phận một cửa)",
        json!({"type": "array", "items": unit}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    }

    fn sorted(k: &[&str]) -> Vec<String> {
        let mut k: Vec<String> = k.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    }

    #[test]
    fn schema_keys_match_the_loader() {
        let s = procedure_schema();
        let p = &s["properties"];
        assert_eq!(props(&s), sorted(keys::PROCEDURE));
        assert_eq!(props(&p["channels"]["items"]), sorted(keys::CHANNEL));
        assert_eq!(
            props(&p["channels"]["items"]["properties"]["fees"]["items"]),
            sorted(keys::FEE)
        );
        assert_eq!(props(&p["documents"]["items"]), sorted(keys::DOCUMENT));
        assert_eq!(props(&p["legal_basis"]["items"]), sorted(keys::LEGAL_ACT));
        assert_eq!(props(&p["online"]), sorted(keys::ONLINE));
        assert_eq!(props(&p["history"]["items"]), sorted(keys::CHANGE));
    }

    #[test]
    fn results_schema_keys_match_the_loader() {
        let s = results_schema();
        let p = &s["properties"];
        assert_eq!(props(&s), sorted(keys::RESULTS));
        assert_eq!(props(&p["period"]), sorted(keys::PERIOD));
        let row = &p["rows"]["items"];
        assert_eq!(props(row), sorted(keys::RESULT_ROW));
        assert_eq!(
            props(&row["properties"]["received"]["anyOf"][1]),
            sorted(keys::RECEIVED_BY)
        );
    }

    #[test]
    fn site_fields_and_units_schema_keys_match_the_loader() {
        let s = site_schema();
        let p = &s["properties"];
        assert_eq!(props(&s), sorted(keys::SITE));
        assert_eq!(props(&p["contact"]), sorted(keys::CONTACT));
        assert_eq!(props(&p["feedback"]), sorted(keys::FEEDBACK));
        assert_eq!(props(&p["levels"]["items"]), sorted(keys::LEVEL));
        assert_eq!(props(&p["data_licence"]), sorted(keys::DATA_LICENCE));
        assert_eq!(props(&fields_schema()["items"]), sorted(keys::FIELD));
        assert_eq!(props(&units_schema()["items"]), sorted(keys::UNIT));
    }

    #[test]
    fn every_required_key_is_allowed() {
        // A required key that is not a property would make every file invalid.
        for kind in Kind::ALL {
            let s = kind.schema();
            assert_eq!(
                s["$id"],
                format!("https://niemyet.example/{}.schema.json", kind.name())
            );
            let mut objects = vec![&s];
            while let Some(o) = objects.pop() {
                for r in o["required"].as_array().into_iter().flatten() {
                    assert!(
                        o["properties"].get(r.as_str().unwrap()).is_some(),
                        "{kind:?}: {r} is required but not allowed"
                    );
                }
                objects.extend(
                    o["properties"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(_, v)| v),
                );
                objects.extend(o.get("items"));
                objects.extend(o["anyOf"].as_array().into_iter().flatten());
            }
        }
    }
}
