//! `niemyet init` and `niemyet new procedure`: files a clerk starts from. What they write
//! passes `niemyet check --strict` as is.

use std::fs;
use std::path::{Path, PathBuf};

use crate::format::{date_iso, today_vietnam};
use crate::text::slugify;

const SCHEMA_LINE: &str = "# yaml-language-server: $schema=../../procedure.schema.json";

fn write_new(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A new site in `dir` (which must not exist, or be empty).
pub fn init(dir: &Path) -> Result<(), String> {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(format!(
            "{} already exists and is not empty; choose a new folder name",
            dir.display()
        ));
    }
    let today = date_iso(today_vietnam());
    let c = dir.join("content");
    write_new(
        &c.join("site.yaml"),
        "title: Niêm yết thủ tục hành chính\nauthority: Ủy ban nhân dân xã\nlanguage: vi\n# base_url: https://thutuc.example.vn/   # enables QR codes, sitemap and feeds\ncontact:\n  address: Trụ sở UBND xã\n  phone: \"0299 3000 000\"\n  hours: Sáng 7:00–11:00, chiều 13:00–17:00, thứ Hai đến thứ Sáu\nfeedback:\n  agency: Ủy ban nhân dân xã\n  address: Trụ sở UBND xã\n  phone: \"0299 3000 000\"\n  email: ubnd@example.vn\nlevels:\n  - {id: province, name: Cấp tỉnh}\n  - {id: commune, name: Cấp xã}\n",
    )?;
    write_new(
        &c.join("fields.yaml"),
        "- id: ho-tich\n  name: Hộ tịch\n  description: Khai sinh, khai tử, kết hôn và các việc hộ tịch khác.\n",
    )?;
    write_new(
        &c.join("units.yaml"),
        "- id: xa\n  name: Bộ phận một cửa UBND xã\n  level: commune\n  address: Trụ sở UBND xã\n  hours: Sáng 7:00–11:00, chiều 13:00–17:00, thứ Hai đến thứ Sáu\n",
    )?;
    write_new(
        &c.join("procedures/ho-tich/dang-ky-khai-sinh.yaml"),
        &format!(
            "{SCHEMA_LINE}\ncode: \"1.001193\"\ntitle: Đăng ký khai sinh\nfield: ho-tich\nlevel: commune\naudience: [citizen]\nsummary: Đăng ký khai sinh cho trẻ em.\nsteps:\n  - Nộp hồ sơ tại Bộ phận một cửa.\n  - Nhận kết quả.\nchannels:\n  - method: in_person\n    duration: same day\n    fees: [{{name: Lệ phí, amount: 0, note: Miễn lệ phí đăng ký khai sinh đúng hạn.}}]\ndocuments:\n  - {{name: Tờ khai đăng ký khai sinh, originals: 1}}\nresult: Giấy khai sinh\nagency: Ủy ban nhân dân cấp xã\nlegal_basis:\n  - {{number: 60/2014/QH13, title: Luật Hộ tịch, issued: 2014-11-20, issuer: Quốc hội}}\nupdated: {today}\n"
        ),
    )?;
    write_new(
        &c.join("pages/huong-dan.md"),
        "---\ntitle: Hướng dẫn nộp hồ sơ\norder: 1\n---\nMang theo giấy tờ tùy thân khi đến nộp hồ sơ.\n",
    )?;
    fs::create_dir_all(c.join("forms")).map_err(|e| e.to_string())?;
    write_new(
        &c.join("procedure.schema.json"),
        &crate::schema::procedure_schema_text(),
    )?;
    Ok(())
}

/// A procedure file to fill in, at `content/procedures/<field>/<slug>.yaml`.
pub fn new_procedure(
    content: &Path,
    field: &str,
    title: &str,
    level: Option<&str>,
    code: Option<&str>,
) -> Result<PathBuf, String> {
    let (loaded, _) = crate::load::load(content, Path::new("."));
    let Some(loaded) = loaded else {
        return Err(format!(
            "cannot read the site in {}: run `niemyet check` to see why",
            content.display()
        ));
    };
    if !loaded.fields.iter().any(|f| f.id == field) {
        let ids: Vec<&str> = loaded.fields.iter().map(|f| f.id.as_str()).collect();
        return Err(format!(
            "unknown field `{field}`; fields.yaml has: {}",
            ids.join(", ")
        ));
    }
    let level = match level {
        Some(l) if loaded.site.levels.iter().any(|x| x.id == l) => l.to_string(),
        Some(l) => {
            return Err(format!(
                "unknown level `{l}`; site.yaml has: {}",
                loaded
                    .site
                    .levels
                    .iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        None => loaded
            .site
            .levels
            .iter()
            .find(|l| loaded.units.iter().any(|u| u.level.value == l.id))
            .or(loaded.site.levels.first())
            .map(|l| l.id.clone())
            .ok_or("site.yaml defines no level")?,
    };
    let slug = slugify(title);
    if slug.is_empty() {
        return Err("the title has no letters to name the file after".into());
    }
    let path = content
        .join("procedures")
        .join(slugify(field))
        .join(format!("{slug}.yaml"));
    if path.exists() {
        return Err(format!("{} already exists", path.display()));
    }
    let code = match code {
        Some(c) => c.to_string(),
        None => (1..)
            .map(|n| format!("MOI.{n:04}"))
            .find(|c| !loaded.procedures.iter().any(|p| &p.code.value == c))
            .unwrap_or_default(),
    };
    let title_yaml = serde_json::to_string(title).unwrap_or_default();
    let today = date_iso(today_vietnam());
    let text = format!(
        "{SCHEMA_LINE}\ncode: \"{code}\"   # the national code from the procedure database, e.g. \"1.001193\"\ntitle: {title_yaml}\nfield: {field}\nlevel: {level}\naudience: [citizen]\nsummary: Mô tả ngắn gọn thủ tục.\nsteps:\n  - \"**Bước 1:** Chuẩn bị hồ sơ.\"\n  - \"**Bước 2:** Nộp hồ sơ tại Bộ phận một cửa.\"\n  - \"**Bước 3:** Nhận kết quả.\"\nchannels:\n  - method: in_person\n    duration: 3 working days\n    fees: []   # e.g. - {{name: Lệ phí, amount: 8000, per: bản}}\ndocuments:\n  - {{name: Đơn đề nghị, originals: 1, copies: 0}}\nresult: Kết quả giải quyết\nagency: Ủy ban nhân dân\nlegal_basis: []\nupdated: {today}\n"
    );
    write_new(&path, &text)?;
    Ok(path)
}
