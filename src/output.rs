//! Stage 5: write. The site is written into a staging folder beside the output and swapped in
//! only when every file is written, so a failed or interrupted build leaves the previous
//! output as it was. niemyet only ever replaces or deletes folders that carry its marker.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::render::OutputFile;

/// Present in every folder niemyet writes; its absence means "not ours, do not touch".
pub const MARKER: &str = ".niemyet-output";
const MARKER_TEXT: &str = "This folder is written by niemyet. It is replaced on each build: do not keep your own files here.\n";

#[derive(Debug)]
pub struct OutputError(pub String);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Default)]
pub struct WriteStats {
    pub files: usize,
    /// Files whose bytes did not change: carried over from the previous output (same inode,
    /// same mtime) instead of being written again.
    pub unchanged: usize,
}

/// Refuse output folders that would destroy something: `/`, the home folder, the content
/// folder or a parent of it, the site folder itself, or a non-empty folder niemyet did not make.
pub fn check_output_dir(
    out: &Path,
    content_dir: &Path,
    site_root: &Path,
) -> Result<(), OutputError> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Resolve what exists (symlinks included) so `a/../b` and links cannot hide a match.
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut resolved = fs::canonicalize(&existing).unwrap_or(existing);
        for part in rest.into_iter().rev() {
            resolved.push(part);
        }
        resolved
    };
    let out_abs = abs(out);
    let content_abs = abs(content_dir);
    let root_abs = abs(site_root);
    let shown = out.display();
    let home = std::env::var_os("HOME").map(PathBuf::from).map(|h| abs(&h));
    if out_abs.parent().is_none() {
        return Err(OutputError(format!(
            "refusing to write the site into `{shown}`: that is the root of the file system; choose a folder such as `public` with --output"
        )));
    }
    if home.as_deref() == Some(out_abs.as_path()) {
        return Err(OutputError(format!(
            "refusing to write the site into `{shown}`: that is your home folder; choose a folder such as `public` with --output"
        )));
    }
    if content_abs.starts_with(&out_abs) {
        return Err(OutputError(format!(
            "refusing to write the site into `{shown}`: it holds the content folder `{}`, which a build would replace; choose a folder such as `public` with --output",
            content_dir.display()
        )));
    }
    if out_abs == root_abs {
        return Err(OutputError(format!(
            "refusing to write the site into `{shown}`: that is the site folder itself; choose a folder such as `public` with --output"
        )));
    }
    if out_abs.starts_with(&content_abs) {
        return Err(OutputError(format!(
            "refusing to write the site into `{shown}`: it is inside the content folder; choose a folder outside it, such as `public`"
        )));
    }
    if out_abs.exists() {
        if !out_abs.is_dir() {
            return Err(OutputError(format!(
                "`{shown}` exists and is not a folder; choose another --output"
            )));
        }
        let empty = fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out_abs.join(MARKER).is_file() {
            return Err(OutputError(format!(
                "refusing to replace `{shown}`: it is not empty and was not made by niemyet (it has no {MARKER} file). \
                 Move its files elsewhere or delete it yourself, or choose another folder with --output"
            )));
        }
    }
    Ok(())
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.niemyet-{tag}-{}", std::process::id()))
}

/// Remove staging or old folders left by interrupted runs (only folders with our marker).
/// A run killed between the two renames of [`swap_in`] leaves no output but the previous one
/// moved aside: that one is put back first, so it is never lost.
pub fn clean_leftovers(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let prefix = format!(".{}.niemyet-", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut ours: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .filter(|p| p.join(MARKER).is_file())
        .collect();
    ours.sort();
    if !out.exists()
        && let Some(i) = ours.iter().position(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{prefix}old-")))
        })
        && fs::rename(&ours[i], out).is_ok()
    {
        ours.remove(i);
    }
    for p in ours {
        let _ = fs::remove_dir_all(p);
    }
}

/// Write `files` as the new content of `out`. Call [`check_output_dir`] first.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<WriteStats, OutputError> {
    write_staged(out, files, &[])
}

