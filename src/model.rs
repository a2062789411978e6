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
    /// Dossier-processing results, one per reporting period (`results/*.yaml`), oldest first.
    pub results: Vec<Period>,
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
    /// The licence of the open data files (`data/`); CC BY 4.0 when not set.
    pub data_licence: DataLicence,
}

#[derive(Clone, Debug, Serialize)]
pub struct DataLicence {
    pub name: String,
    pub url: Option<String>,
}

impl Default for DataLicence {
    fn default() -> Self {
        DataLicence {
            name: "CC BY 4.0".into(),
            url: Some("https://creativecommons.org/licenses/by/4.0/".into()),
        }
    }
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

/// One reporting period of dossier-processing results (`results/2019-h1.yaml`).
#[derive(Clone, Debug)]
pub struct Period {
    pub file: PathBuf,
    pub text: Arc<str>,
    /// The file name without extension, folded: the period's page name (`2019-h1`).
    pub slug: String,
    pub from: Located<Date>,
    pub to: Located<Date>,
    /// As printed: `6 tháng đầu năm 2019`.
    pub label: String,
    pub notes: Option<String>,
    pub rows: Vec<ResultRow>,
    pub pos: Pos,
}

/// The counts of one counter (unit) in one field for a period.
#[derive(Clone, Debug)]
pub struct ResultRow {
    pub unit: Located<String>,
    pub field: Located<String>,
    pub counts: Counts,
    /// `received` by channel, when the file splits it.
    pub received_by: Option<ReceivedBy>,
    pub pos: Pos,
}

/// Received dossiers by channel; their sum is `Counts::received`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReceivedBy {
    pub online: u64,
    pub in_person: u64,
    pub postal: u64,
}

/// The common results table (Decree 61/2018): what came in and what became of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Still open at the end of the previous period.
    pub carried_over: u64,
    /// Newly received in the period, every channel.
    pub received: u64,
    pub resolved_early: u64,
    pub resolved_on_time: u64,
    pub resolved_late: u64,
    /// Open at the end of the period, still within the processing time.
    pub in_progress: u64,
    /// Open at the end of the period, past the processing time.
    pub overdue: u64,
    /// Withdrawn by the applicant.
    pub withdrawn: u64,
    /// Returned to the applicant (incomplete, not eligible).
    pub returned: u64,
}

impl Counts {
    /// Field names as written in files and data, in table order.
    pub const NAMES: [&'static str; 9] = [
        "carried_over",
        "received",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "in_progress",
        "overdue",
        "withdrawn",
        "returned",
    ];

    pub fn values(&self) -> [u64; 9] {
        [
            self.carried_over,
            self.received,
            self.resolved_early,
            self.resolved_on_time,
            self.resolved_late,
            self.in_progress,
            self.overdue,
            self.withdrawn,
            self.returned,
        ]
    }

    /// The dossiers to account for: carried over plus received.
    pub fn total(&self) -> u64 {
        self.carried_over + self.received
    }

    /// Resolved early or on time.
    pub fn on_time(&self) -> u64 {
        self.resolved_early + self.resolved_on_time
    }

    pub fn resolved(&self) -> u64 {
        self.on_time() + self.resolved_late
    }

    pub fn pending(&self) -> u64 {
        self.in_progress + self.overdue
    }

    /// Every dossier whose fate the table records.
    pub fn accounted(&self) -> u64 {
        self.resolved() + self.pending() + self.withdrawn + self.returned
    }

    pub fn add(&mut self, o: &Counts) {
        self.carried_over += o.carried_over;
        self.received += o.received;
        self.resolved_early += o.resolved_early;
        self.resolved_on_time += o.resolved_on_time;
        self.resolved_late += o.resolved_late;
        self.in_progress += o.in_progress;
        self.overdue += o.overdue;
        self.withdrawn += o.withdrawn;
        self.returned += o.returned;
    }
}
