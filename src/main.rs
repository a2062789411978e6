//! The `niemyet` command line. Exit codes: 0 ok, 1 content errors, 2 usage or I/O errors.

// mimalloc: a build allocates and frees millions of small strings across threads; glibc's
// malloc spent ~13% of a 10k build in malloc/free/consolidate (perf), mimalloc much less.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use niemyet::diagnostics::count;
use niemyet::{Failure, Paths};

#[derive(Parser)]
#[command(
    name = "niemyet",
    version,
    about = "Build the public-disclosure website and notice boards of a one-stop counter from YAML procedures",
    after_help = "Examples:\n  niemyet build                     build ./content into ./public\n  niemyet check --strict            validate only, warnings count as errors\n  niemyet init my-site              start a new site that builds at once\n  niemyet new procedure --field ho-tich --title \"Đăng ký khai sinh\"\n  niemyet schema > content/procedure.schema.json\n  niemyet schema results > content/results.schema.json\n\nExit codes: 0 ok, 1 content errors, 2 usage or file-system errors."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct SiteArgs {
    /// The content folder (site.yaml, fields.yaml, units.yaml, procedures/, forms/, pages/)
    #[arg(long, default_value = "content", value_name = "DIR")]
    content: PathBuf,
    /// A theme folder whose files override the built-in theme file by file
    /// (default: ./themes/default when it exists)
    #[arg(long, value_name = "DIR")]
    theme: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct PostingArgs {
    /// The posting date printed on the notice boards, YYYY-MM-DD (default: today in Vietnam);
    /// set it to rebuild identical boards
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_posting_date)]
    posting_date: Option<jiff::civil::Date>,
}

fn parse_posting_date(s: &str) -> Result<jiff::civil::Date, String> {
    niemyet::format::parse_date(s).map_err(|e| e.to_string())
}