/// Write `files` into `out`, keeping the other files of the previous output except those
/// `replaced` claims (`niemyet boards` replaces `boards/` and leaves the website). The new
/// folder is staged and swapped in as a whole, like [`write_site`]. Call [`check_output_dir`]
/// first.
pub fn merge_site(
    out: &Path,
    files: &[OutputFile],
    replaced: impl Fn(&str) -> bool,
) -> Result<WriteStats, OutputError> {
    let new: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut keep = Vec::new();
    if out.join(MARKER).is_file() {
        for e in walkdir::WalkDir::new(out).min_depth(1) {
            let e = e.map_err(|e| OutputError(format!("cannot read {}: {e}", out.display())))?;
            if !e.file_type().is_file() {
                continue;
            }
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap_or(e.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if rel != MARKER && !new.contains(rel.as_str()) && !replaced(&rel) {
                keep.push(rel);
            }
        }
    }
    write_staged(out, files, &keep)
}

/// Stage `files` plus `keep` (paths of the previous output, hard-linked or copied over), then
/// swap the staging folder in.
fn write_staged(
    out: &Path,
    files: &[OutputFile],
    keep: &[String],
) -> Result<WriteStats, OutputError> {
    let staging = Staging::begin(out)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    for rel in keep {
        staging.keep(rel)?;
    }
    staging.finish()
}

/// A new output being written: a staging folder beside `out` that files are written into as
/// they are rendered (a build never holds the whole site in memory), swapped in by
/// [`Staging::finish`]. Dropped without `finish` (an error), it is removed and the previous
/// output stays. Call [`check_output_dir`] first.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// The previous output, when it is ours: files with the same bytes are hard-linked from it.
    previous: Option<PathBuf>,
    /// Folders already created, so each file costs one `create`, not a walk up its path.
    made: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
    unchanged: AtomicUsize,
    /// The first write that failed: the build stops with it (an I/O error, not the content's).
    failed: Mutex<Option<String>>,
    done: AtomicBool,
}

