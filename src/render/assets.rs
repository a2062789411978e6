//! Files copied byte for byte: the theme's static assets and the content's form files.

use super::{OutputFile, RenderContext, RenderError, content_path};

pub fn render(ctx: &RenderContext) -> Result<Vec<OutputFile>, Vec<RenderError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (name, file) in ctx.theme.static_files() {
        out.push(OutputFile {
            path: format!("static/{name}"),
            data: file.bytes.clone(),
        });
    }
    for form in &ctx.site.content.forms {
        match std::fs::read(content_path(ctx.content_dir, &form.path)) {
            Ok(data) => out.push(OutputFile {
                path: form.path.clone(),
                data,
            }),
            Err(e) => errors.push(RenderError {
                what: form.path.clone(),
                message: format!("cannot read the form file: {e}"),
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