#[derive(Subcommand)]
enum Command {
    /// Build the website into the output folder (replaced only when the build succeeds)
    #[command(
        after_help = "Examples:\n  niemyet build\n  niemyet build --content ../xa-my-binh/content --output /var/www/thutuc"
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site; niemyet only replaces folders it created
        #[arg(long, default_value = "public", value_name = "DIR")]
        output: PathBuf,
        /// Treat warnings as errors
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        posting: PostingArgs,
    },
    /// Build only the printable notice boards (list, detail sheets, feedback notice) into
    /// <output>/boards, keeping the rest of the output folder
    #[command(
        after_help = "Examples:\n  niemyet boards --unit phuong-1          then open public/boards/phuong-1/index.html: it lists the files\n                                          to print (print.html, then the shared sheet set of its level)\n  niemyet boards --unit phuong-1 --field chung-thuc   writes public/boards/phuong-1/print-chung-thuc.html\n                                          and the shared set's part, boards/phieu/<level>.chung-thuc.html\n  niemyet boards                          every counter's boards\n\nWithout --unit or --field the whole boards/ folder is replaced; with them, only the files\nof the chosen counters and fields are written and the other boards stay."
    )]
    Boards {
        #[command(flatten)]
        site: SiteArgs,
        /// Only this counter (an id from units.yaml); repeat for more
        #[arg(long = "unit", value_name = "ID")]
        units: Vec<String>,
        /// Only this field (an id from fields.yaml), as print-<field>.html; repeat for more
        #[arg(long = "field", value_name = "ID")]
        fields: Vec<String>,
        /// The site folder to write into; boards go to its boards/ folder
        #[arg(long, default_value = "public", value_name = "DIR")]
        output: PathBuf,
        /// Treat warnings as errors
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        posting: PostingArgs,
    },
    /// Validate the content without writing anything
    #[command(
        after_help = "Examples:\n  niemyet check\n  niemyet check --strict    fail on warnings too (e.g. `updated` older than 12 months)"
    )]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Treat warnings as errors
        #[arg(long)]
        strict: bool,
    },
    /// Create a new site folder that builds at once
    #[command(after_help = "Example:\n  niemyet init xa-my-binh && cd xa-my-binh && niemyet build")]
    Init {
        /// The folder to create (must not exist or be empty)
        dir: PathBuf,
    },
    /// Create a new content file to fill in
    New {
        #[command(subcommand)]
        what: NewWhat,
    },
    /// Preview the site on this computer: rebuilds on every save and reloads the browser page
    #[command(
        after_help = "Examples:\n  niemyet serve                      then open http://127.0.0.1:1111/\n  niemyet serve --port 8080\n\nThe site is built in memory (nothing is written to public/). Errors show here and over the page;\nthe last good version stays served until they are fixed."
    )]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The port to listen on
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; the default lets only this computer connect
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
        bind: String,
    },
    /// Print the JSON Schema of a content file (for editors such as VS Code with
    /// yaml-language-server): a procedure file unless another kind is named
    #[command(
        after_help = "Examples:\n  niemyet schema > content/procedure.schema.json\n  niemyet schema results > content/results.schema.json\n  niemyet schema site > content/site.schema.json     (likewise fields, units)\n\nthen start each file with a line naming its schema, relative to the file:\n  # yaml-language-server: $schema=../../procedure.schema.json   content/procedures/<field>/*.yaml\n  # yaml-language-server: $schema=../results.schema.json        content/results/*.yaml\n  # yaml-language-server: $schema=site.schema.json              content/site.yaml"
    )]
    Schema {
        /// Which file
        #[arg(value_enum, default_value_t = SchemaKind::Procedure)]
        kind: SchemaKind,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SchemaKind {
    /// content/procedures/**.yaml, one procedure a file
    Procedure,
    /// content/results/*.yaml, one reporting period a file
    Results,
    /// content/site.yaml
    Site,
    /// content/fields.yaml
    Fields,
    /// content/units.yaml
    Units,
}

impl From<SchemaKind> for niemyet::schema::Kind {
    fn from(k: SchemaKind) -> Self {
        use niemyet::schema::Kind;
        match k {
            SchemaKind::Procedure => Kind::Procedure,
            SchemaKind::Results => Kind::Results,
            SchemaKind::Site => Kind::Site,
            SchemaKind::Fields => Kind::Fields,
            SchemaKind::Units => Kind::Units,
        }
    }
}

#[derive(Subcommand)]
enum NewWhat {
    /// A procedure file named after its title, in content/procedures/<field>/
    #[command(
        after_help = "Example:\n  niemyet new procedure --field ho-tich --title \"Đăng ký khai sinh\""
    )]
    Procedure {
        /// The field id (from fields.yaml)
        #[arg(long)]
        field: String,
        /// The procedure's title, in Vietnamese with diacritics
        #[arg(long)]
        title: String,
        /// The level id (from site.yaml); default: the first level that has counters
        #[arg(long)]
        level: Option<String>,
        /// The national code, e.g. 1.001193
        #[arg(long)]
        code: Option<String>,
        #[arg(long, default_value = "content", value_name = "DIR")]
        content: PathBuf,
    },
}

fn paths(site: &SiteArgs, output: PathBuf) -> Paths {
    let default_theme = PathBuf::from("themes/default");
    Paths {
        root: PathBuf::from("."),
        content: site.content.clone(),
        theme: site
            .theme
            .clone()
            .or_else(|| default_theme.is_dir().then_some(default_theme)),
        output,
    }
}

