//! The typed content model: what a site folder holds once loaded. No template-engine types
//! here; renderers build their own views from it.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::format::{Duration, Lang};
use crate::yaml::Pos;

/// A value with the place it came from, for checks made after loading.
#[derive(Clone, Debug)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Everything in `content/`.
#[derive(Debug)]
pub struct Content {
    pub site: SiteConfig,
    pub fields: Vec<Field>,
    pub units: Vec<Unit>,
    pub procedures: Vec<Procedure>,
    pub pages: Vec<Page>,
    /// Files under `content/forms/`, relative to `content/` with `/` separators (`forms/a.pdf`).
    pub forms: Vec<FormFile>,
    /// Where each file came from, for diagnostics of cross-file checks.
    pub sources: Sources,
}

#[derive(Debug, Default)]
pub struct Sources {
    pub site: Option<SourceFile>,
    pub fields: Option<SourceFile>,
    pub units: Option<SourceFile>,
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// As shown to the user, e.g. `content/units.yaml`.
    pub path: PathBuf,
    pub text: Arc<str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SiteConfig {
    pub title: String,
    pub authority: String,
    pub language: Lang,
    pub base_url: Option<String>,
    pub description: Option<String>,
    pub contact: Contact,
    pub feedback: Feedback,
    pub levels: Vec<Level>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Contact {
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub hours: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Feedback {
    pub agency: String,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Level {
    pub id: String,
    pub name: String,
    #[serde(skip)]
    pub pos: Pos,
}

#[derive(Clone, Debug, Serialize)]
pub struct Field {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    #[serde(skip)]
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub level: Located<String>,
    pub parent: Option<Located<String>>,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub hours: Option<String>,
    pub pos: Pos,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    InPerson,
    Online,
    Postal,
}

impl Method {
    pub const NAMES: [&'static str; 3] = ["in_person", "online", "postal"];
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "in_person" => Some(Method::InPerson),
            "online" => Some(Method::Online),
            "postal" => Some(Method::Postal),
            _ => None,
        }
    }
    pub fn id(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Abolished,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    Full,
    Partial,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Phải nộp: handed in with the dossier.
    Submit,
    /// Phải xuất trình: shown at the counter (e.g. an ID card).
    Show,
}

/// Who may apply; names come from the theme's translations.
pub const AUDIENCES: [&str; 5] = [
    "citizen",
    "organization",
    "foreigner",
    "overseas_vietnamese",
    "household",
];

#[derive(Clone, Debug)]
pub struct Procedure {
    /// The file, as shown to the user (`content/procedures/ho-tich/khai-sinh.yaml`).
    pub file: PathBuf,
    pub text: Arc<str>,
    pub code: Located<String>,
    pub title: String,
    pub field: Located<String>,
    pub level: Located<String>,
    pub units: Vec<Located<String>>,
    pub audience: Vec<String>,
    pub keywords: Vec<String>,
    pub summary: Option<String>,
    pub steps: Vec<String>,
    pub channels: Vec<Channel>,
    pub documents: Vec<Document>,
    pub requirements: Option<String>,
    pub result: String,
    pub agency: String,
    pub legal_basis: Vec<LegalAct>,
    pub online: Option<Online>,
    pub status: Status,
    pub effective: Option<Date>,
    pub updated: Option<Located<Date>>,
    pub history: Vec<Change>,
    /// Position of the whole mapping (top of the file), for file-level problems.
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub struct Channel {
    pub method: Method,
    pub duration: Duration,
    pub duration_max: Option<Duration>,
    pub duration_note: Option<String>,
    pub fees: Vec<Fee>,
    pub pos: Pos,
}

#[derive(Clone, Debug, Serialize)]
pub struct Fee {
    pub name: String,
    /// Whole VND; `None` when the amount is set elsewhere (see `basis`).
    pub amount: Option<u64>,
    pub per: Option<String>,
    /// Tier: applies from this unit on (e.g. from page 3).
    pub from: Option<u32>,
    /// Cap, per `max_per` when given (e.g. per copy while the rate is per page).
    pub max: Option<u64>,
    pub max_per: Option<String>,
    /// The act that sets the fee (often a provincial council resolution).
    pub basis: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Document {
    pub name: String,
    pub form: Option<Located<String>>,
    pub originals: u32,
    pub copies: u32,
    pub kind: DocumentKind,
    pub condition: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct LegalAct {
    pub number: String,
    pub title: String,
    pub issued: Option<Date>,
    pub issuer: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Online {
    pub level: OnlineLevel,
    pub url: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Change {
    pub date: Date,
    pub decision: String,
    pub change: String,
}

/// A free page (`pages/*.md`).
#[derive(Clone, Debug)]
pub struct Page {
    pub file: PathBuf,
    pub slug: String,
    pub title: String,
    pub order: i64,
    pub body: String,
}

#[derive(Clone, Debug)]
pub struct FormFile {
    /// Relative to `content/`, `/`-separated: `forms/to-khai.pdf`.
    pub path: String,
    pub size: u64,
}
