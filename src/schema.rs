//! `niemyet schema`: the JSON Schema of a procedure file, so editors with yaml-language-server
//! autocomplete keys and underline mistakes. The loader (`load::keys`) is the source of truth;
//! a test keeps the two in step.

use serde_json::{Value, json};

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
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://niemyet.example/procedure.schema.json",
        "title": "niemyet procedure (thủ tục hành chính)",
        "type": "object",
        "additionalProperties": false,
        "required": crate::load::keys::PROCEDURE_REQUIRED,
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
    })
}

pub fn procedure_schema_text() -> String {
    serde_json::to_string_pretty(&procedure_schema()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::keys;

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
}