fn main() -> ExitCode {
    niemyet::render::use_thread_hash_seeds();
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Build {
            site,
            output,
            strict,
            posting,
        } => {
            let paths = paths(&site, output);
            let options = niemyet::BuildOptions {
                posting_date: posting.posting_date,
                exits_after: true,
            };
            let (result, mut diags) = niemyet::build_with(&paths, strict, &options);
            diags.print(color);
            match result {
                Ok(r) => {
                    let warnings = diags.warning_count();
                    println!(
                        "Built {}, {} ({}, {} unchanged) into {} in {:.2} s{}",
                        count(r.procedures, "procedure"),
                        count(r.pages, "page"),
                        count(r.files, "file"),
                        r.unchanged,
                        paths.output.display(),
                        r.seconds,
                        if warnings > 0 {
                            format!(", {}", count(warnings, "warning"))
                        } else {
                            String::new()
                        }
                    );
                    ExitCode::SUCCESS
                }
                Err(f) => fail(f, &diags, strict),
            }
        }
        Command::Boards {
            site,
            units,
            fields,
            output,
            strict,
            posting,
        } => {
            let paths = paths(&site, output);
            let options = niemyet::BoardsOptions {
                units,
                fields,
                build: niemyet::BuildOptions {
                    posting_date: posting.posting_date,
                    exits_after: true,
                },
            };
            let (result, mut diags) = niemyet::build_boards(&paths, strict, &options);
            diags.print(color);
            match result {
                Ok((r, print)) => {
                    println!(
                        "Built the notice boards ({}) into {} in {:.2} s",
                        count(r.files, "file"),
                        paths.output.join("boards").display(),
                        r.seconds
                    );
                    let shown = 12;
                    println!("To print, open in a browser and press Ctrl+P (A4):");
                    for p in print.iter().take(shown) {
                        println!("  {}", paths.output.join(p).display());
                    }
                    if print.len() > shown {
                        println!("  … and {} more", print.len() - shown);
                    }
                    ExitCode::SUCCESS
                }
                Err(f) => fail(f, &diags, strict),
            }
        }
        Command::Check { site, strict } => {
            let paths = paths(&site, PathBuf::from("public"));
            if let Err(message) = niemyet::require_content(&paths) {
                return fail(Failure::Io(message), &Default::default(), strict);
            }
            let (content, mut diags) = niemyet::check(&paths, strict);
            diags.print(color);
            match content {
                Some(c) => {
                    println!(
                        "OK: {}, {}, {}, {}{}",
                        count(c.procedures.len(), "procedure"),
                        count(c.fields.len(), "field"),
                        count(c.units.len(), "counter"),
                        count(c.pages.len(), "page"),
                        if diags.warning_count() > 0 {
                            format!(", {}", count(diags.warning_count(), "warning"))
                        } else {
                            String::new()
                        }
                    );
                    ExitCode::SUCCESS
                }
                None => fail(Failure::Content, &diags, strict),
            }
        }
        Command::Init { dir } => match niemyet::scaffold::init(&dir) {
            Ok(()) => {
                println!(
                    "Created a new site in {}. Next:\n  cd {}\n  niemyet build",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(Failure::Io(e), &Default::default(), false),
        },
        Command::New {
            what:
                NewWhat::Procedure {
                    field,
                    title,
                    level,
                    code,
                    content,
                },
        } => {
            match niemyet::scaffold::new_procedure(
                &content,
                &field,
                &title,
                level.as_deref(),
                code.as_deref(),
            ) {
                Ok(path) => {
                    println!(
                        "Created {}: fill it in, then run `niemyet check`",
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(Failure::Io(e), &Default::default(), false),
            }
        }
        Command::Serve { site, port, bind } => {
            let paths = paths(&site, PathBuf::from("public"));
            if let Err(message) = niemyet::require_content(&paths) {
                return fail(Failure::Io(message), &Default::default(), false);
            }
            let options = niemyet::serve::Options { bind, port, color };
            match niemyet::serve::serve(paths, options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(Failure::Io(e), &Default::default(), false),
            }
        }
        Command::Schema { kind } => {
            println!("{}", niemyet::schema::Kind::from(kind).text());
            ExitCode::SUCCESS
        }
    }
}

fn fail(f: Failure, diags: &niemyet::diagnostics::Diagnostics, strict: bool) -> ExitCode {
    match f {
        Failure::Content => {
            let (e, w) = (diags.error_count(), diags.warning_count());
            if e == 0 && strict {
                eprintln!(
                    "error: {}, and --strict treats warnings as errors; nothing was written",
                    count(w, "warning")
                );
            } else {
                eprintln!(
                    "error: {}{}; nothing was written",
                    count(e, "error"),
                    if w > 0 {
                        format!(" and {}", count(w, "warning"))
                    } else {
                        String::new()
                    }
                );
            }
            ExitCode::from(1)
        }
        Failure::Io(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