impl Staging {
    pub fn begin(out: &Path) -> Result<Staging, OutputError> {
        clean_leftovers(out);
        let dir = sibling(out, "staging");
        fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, e))?;
        // From here on, dropping `Staging` removes the folder.
        let staging = Staging {
            out: out.to_path_buf(),
            previous: out.join(MARKER).is_file().then(|| out.to_path_buf()),
            made: Mutex::new(HashSet::from([dir.clone()])),
            dir,
            files: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            failed: Mutex::new(None),
            done: AtomicBool::new(false),
        };
        // The marker goes first, so even a half-written staging folder is recognisably ours.
        fs::write(staging.dir.join(MARKER), MARKER_TEXT)
            .map_err(|e| io_error("write", &staging.dir, e))?;
        Ok(staging)
    }

    /// Write one file (from any thread). Unchanged files are hard-linked from the previous
    /// output, which keeps their mtimes and rsync-based deploys quiet.
    pub fn write(&self, f: &OutputFile) -> Result<(), OutputError> {
        self.write_parts(&f.path, &[&f.data])
    }

    /// The first write error, if any.
    pub fn failure(&self) -> Option<String> {
        self.failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Write one file made of `parts`, in order, without joining them first (a counter's print
    /// set is its list and thousands of shared detail sheets).
    pub fn write_parts(&self, path: &str, parts: &[&[u8]]) -> Result<(), OutputError> {
        let r = self.write_file(path, parts);
        if let Err(e) = &r {
            self.fail(e);
        }
        r
    }

    fn write_file(&self, path: &str, parts: &[&[u8]]) -> Result<(), OutputError> {
        let target = safe_join(&self.dir, path)?;
        self.make_parent(&target)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        if let Some(prev) = &self.previous {
            let old = safe_join(prev, path)?;
            if same_bytes(&old, parts) && fs::hard_link(&old, &target).is_ok() {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
        }
        let mut file = fs::File::create(&target).map_err(|e| io_error("create", &target, e))?;
        let written = if let [one] = parts {
            // Most files are one buffer: write it straight, no copy through a buffer.
            file.write_all(one)
        } else {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            parts
                .iter()
                .try_for_each(|p| w.write_all(p))
                .and_then(|()| w.flush())
        };
        written.map_err(|e| io_error("write", &target, e))
    }

    /// Start writing the file at `path` piece by piece, as its parts are made (a national
    /// catalogue's data file is tens of MB: it never sits whole in memory).
    pub fn stream(&self, path: &str) -> Result<StreamedFile<'_>, OutputError> {
        let r = self.open_stream(path);
        if let Err(e) = &r {
            self.fail(e);
        }
        r
    }

    fn open_stream(&self, path: &str) -> Result<StreamedFile<'_>, OutputError> {
        let target = safe_join(&self.dir, path)?;
        self.make_parent(&target)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        let old = match &self.previous {
            Some(prev) => {
                let old = safe_join(prev, path)?;
                fs::File::open(&old)
                    .ok()
                    .map(|f| (old, std::io::BufReader::with_capacity(1 << 16, f)))
            }
            None => None,
        };
        let file = fs::File::create(&target).map_err(|e| io_error("create", &target, e))?;
        Ok(StreamedFile {
            staging: self,
            out: std::io::BufWriter::with_capacity(1 << 16, file),
            target,
            old,
            scratch: Vec::new(),
            size: 0,
        })
    }

    fn fail(&self, e: &OutputError) {
        self.failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(|| e.0.clone());
    }

    /// Carry file `rel` of the previous output over unchanged.
    fn keep(&self, rel: &str) -> Result<(), OutputError> {
        let (old, target) = (safe_join(&self.out, rel)?, safe_join(&self.dir, rel)?);
        self.make_parent(&target)?;
        fs::hard_link(&old, &target)
            .or_else(|_| fs::copy(&old, &target).map(drop))
            .map_err(|e| io_error("keep", &old, e))
    }

    fn make_parent(&self, target: &Path) -> Result<(), OutputError> {
        let Some(parent) = target.parent() else {
            return Ok(());
        };
        let lock = || self.made.lock().unwrap_or_else(|e| e.into_inner());
        if lock().contains(parent) {
            return Ok(());
        }
        fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
        lock().insert(parent.to_path_buf());
        Ok(())
    }

    /// Swap the staging folder in as the output.
    pub fn finish(&self) -> Result<WriteStats, OutputError> {
        if self.done.swap(true, Ordering::SeqCst) {
            return Err(OutputError("the output was already put in place".into()));
        }
        if let Err(e) = swap_in(&self.dir, &self.out) {
            let _ = fs::remove_dir_all(&self.dir);
            return Err(e);
        }
        Ok(WriteStats {
            files: self.files.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !*self.done.get_mut() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn io_error(what: &str, p: &Path, e: std::io::Error) -> OutputError {
    OutputError(format!("cannot {what} {}: {e}", p.display()))
}

/// A file of the staging folder being written piece by piece ([`Staging::stream`]). Its bytes
/// are compared with the previous output's file as they go: when they all match, the previous
/// file is hard-linked in its place, as [`Staging::write`] does.
pub struct StreamedFile<'s> {
    staging: &'s Staging,
    out: std::io::BufWriter<fs::File>,
    target: PathBuf,
    /// The previous output's file, while its bytes match what was written so far.
    old: Option<(PathBuf, std::io::BufReader<fs::File>)>,
    scratch: Vec<u8>,
    size: u64,
}

impl StreamedFile<'_> {
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), OutputError> {
        use std::io::Read;
        if let Some((_, old)) = &mut self.old {
            self.scratch.resize(bytes.len(), 0);
            if old.read_exact(&mut self.scratch).is_err() || self.scratch != bytes {
                self.old = None;
            }
        }
        self.size += bytes.len() as u64;
        let r = self
            .out
            .write_all(bytes)
            .map_err(|e| io_error("write", &self.target, e));
        if let Err(e) = &r {
            self.staging.fail(e);
        }
        r
    }

    /// Close the file; returns its size in bytes.
    pub fn finish(self) -> Result<u64, OutputError> {
        use std::io::Read;
        let StreamedFile {
            staging,
            out,
            target,
            old,
            size,
            ..
        } = self;
        if let Err(e) = out.into_inner() {
            let e = io_error("write", &target, e.into_error());
            staging.fail(&e);
            return Err(e);
        }
        // Unchanged when the previous file also ends here.
        if let Some((old_path, mut old)) = old
            && old.read(&mut [0u8; 1]).is_ok_and(|n| n == 0)
            && fs::remove_file(&target).is_ok()
        {
            if fs::hard_link(&old_path, &target).is_ok() {
                staging.unchanged.fetch_add(1, Ordering::Relaxed);
            } else {
                // Hard links refused (another file system): write it again.
                let r = fs::copy(&old_path, &target)
                    .map(drop)
                    .map_err(|e| io_error("write", &target, e));
                if let Err(e) = &r {
                    staging.fail(e);
                }
                r?;
            }
        }
        Ok(size)
    }
}

/// Whether the file at `path` holds exactly `parts`, one after the other.
fn same_bytes(path: &Path, parts: &[&[u8]]) -> bool {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == len as u64 => fs::read(path)
            .map(|b| {
                let mut rest = &b[..];
                parts.iter().all(|p| match rest.split_at_checked(p.len()) {
                    Some((head, tail)) if head == *p => {
                        rest = tail;
                        true
                    }
                    _ => false,
                })
            })
            .unwrap_or(false),
        _ => false,
    }
}

