//! Embeds the web root into the component: the built frontend
//! (`frontend/dist`) when it exists, otherwise `static/`. Each file gets its
//! content type and a content hash for its ETag.

use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let dist = manifest_dir.join("../../frontend/dist");
    let root = if dist.join("index.html").exists() {
        dist
    } else {
        manifest_dir.join("static")
    };
    println!("cargo:rerun-if-changed={}", root.display());
    println!(
        "cargo:rerun-if-changed={}",
        manifest_dir.join("../../frontend/dist").display()
    );

    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let mut out = String::from("pub static FILES: &[StaticFile] = &[\n");
    for (i, (rel, path)) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(path).unwrap();
        let hash = Sha256::digest(&bytes);
        let etag: String = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
        // Text assets also ship gzipped, when that is smaller.
        let gzip = if is_compressible(rel) {
            let mut enc = GzEncoder::new(Vec::new(), Compression::best());
            enc.write_all(&bytes).unwrap();
            let gz = enc.finish().unwrap();
            (gz.len() < bytes.len()).then(|| {
                let gz_path = out_dir.join(format!("asset-{i}.gz"));
                std::fs::write(&gz_path, gz).unwrap();
                gz_path
            })
        } else {
            None
        };
        let gzip = match gzip {
            Some(p) => format!("Some(include_bytes!({:?}))", p.display().to_string()),
            None => "None".to_string(),
        };
        writeln!(
            out,
            "    StaticFile {{ path: {:?}, content_type: {:?}, etag: {:?}, body: include_bytes!({:?}), gzip: {gzip} }},",
            format!("/{rel}"),
            content_type(rel),
            etag,
            path.canonicalize().unwrap().display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = out_dir.join("static_files.rs");
    std::fs::write(dest, out).unwrap();
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, path));
        }
    }
}

fn is_compressible(path: &str) -> bool {
    matches!(
        path.rsplit('.').next().unwrap_or(""),
        "html" | "js" | "mjs" | "css" | "json" | "map" | "svg" | "txt" | "webmanifest"
    )
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