/// Replace `out` by `staging`: the old output is moved aside, then removed.
fn swap_in(staging: &Path, out: &Path) -> Result<(), OutputError> {
    if out.exists() {
        let old = sibling(out, "old");
        fs::rename(out, &old).map_err(|e| {
            OutputError(format!(
                "cannot move the previous output {} aside: {e}",
                out.display()
            ))
        })?;
        if let Err(e) = fs::rename(staging, out) {
            let _ = fs::rename(&old, out);
            return Err(OutputError(format!(
                "cannot put the new output in place at {}: {e}",
                out.display()
            )));
        }
        let _ = fs::remove_dir_all(&old);
    } else {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)
                .map_err(|e| OutputError(format!("cannot create {}: {e}", parent.display())))?;
        }
        fs::rename(staging, out).map_err(|e| {
            OutputError(format!(
                "cannot put the new output in place at {}: {e}",
                out.display()
            ))
        })?;
    }
    Ok(())
}

/// Join a generated relative path under `root`, refusing anything that could land outside it.
pub fn safe_join(root: &Path, rel: &str) -> Result<PathBuf, OutputError> {
    let mut p = root.to_path_buf();
    for part in rel.split('/') {
        if part.is_empty()
            || part == "."
            || part == ".."
            || part.contains('\\')
            || part.contains(':')
            || part.contains('\0')
        {
            return Err(OutputError(format!(
                "refusing to write `{rel}`: the path is not a plain relative path"
            )));
        }
        p.push(part);
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_moved_aside_by_a_killed_run_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let old = dir.path().join(".public.niemyet-old-42");
        let staging = dir.path().join(".public.niemyet-staging-42");
        for d in [&old, &staging] {
            fs::create_dir_all(d).unwrap();
            fs::write(d.join(MARKER), MARKER_TEXT).unwrap();
        }
        fs::write(old.join("index.html"), "previous").unwrap();
        clean_leftovers(&out);
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
        assert!(!old.exists() && !staging.exists());
    }

    #[test]
    fn files_written_while_rendering_appear_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let write = |parts: &[&[u8]]| {
            let staging = Staging::begin(&out).unwrap();
            staging.write_parts("a/print.html", parts).unwrap();
            staging
        };
        // Dropped without `finish` (a render error): nothing appears, nothing is left behind.
        drop(write(&[b"list", b"sheet"]));
        assert!(!out.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        let stats = write(&[b"list", b"sheet"]).finish().unwrap();
        assert_eq!(fs::read(out.join("a/print.html")).unwrap(), b"listsheet");
        assert_eq!((stats.files, stats.unchanged), (1, 0));
        // The same bytes in other parts: carried over, not rewritten.
        let stats = write(&[b"lis", b"tsheet"]).finish().unwrap();
        assert_eq!((stats.files, stats.unchanged), (1, 1));
        let stats = write(&[b"list", b"sheeT"]).finish().unwrap();
        assert_eq!((stats.files, stats.unchanged), (1, 0));
        assert_eq!(fs::read(out.join("a/print.html")).unwrap(), b"listsheeT");
    }

    #[test]
    fn generated_paths_stay_inside() {
        let root = Path::new("/tmp/out");
        assert!(safe_join(root, "thu-tuc/a.html").is_ok());
        for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "c:\\x", ""] {
            assert!(safe_join(root, bad).is_err(), "{bad}");
        }
    }
}
